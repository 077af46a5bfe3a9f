"""Rule ids and what each checks: the registry every rule id is declared in. A Python deal-sheet
rule declares its ids with :func:`deal_rule`; the coverage and lint checks are listed here, and the
engine's own ids (E-key-01, E-frag-10 ...) in ``engine-rules.yaml``. (Kept apart from :mod:`rules`,
which reads the document types, so that the rules of :mod:`doctypes` import no cycle.)

An id says its severity (``E-`` an error, ``W-`` a warning: a judgement call, shown with the seed
reference, ``L-`` the lint) and what it encodes (``E-rule-G3``: drafting guidance G3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML

Fn = TypeVar("Fn", bound=Callable[..., Any])


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: str  # error | warning
    source: str  # where it comes from: "contracting-model.md G3; seed 001 ch8"
    summary: str
    kind: str = "deal sheet"  # deal sheet | coverage | lint | engine


#: Every rule by id; deal-sheet rules register themselves on import of :mod:`doctypes`.
RULES: dict[str, RuleInfo] = {}


def deal_rule(*infos: tuple[str, str, str]) -> Callable[[Fn], Fn]:
    """Register a schema rule function under one or more (id, source, summary) entries."""

    def register(fn: Fn) -> Fn:
        for rule_id, source, summary in infos:
            severity = "warning" if rule_id.startswith("W-") else "error"
            RULES.setdefault(rule_id, RuleInfo(rule_id, severity, source, summary))
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


def _engine_rules() -> None:
    """The engine's own ids, from ``engine-rules.yaml`` (grouped by area for the reader)."""
    path = Path(__file__).with_name("engine-rules.yaml")
    for entries in (YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}).values():
        for rule_id, summary in entries.items():
            severity = "warning" if rule_id.startswith("W-") else "error"
            RULES.setdefault(rule_id, RuleInfo(rule_id, severity, "engine", summary, "engine"))


_engine_rules()
