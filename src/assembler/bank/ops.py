"""Keeping a clause bank, as the ``bank`` commands do: one import for all of them.

What each does lives in a module of its own: :mod:`~assembler.bank.views` (list, show, diff),
:mod:`~assembler.bank.editing` (new, bump, approve, retire, record hashes),
:mod:`~assembler.bank.gate` (the whole-bank check) and :mod:`~assembler.bank.static` (what the
check finds by reading the bank alone).
"""

from __future__ import annotations

from assembler.bank.editing import (
    CHANGE_PLACEHOLDER,
    approve,
    bump,
    content_hash,
    new_clause,
    record_hashes,
    retire,
)
from assembler.bank.gate import CheckResult, Trial, check_bank
from assembler.bank.static import bank_env
from assembler.bank.views import (
    FOOTNOTE,
    JINJA_TAG,
    LEVEL_MARKS,
    clause_record,
    find_version,
    parse_ref,
    plain_text,
    select,
    word_diff,
)

__all__ = [
    "CHANGE_PLACEHOLDER",
    "FOOTNOTE",
    "JINJA_TAG",
    "LEVEL_MARKS",
    "CheckResult",
    "Trial",
    "approve",
    "bank_env",
    "bump",
    "check_bank",
    "clause_record",
    "content_hash",
    "find_version",
    "new_clause",
    "parse_ref",
    "plain_text",
    "record_hashes",
    "retire",
    "select",
    "word_diff",
]
