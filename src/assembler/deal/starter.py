"""``assemble new``: a commented starter deal sheet for a document type, written from its schema.

The schema (:mod:`doctypes`) says which keys exist, their types and allowed values; the outline and
the bank say which alternatives a deal chooses between and which criteria each clause serves. The
starter puts all of it in comments, so a lawyer can start a deal without reading the code. Required
keys are filled with bracketed placeholders (the file loads at once); optional keys are commented.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from assembler.bank.clausebank import ClauseBank
from assembler.bank.outline import Outline
from assembler.core.schema import (
    Bool,
    Date,
    Enum,
    Id,
    Int,
    ListOf,
    Map,
    MapOf,
    Money,
    OneOf,
    Percent,
    Spec,
)
from assembler.deal.types import bank_types


@dataclass
class _Line:
    depth: int
    text: str
    comment: str = ""
    optional: bool = False

    def render(self, width: int = 44) -> str:
        body = "  " * self.depth + ("# " if self.optional else "") + self.text
        if not self.comment:
            return body
        return f"{body:<{width}} # {self.comment}"


def starter(
    document_type: str,
    outline: Outline,
    bank: ClauseBank,
    original: str | None = None,
    schema_file: str | None = None,
) -> str:
    """The text of a starter deal sheet for ``document_type``; ``original`` is the deal sheet a
    deed of variation varies (an example of the bank, until the drafter names theirs);
    ``schema_file`` the JSON Schema an editor checks it against as the drafter types."""
    schema = bank_types(bank.root)[document_type].schema
    serves = _criteria_by_path(bank, document_type)
    editor = [f"# yaml-language-server: $schema={schema_file}"] if schema_file else []
    head = [
        *editor,
        f"# A starter deal sheet: {document_type.replace('_', ' ')}.",
        f"# Written by `assemble new {document_type}`. Keys without '#' are required; uncomment",
        "# the optional ones you need. A value in [square brackets] is a placeholder: it prints",
        "# highlighted for the drafter. Codes (lower_snake words) print through the bank's",
        "# vocabulary.yaml. 'serves' names the contracting criteria of the clauses that read a",
        "# key (the bank's criteria.yaml).",
        "",
    ]
    given = {**STARTER_VALUES, **schema.starter}
    if original:
        given[("original", 1)] = {"deal": json.dumps(original)}
    lines = list(_fields(schema, "", 0, False, serves, document_type, given=given))
    lines += list(_choices(outline, bank, document_type))
    return "\n".join(head + [line.render() for line in lines]) + "\n"


def _fields(
    spec: Map,
    path: str,
    depth: int,
    optional: bool,
    serves: dict[str, set[str]],
    doc_type: str,
    index: int = 1,
    given: dict[tuple[str, int], dict[str, str]] | None = None,
) -> Iterator[_Line]:
    given = given or {}
    for key, field in spec.fields.items():
        if key == "choices" or field.renamed:
            continue  # listed with the outline's alternatives, below; an old name is not offered
        here = f"{path}.{key}" if path else key
        value_given = given.get((path, index), {}).get(key)
        off = optional or (not field.required and value_given is None)
        comment = _describe(field.spec, field.hint, serves.get(here))
        inner = field.spec
        if isinstance(inner, Map):
            yield _Line(depth, f"{key}:", comment, off)
            children = list(_fields(inner, here, depth + 1, off, serves, doc_type, given=given))
            if not off and all(c.optional for c in children if c.depth == depth + 1):
                children[0].optional = False  # a required mapping needs at least one key
            yield from children
        elif isinstance(inner, ListOf) and isinstance(inner.item, Map):
            yield _Line(depth, f"{key}:", comment, off)
            count = max(inner.min_items, STARTER_ITEMS.get(f"{here}[]", 1))
            for i in range(count):
                yield from _item(inner.item, here, depth + 1, off, serves, doc_type, i + 1, given)
        else:
            value = value_given or (
                doc_type if key == "document_type" else _example(inner, key, index)
            )
            yield _Line(depth, f"{key}: {value}", comment, off)


def _item(
    spec: Map,
    path: str,
    depth: int,
    optional: bool,
    serves: dict[str, set[str]],
    doc_type: str,
    index: int,
    given: dict[tuple[str, int], dict[str, str]],
) -> Iterator[_Line]:
    """One list item: its first key after "- ", the rest indented under it."""
    lines = list(_fields(spec, f"{path}[]", depth + 1, optional, serves, doc_type, index, given))
    for n, line in enumerate(lines):
        yield _Line(depth, "- " + line.text, line.comment, line.optional) if n == 0 else line


#: Values the starter writes in place of a bare placeholder, by list path and item number: a
#: commissioner and a provider of bodies that exist today (an ICB, not a CCG: CCGs were abolished on
#: 1 July 2022 by the Health and Care Act 2022), and a strategic board its chair comes from.
STARTER_VALUES: dict[tuple[str, int], dict[str, str]] = {
    ("parties[]", 1): {"kind": "icb", "roles": "[commissioner]"},
    ("parties[]", 2): {"kind": "nhs_trust", "roles": "[provider]"},
    ("governance.bodies[]", 1): {"role": "strategic", "chair": "party_1"},
    # a deed of variation relies on the agreement's clause on changing it, and changes a clause
    ("", 1): {"variation_power": "variation"},
    ("amendments[]", 1): {"op": "replace_clause", "at": "scope", "text": '"[the new text]"'},
}
#: How many items the starter writes for a list the table above fills.
STARTER_ITEMS = {path: n for path, n in sorted(STARTER_VALUES)}


def _example(spec: Spec, key: str, index: int = 1) -> str:
    if isinstance(spec, Id):
        return f"{spec.kind}_{index}"
    if isinstance(spec, Enum):
        return str(spec.values[0])
    if isinstance(spec, Bool):
        return "false"
    if isinstance(spec, Date):  # the deal's own date picks clause versions: it must be real
        return dt.date.today().isoformat() if key == "effective_date" else '"[YYYY-MM-DD]"'
    if isinstance(spec, (Int, Money, Percent)):
        return f'"[{key.replace("_", " ")}]"'  # a placeholder: a number may have a minimum
    if isinstance(spec, ListOf):
        return f"[{_example(spec.item, key, index)}]" if spec.min_items else "[]"
    if isinstance(spec, MapOf):
        return "{}"
    if isinstance(spec, OneOf):
        return _example(spec.options[0], key, index)
    return f'"[{key.replace("_", " ")}]"'


def _describe(spec: Spec, hint: str | None, criteria: set[str] | None) -> str:
    parts = [spec.expects]
    if isinstance(spec, ListOf) and not isinstance(spec.item, Map):
        parts = [f"a list, each {spec.item.expects}"]
    if hint:
        parts.append(hint)
    if criteria:
        parts.append("serves " + ", ".join(sorted(criteria)))
    return "; ".join(parts)


def _criteria_by_path(bank: ClauseBank, document_type: str) -> dict[str, set[str]]:
    """Deal path (``term.review_points``) -> the criteria of the clauses that read it."""
    found: dict[str, set[str]] = {}
    for clause in bank.clauses.values():
        if document_type not in clause.document_types:
            continue
        for variable in clause.variables:
            path = re.sub(r"\[\d*\]", "[]", variable.removeprefix("deal."))
            found.setdefault(path, set()).update(c.split(".")[0] for c in clause.criteria)
    return found


def _choices(outline: Outline, bank: ClauseBank, document_type: str) -> Iterator[_Line]:
    slots = [s for s in outline.clauses + outline.schedules if s.choose]
    if not slots:
        return
    yield _Line(0, "")
    yield _Line(0, "# Alternatives: pick one option for each (the default is used when omitted).")
    yield _Line(0, "choices:", optional=True)
    for slot in slots:
        options = sorted(
            (c for c in bank.clauses.values() if c.choice == slot.choose),
            key=lambda c: str(c.option),
        )
        options = [c for c in options if document_type in c.document_types]
        yield _Line(1, f"{slot.choose}: {slot.default}", "one of the options below", True)
        for clause in options:
            criteria = ", ".join(sorted({c.split(".")[0] for c in clause.criteria}))
            yield _Line(2, f"  {clause.option}: {clause.title}; serves {criteria}", optional=True)
