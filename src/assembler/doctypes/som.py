"""The service operations manual's deal sheet (contracting-model.md 3.1; document-structures.md B)."""

from __future__ import annotations

from ..schema import F, ListOf, Map
from .common import COMMON, PARTY

SERVICE_OPERATIONS_MANUAL = Map(
    {
        **COMMON,
        "parties": F(ListOf(PARTY, min_items=2), required=True),
    },
)
