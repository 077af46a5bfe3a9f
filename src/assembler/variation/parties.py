"""Parties that leave, and bodies a successor replaced by law: the deal as it stands without the
leavers, and the names a statutory successor reads in for its predecessor."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import write_atomic
from assembler.deal.sheet import Deal


def write_without_leaving(deal: Deal, path: Path) -> bool:
    """A deal sheet whose parties say ``change: leaving`` describes the agreement those parties
    leave: write the deal as it will stand without them (their entries, and every entry and id
    that names them, removed) to PATH, the deal sheet of the agreement as varied. False when no
    party leaves."""
    leaving = {p["id"] for p in deal.data["parties"] if p.get("change") == "leaving"}
    if not leaving:
        return False
    yaml = YAML()  # round trip: the drafter's comments and layout stay
    yaml.width = 100
    data = yaml.load(deal.path.read_text(encoding="utf-8"))
    data["parties"] = [p for p in data["parties"] if p.get("id") not in leaving]
    _drop_references(data, leaving)
    stream = io.StringIO()
    stream.write(
        f"# Written by `assemble vary` from {deal.path.name}: the deal as it stands once "
        f"{', '.join(sorted(leaving))} leave(s).\n"
    )
    yaml.dump(data, stream)
    write_atomic(path, stream.getvalue().encode("utf-8"))
    return True


def _drop_references(node: Any, ids: set[str]) -> None:
    """Remove from every list the ids, and the entries that refer to them (a service contract
    whose provider leaves), below NODE."""
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in list(children):
        if isinstance(child, list):
            child[:] = [item for item in child if not _names(item, ids)]
        _drop_references(child, ids)


def _names(item: Any, ids: set[str]) -> bool:
    if isinstance(item, dict):
        return bool(ids & {v for k, v in item.items() if k != "id" and isinstance(v, str)})
    return isinstance(item, str) and item in ids


def successions(old_deal: Deal, deal: Deal, terms: dict[str, Any]) -> dict[str, str]:
    """Old name -> new name of each party whose place a successor took by law (E-var-08 when the
    predecessor is not a party to the agreement as signed)."""
    before = {p["id"]: p for p in old_deal.data["parties"]}
    after = {p["id"]: p for p in deal.data["parties"]}
    names = {}
    for i, s in enumerate(terms.get("successions") or []):
        if s["predecessor"] not in before:
            raise AssemblerError(
                Diagnostic(
                    "E-var-08",
                    f"variation.successions[{i}].predecessor: {s['predecessor']!r} is not a party "
                    "to the agreement as signed",
                    hint=f"one of: {', '.join(before)}",
                    **deal.where(f"variation.successions[{i}].predecessor"),
                )
            )
        names[str(before[s["predecessor"]]["name"])] = str(after[s["party"]]["name"])
    return names


def rename(text: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        text = text.replace(old, new)
    return text
