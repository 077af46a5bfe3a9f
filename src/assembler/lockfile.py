"""The lock file: the Plan written beside the output, so a build can be repeated exactly."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .dealsheet import read_yaml
from .errors import AssemblerError, Diagnostic
from .plan import Pins, Place, Plan
from .render import Rendered

LOCK_VERSION = 1


def lock_path_for(output: Path) -> Path:
    return output.with_name(output.stem + ".lock.yaml")


def lock_data(plan: Plan, rendered: Rendered, fingerprints: dict[str, str]) -> dict[str, Any]:
    """The lock, less the output's own hash (the document embeds this, so it cannot hold that)."""

    def slot(pc: Any) -> dict[str, Any]:
        entry = {
            "slot": pc.slot,
            "clause": pc.clause_id,
            "version": pc.version,
            "sha256": pc.sha256,
            "number": pc.number,
            "title": pc.title,
            "criteria": list(pc.criteria),
        }
        if pc.slot in fingerprints:
            entry["text_sha256"] = fingerprints[pc.slot]
        return entry

    return {
        "lock_version": LOCK_VERSION,
        "engine_version": plan.engine_version,
        "deal": {"id": plan.deal_id, "path": plan.deal_path, "sha256": plan.deal_sha256},
        "bank": {"id": plan.bank_id, "version": plan.bank_version},
        "document": {
            "type": plan.document_type,
            "title": plan.title,
            "draft": plan.draft,
            "deed": plan.is_deed,
        },
        "slots": [slot(pc) for pc in plan.all_clauses() if pc.clause_id],
        "references": dict(sorted(rendered.targets.items())),
        "defined_terms": rendered.terms.names,
        "criteria": plan.criteria(),
        **({"layout": [asdict(place) for place in plan.layout]} if plan.layout is not None else {}),
    }


def dump(data: dict[str, Any]) -> bytes:
    """The lock as indented JSON, which is also YAML: ruamel's representer took a fifth of a
    1000-clause build (benchmarks/), the json module a hundredth of that."""
    header = (
        "# Written by `assemble build`. Rebuild exactly with `assemble build --locked THIS_FILE`.\n"
    )
    body = json.dumps(data, indent=1, ensure_ascii=False, default=str)
    return (header + body + "\n").encode("utf-8")


def layout_of(lock: dict[str, Any]) -> list[Place] | None:
    """The varied agreement's places, if the lock records a variation."""
    if "layout" not in lock:
        return None
    return [Place(str(p["slot"]), str(p["part"]), bool(p.get("not_used"))) for p in lock["layout"]]


def read_lock(path: Path) -> tuple[dict[str, Any], Pins]:
    data, _ = read_yaml(path)
    if (
        not isinstance(data, dict)
        or data.get("lock_version") != LOCK_VERSION
        or "slots" not in data
    ):
        raise AssemblerError(
            Diagnostic("E-lock-03", "not a lock file written by this engine", str(path))
        )
    return data, pins_of(data)


def pins_of(lock: dict[str, Any]) -> Pins:
    return {
        s["slot"]: (str(s["clause"]), str(s["version"]), str(s["sha256"])) for s in lock["slots"]
    }
