"""The indicators of the prestatieafspraken.

- :mod:`~bibanalyse.indicators.registry`: what an indicator is, and ``REGISTRY``, which
  holds every one;
- :mod:`~bibanalyse.indicators.definitions`: the entries, one per indicator of the data
  contract; import ``REGISTRY`` from there, so that it holds every one;
- one module per domain with the computations, small functions on the processed tables (the
  frame first, a number or a new frame back; inputs never changed): ``members``,
  ``collection``, ``loans``, ``activities``, ``partners``, ``visits``, ``ido``,
  ``communication``, ``digital``;
- :mod:`~bibanalyse.indicators.table`: the indicator table of a period
  (``indicatoren.csv``).
"""
