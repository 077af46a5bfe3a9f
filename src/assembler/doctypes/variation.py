"""The deed of variation's deal sheet (contracting-model.md 7.4; document-structures.md D)."""

from __future__ import annotations

from ..schema import F, ListOf, Map, Str
from .common import COMMON, PARTY

ORIGINAL = Map(
    {
        # the agreement as signed: its deal sheet, relative to this deal sheet
        "deal": F(
            Str(),
            required=True,
            hint="the original agreement's deal sheet, e.g. over-65s-alliance.yaml",
        ),
        "date": F(Str(), required=True, hint="the date the original agreement was signed"),
    }
)

DEED_OF_VARIATION = Map(
    {
        **COMMON,
        "original": F(ORIGINAL, required=True),
        "parties": F(ListOf(PARTY, min_items=2), required=True),
    },
)
