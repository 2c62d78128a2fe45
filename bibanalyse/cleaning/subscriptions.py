"""Cleaning the subscription periods (abonnementen)."""

from __future__ import annotations

import pandas as pd


def add_youth_subscription_flag(subscriptions: pd.DataFrame) -> pd.DataFrame:
    """``jeugdabonnement``: the subscription's name says jeugd. (A holder under 18 on the
    day counted is youth too; that is decided when counting, from ``geboortejaar``.)

    >>> frame = pd.DataFrame({"abonnement": pd.Series(["Jeugd 0-17", "Basis"], dtype="str")})
    >>> add_youth_subscription_flag(frame)["jeugdabonnement"].tolist()
    [True, False]
    """
    named_youth = subscriptions["abonnement"].str.contains("jeugd", case=False)
    return subscriptions.assign(jeugdabonnement=named_youth.fillna(False).astype(bool))
