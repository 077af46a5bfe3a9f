"""The catalogue of checks with stable ids: the seeds' drafting guidance (G1-G28) as deal-sheet
rules, the criteria coverage checks and the plain-language lint. ``assemble rules`` prints it.

A deal-sheet rule is a function of a document type's schema, registered with :func:`deal_rule`;
its id says its severity (``E-`` an error, ``W-`` a warning: a judgement call, shown with the seed
reference) and the guidance it encodes (``E-rule-G3``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

Fn = TypeVar("Fn", bound=Callable[..., Any])


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: str  # error | warning
    source: str  # where it comes from: "contracting-model.md G3; seed 001 ch8"
    summary: str
    kind: str = "deal sheet"  # deal sheet | coverage | lint


#: Every rule by id; deal-sheet rules register themselves on import of :mod:`doctypes`.
RULES: dict[str, RuleInfo] = {}


def deal_rule(*infos: tuple[str, str, str]) -> Callable[[Fn], Fn]:
    """Register a schema rule function under one or more (id, source, summary) entries."""

    def register(fn: Fn) -> Fn:
        for rule_id, source, summary in infos:
            severity = "warning" if rule_id.startswith("W-") else "error"
            RULES[rule_id] = RuleInfo(rule_id, severity, source, summary)
        fn.rule_ids = tuple(i[0] for i in infos)  # type: ignore[attr-defined]
        return fn

    return register


def _static(kind: str, *entries: tuple[str, str, str, str]) -> None:
    for rule_id, severity, source, summary in entries:
        RULES[rule_id] = RuleInfo(rule_id, severity, source, summary, kind)


_static(
    "coverage",
    (
        "E-crit-01",
        "error",
        "000 Tables 1-4",
        "a required criterion has no clause in the document (a warning in a draft build)",
    ),
    ("E-crit-02", "error", "the bank's criteria.yaml", "a listed criterion is not in the taxonomy"),
    ("E-blank-01", "error", "house style", "a [bracketed] blank in an execution version"),
)
_static(
    "lint",
    ("L-sent-01", "warning", "house style", "a sentence is longer than the house limit"),
    ("L-pass-01", "warning", "house style", "a passive sentence: say who does it"),
    ("L-nom-01", "warning", "house style", 'a nominalisation ("make a decision"): use the verb'),
    ("L-read-01", "warning", "house style", "a clause's reading ease is below the threshold"),
    ("L-shall-01", "error", "house style", '"shall": the house style says "must" or "will"'),
    ("L-arch-01", "error", "house style", "an archaism or legalese (herein, forthwith ...)"),
    ("L-doc-01", "error", "house style", "the median sentence length exceeds the threshold"),
    ("L-doc-02", "error", "house style", "the share of passive sentences exceeds the threshold"),
    ("L-doc-03", "error", "house style", "the document's reading ease is below the threshold"),
)


def catalogue() -> list[RuleInfo]:
    """Every rule, deal-sheet rules first, in id order within each kind."""
    from assembler import doctypes  # noqa: F401 - importing the schemas registers their rules

    order = {"deal sheet": 0, "coverage": 1, "lint": 2}

    def key(rule: RuleInfo) -> tuple[int, str, int, str]:  # G2 before G10
        number = re.search(r"G(\d+)$", rule.id)
        return (order[rule.kind], rule.id[:1], int(number.group(1)) if number else 0, rule.id)

    return sorted(RULES.values(), key=key)


def document_types_of(rule_id: str) -> list[str]:
    """The document types whose schema applies a deal-sheet rule."""
    from assembler.doctypes import SCHEMAS

    return sorted(
        name
        for name, schema in SCHEMAS.items()
        if any(rule_id in getattr(fn, "rule_ids", ()) for fn in _all_rules(schema))
    )


def _all_rules(spec: Any) -> list[Callable[..., Any]]:
    """The rule functions of a schema and of every map nested in it."""
    found = list(getattr(spec, "rules", []))
    for child in _children(spec):
        found += _all_rules(child)
    return found


def _children(spec: Any) -> list[Any]:
    fields = getattr(spec, "fields", None)
    if isinstance(fields, dict):
        return [f.spec for f in fields.values()]
    for attribute in ("item", "value"):
        if hasattr(spec, attribute):
            return [getattr(spec, attribute)]
    return list(getattr(spec, "options", []))


def known_rule_ids() -> set[str]:
    """Every rule id the engine can report: the catalogue's, and the ids the engine's modules
    raise (E-ref-02, E-check-04 ...), read from its source so none is missed."""
    from pathlib import Path

    ids = {rule.id for rule in catalogue()}
    for module in Path(__file__).parents[1].rglob("*.py"):
        ids.update(re.findall(r"[\"']([EWL]-[a-z]+-[0-9A-Za-z]+)[\"']", module.read_text("utf-8")))
    return ids
