"""The memorandum of understanding's deal sheet (contracting-model.md 7.3; document-structures.md C)."""

from __future__ import annotations

from ..schema import Bool, F, ListOf, Map
from .common import COMMON, PARTY

MEMORANDUM_OF_UNDERSTANDING = Map(
    {
        **COMMON,
        "parties": F(ListOf(PARTY, min_items=2), required=True),
        "binding": F(Bool(), required=True),
    },
)
