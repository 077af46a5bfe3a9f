"""The catalogue of checks with stable ids: the seeds' drafting guidance (G1-G28) as deal-sheet
rules (declared in a document type's ``rules.yaml``, or Python functions of the registry in
:mod:`doctypes`), the criteria coverage checks, the plain-language lint and the engine's own ids.
``assemble rules`` prints it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assembler.core.ruleids import RULES, RuleInfo
from assembler.deal.types import house_types


def catalogue() -> list[RuleInfo]:
    """Every rule, deal-sheet rules first, in id order within each kind."""
    house_types()  # the rules of the document types (Python and declared) register their ids
    order = {"deal sheet": 0, "coverage": 1, "lint": 2, "engine": 3}

    def key(rule: RuleInfo) -> tuple[int, str, int, str]:  # G2 before G10
        number = re.search(r"G(\d+)$", rule.id)
        return (order[rule.kind], rule.id[:1], int(number.group(1)) if number else 0, rule.id)

    return sorted(RULES.values(), key=key)


def document_types_of(rule_id: str) -> list[str]:
    """The document types of the house bank whose schema or rules apply a deal-sheet rule."""

    return sorted(
        name
        for name, doc in house_types().items()
        if any(rule_id in getattr(fn, "rule_ids", ()) for fn in _all_rules(doc.schema))
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


RULE_ID = re.compile(r"[EWL]-[a-z]+-[0-9A-Za-z]+")


def source_rule_ids() -> set[str]:
    """The rule ids the engine's modules spell out as string literals (what they can raise)."""
    ids = set()
    for module in Path(__file__).parents[1].rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and RULE_ID.fullmatch(text):
                ids.add(text)
    return ids


def known_rule_ids() -> set[str]:
    """Every rule id the engine can report: the catalogue's, and the ids its source raises."""
    return {rule.id for rule in catalogue()} | source_rule_ids()
