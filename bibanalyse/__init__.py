"""bibanalyse: how Bibliotheek Zuid-Kennemerland performs on its prestatieafspraken."""

__version__ = "0.1.0"
