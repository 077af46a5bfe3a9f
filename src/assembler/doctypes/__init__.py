"""The deal-sheet schema of each document type, one module each, built from :mod:`schema`."""

from __future__ import annotations

from ..schema import Map
from .alliance import ALLIANCE_AGREEMENT

SCHEMAS: dict[str, Map] = {
    "alliance_agreement": ALLIANCE_AGREEMENT,
}
