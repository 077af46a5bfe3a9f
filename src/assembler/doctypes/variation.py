"""The deed of variation's deal sheet (contracting-model.md 7.4; document-structures.md 5 and (a) D).

A deed of variation changes an agreement the engine built: ``original.deal`` is that agreement's
deal sheet, and every amendment names the clause it changes by the original's clause id or outline
slot (``at: objectives``), never by number, so the deed prints the original's own numbers through
``original.ref()`` however the bank's outline grows.

A ``provision`` narrows an amendment to one provision of that clause, by its number within the
clause as signed ("1" of clause 5 is clause 5.1; a schedule paragraph by its own number, "2.1").

Amendment text (``text``, ``words_from``, ``words_to``, ``after``, ``title``) is printed as given,
with two conventions:

- ``[ref:SLOT]`` prints the original's number for that clause id or slot ("clause 11", "Schedule 5"),
  so replacement text can cross-refer to the Agreement without a hard-coded number;
- in a list of paragraphs, a paragraph starting "(" is a list item (printed indented, unnumbered),
  one starting "# " is a paragraph heading of a replacement schedule, one starting with a quoted
  term (“Term” means ...) is a definition and one starting "> " is unnumbered text (both
  printed as they are), and any other paragraph is numbered in the original's style (clause 5 ->
  5.1, 5.2; schedule paragraph 1 -> 1.1, 1.2).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from assembler.core.schema import Checker, is_placeholder

#: What each amendment operation needs, and what it may also take (document-structures.md 5.6).
OPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # "Clause 12 (Title) is deleted and marked "Not used"." (first: the starter's example)
    "delete_clause_not_used": ((), ()),
    # "Clause 5 (Objectives) is deleted and replaced with the following: ..."
    "replace_clause": (("text",), ("title",)),
    # "A new clause 8A (Title) is inserted after clause 8: ..."; number: when it is not 8A (a
    # clause added after the last one takes the next number, as `assemble vary` writes it)
    "insert_clause": (("title", "text"), ("number",)),
    # "In clause 3.2, for "X" substitute "Y"." (or "In clause 3.2, after "C" insert "D"."); without
    # provision, the clause: "In clause 3 (Title), ..."
    "substitute_words": (("words_to",), ("words_from", "after", "provision", "definition")),
    # "For clause 3.2 substitute: ..." (one provision of the clause, by its number in the clause)
    "replace_provision": (("provision", "text"), ()),
    # "Schedule 5 (Title) is deleted and replaced with the schedule in paragraph 1 of Schedule 1"
    "replace_schedule": (("text",), ("title",)),
    # "The following definition is inserted in clause 1.1 in its alphabetical position: ..."
    "insert_definition": (("term", "text"), ()),
    # "Omit clause 15.3, leaving its number in place marked "Not used"" (15.4 stays 15.4)
    "omit_provision": (("provision",), ()),
    # "After clause 9.4 insert: "9.4A ..."" (provision: 4, number: 4A)
    "insert_provision": (("provision", "number", "text"), ()),
}
AMENDMENT_KEYS = (
    "title",
    "text",
    "words_from",
    "words_to",
    "after",
    "term",
    "number",
    "provision",
    "definition",
)


def amendment_fields(values: dict[str, Any], ck: Checker, path: str) -> None:
    """E-var-03: each operation has the keys it needs, and no key it would leave unread."""
    op = values.get("op")
    if op not in OPS:
        return
    needs, may = OPS[op]
    for key in needs:
        if key not in values:
            ck.error(
                "E-var-03",
                f"{path}.{key}",
                ck.at(f"{path}.op"),
                f"{op} needs {key}",
                f"{op} takes {', '.join(needs + may) or 'no other keys'} (document-structures.md 5.6)",
            )
    for key in AMENDMENT_KEYS:
        if key in values and key not in needs + may:
            ck.error(
                "E-var-03",
                f"{path}.{key}",
                ck.at(f"{path}.{key}"),
                f"{op} does not use {key}",
                f"{op} takes {', '.join(needs + may) or 'no other keys'}",
            )
    if op == "substitute_words" and ("words_from" in values) == ("after" in values):
        ck.error(
            "E-var-03",
            path,
            ck.at(f"{path}.op"),
            "substitute_words needs either words_from (words to replace) or after "
            "(words to insert after), not both",
            'words_from: "X" + words_to: "Y" replaces X with Y; after: "C" + words_to: "D" '
            "inserts D after C",
        )


NUMBERED_TITLE = re.compile(r"\bNo\.?\s*(\d+)\b")


def variations_in_sequence(values: dict[str, Any], ck: Checker, path: str) -> None:
    """E-var-05: variations are numbered in sequence (document-structures.md 5.4), so a title that
    gives this deed a number must give the next one after the previous variations."""
    previous = values.get("previous_variations")
    found = NUMBERED_TITLE.search(str(values.get("title") or ""))
    if not isinstance(previous, list) or not found:
        return
    expected = len(previous) + 1
    if int(found.group(1)) != expected:
        ck.error(
            "E-var-05",
            "title",
            ck.at("title"),
            f"this deed is numbered {found.group(1)}, but {len(previous)} earlier variation(s) "
            f"are listed, so it is variation No. {expected}",
            "list every earlier variation under previous_variations, or correct the number",
        )


def dates_in_order(values: dict[str, Any], ck: Checker, path: str) -> None:
    """E-date-01: the Variation Date is not before the original's date, and each earlier variation
    falls between the two. (The same day is allowed: a deed may vary an agreement from its start.)"""
    start = (values.get("original") or {}).get("date")
    end = values.get("effective_date")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        ck.error(
            "E-date-01",
            "effective_date",
            ck.at("effective_date"),
            f"the Variation Date {end} is before the original agreement's date ({start})",
            "check the order of the dates",
        )
    for i, item in enumerate(values.get("previous_variations") or []):
        when = item.get("date") if isinstance(item, dict) else None
        where = f"previous_variations[{i}].date"
        if not isinstance(when, dt.date):
            continue
        if isinstance(start, dt.date) and when < start:
            ck.error("E-date-01", where, ck.at(where), f"{when} is before original.date ({start})")
        if isinstance(end, dt.date) and when > end:
            ck.error("E-date-01", where, ck.at(where), f"{when} is after effective_date ({end})")


def procurement_when_services_change(values: dict[str, Any], ck: Checker, path: str) -> None:
    """E-var-04: a deed that changes the services records its procurement basis (the Provider
    Selection Regime or the rules then in force: document-structures.md 5.5, (a) D 19), and only
    such a deed does."""
    changes = values.get("services_change")
    if changes is True and "procurement" not in values:
        ck.error(
            "E-var-04",
            "services_change",
            ck.at("services_change"),
            "the deed changes the services, so it needs a procurement record",
            "add procurement: {regimes, basis, notice, responsible} (document-structures.md 5.5)",
        )
    if changes is False and "procurement" in values:
        ck.error(
            "E-var-04",
            "procurement",
            ck.at("procurement"),
            "the deed does not change the services (services_change: false), so it takes no "
            "procurement record",
            "remove procurement, or set services_change: true",
        )


def procurement_from_a_basis(values: dict[str, Any], ck: Checker, path: str) -> None:
    """W-var-01: the procurement record states a conclusion only from a basis that is given. A
    blank basis leaves the question to the drafter (the deed says who must confirm it), and a
    notice conclusion given with it is not printed: it would rest on the blank."""
    record = values.get("procurement")
    if not isinstance(record, dict) or not is_placeholder(record.get("basis")):
        return
    unused = (
        ""
        if is_placeholder(record.get("notice"))
        else (
            f"; notice: {record.get('notice')} is not printed, because it would rest on that blank"
        )
    )
    ck.warn(
        "W-var-01",
        "procurement.basis",
        ck.at("procurement.basis"),
        f"the procurement basis is a blank, so the deed records no procurement conclusion{unused}",
        "ask the procurement adviser for the ground on which the changes are permitted, and "
        "give it as procurement.basis before the deed is executed",
    )
