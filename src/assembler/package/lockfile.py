"""The lock file: the Plan written beside the output, so a build can be repeated exactly."""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.yamlio import read_yaml
from assembler.plan.laidout import LaidOut
from assembler.plan.planner import Pins, Place, Plan, PlannedClause

LOCK_VERSION = 1
LOCK_HEADER = (
    b"# Written by `assemble build`. Rebuild exactly with `assemble build --locked THIS_FILE`.\n"
)


def lock_path_for(output: Path) -> Path:
    return output.with_name(output.stem + ".lock.yaml")


def lock_data(plan: Plan, laid_out: LaidOut) -> dict[str, Any]:
    """The lock, less the output's own hash (the document embeds this, so it cannot hold that):
    the plan, with the numbers, references, terms and text fingerprints its layout settled."""
    fingerprints = laid_out.text_sha256

    def slot(pc: PlannedClause) -> dict[str, Any]:
        entry: dict[str, Any] = {
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
        if pc.reads:
            entry["reads"] = list(pc.reads)
        return entry

    return {
        "lock_version": LOCK_VERSION,
        "engine_version": plan.engine_version,
        "deal": {
            "id": plan.deal_id,
            "path": plan.deal_path,
            "sha256": plan.deal_sha256,
            **({"read": plan.deal_readings} if plan.deal_readings else {}),
        },
        "bank": {"id": plan.bank_id, "version": plan.bank_version},
        "document": {
            "type": plan.document_type,
            "title": plan.title,
            "draft": plan.draft,
            "deed": plan.is_deed,
        },
        "slots": [slot(pc) for pc in plan.all_clauses() if pc.clause_id],
        "references": laid_out.references,
        "defined_terms": laid_out.defined_terms,
        "criteria": plan.criteria(),
        **({"layout": [_place(place) for place in plan.layout]} if plan.layout is not None else {}),
    }


def _place(place: Place) -> dict[str, Any]:
    """A place as the lock records it: the provisions' labels only where a deed set them."""
    return {key: value for key, value in asdict(place).items() if value != ()}


def dump(data: dict[str, Any]) -> bytes:
    """The lock as indented JSON, which is also YAML: ruamel's representer took a fifth of a
    1000-clause build (benchmarks/), the json module a hundredth of that."""
    header = LOCK_HEADER.decode("utf-8")
    body = json.dumps(data, indent=1, ensure_ascii=False, default=str)
    return (header + body + "\n").encode("utf-8")


def layout_of(lock: dict[str, Any]) -> list[Place] | None:
    """The varied agreement's places, if the lock records a variation."""
    if "layout" not in lock:
        return None
    return [
        Place(
            str(p["slot"]),
            str(p["part"]),
            bool(p.get("not_used")),
            tuple(map(str, p.get("provisions") or ())),
            tuple(map(str, p.get("omitted") or ())),
        )
        for p in lock["layout"]
    ]


#: The shape of a lock: what each key must hold. A lock comes back from other people (inside a
#: signed .docx, or as a file), so it is checked like a deal sheet before anything reads it.
_TEXT, _FLAG = str, bool
LOCK_SHAPE: dict[str, Any] = {
    "lock_version": int,
    "engine_version": _TEXT,
    "deal": {"id": _TEXT, "path": _TEXT, "sha256": _TEXT},
    "bank": {"id": _TEXT, "version": _TEXT},
    "document": {"type": _TEXT, "title": _TEXT, "draft": _FLAG, "deed": _FLAG},
    "slots": [{"slot": _TEXT, "clause": _TEXT, "version": _TEXT, "sha256": _TEXT, "number": _TEXT}],
}
#: Keys a lock may have, checked when present.
OPTIONAL_SHAPE: dict[str, Any] = {
    "layout": [{"slot": _TEXT, "part": _TEXT}],
    "variations": [dict],
    "references": dict,
}
_NAMES = {
    str: "text",
    bool: "true or false",
    int: "a whole number",
    dict: "a mapping",
    list: "a list",
}


def check_lock(data: Any, where: str) -> dict[str, Any]:
    """``data`` if it is a lock this engine wrote (E-lock-03), with every key it needs of the
    right type (E-lock-04, at its line where the lock is YAML)."""
    if not isinstance(data, dict) or data.get("lock_version") != LOCK_VERSION:
        raise AssemblerError(
            Diagnostic(
                "E-lock-03",
                "not a lock file written by this engine",
                where,
                hint=f"a lock has lock_version: {LOCK_VERSION}",
            )
        )
    found: list[Diagnostic] = []
    _check_shape(data, LOCK_SHAPE, "", where, found, required=True)
    _check_shape(data, OPTIONAL_SHAPE, "", where, found, required=False)
    if found:
        raise AssemblerError(found)
    return data


def _check_shape(
    value: Any, shape: Any, path: str, where: str, found: list[Diagnostic], *, required: bool
) -> None:
    if isinstance(shape, dict):
        for key, inner in shape.items():
            dotted = f"{path}.{key}".lstrip(".")
            if key not in value:
                if required:
                    found.append(_located(value, key, f"{dotted}: missing", where))
                continue
            child = value[key]
            expected = (
                dict if isinstance(inner, dict) else list if isinstance(inner, list) else inner
            )
            if isinstance(child, str) and "\0" in child:
                found.append(_located(value, key, f"{dotted}: holds a NUL character", where))
            elif not isinstance(child, expected) or (expected is int and isinstance(child, bool)):
                found.append(_located(value, key, f"{dotted}: expected {_NAMES[expected]}", where))
            elif isinstance(inner, dict | list):
                _check_shape(child, inner, dotted, where, found, required=True)
    elif isinstance(shape, list):
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                found.append(_located(value, i, f"{path}[{i}]: expected a mapping", where))
            elif shape[0] is not dict:
                _check_shape(item, shape[0], f"{path}[{i}]", where, found, required=True)


def _located(container: Any, key: Any, message: str, where: str) -> Diagnostic:
    """E-lock-04 at the key's line and column when the lock was read from YAML."""
    lc = getattr(container, "lc", None)
    line = col = None
    if lc is not None:
        with contextlib.suppress(LookupError, TypeError):  # no position kept for this key
            line, col = lc.key(key) if isinstance(key, str) and key in container else lc.item(key)
        if line is None and isinstance(key, str):
            line, col = lc.line, lc.col
    return Diagnostic(
        "E-lock-04",
        f"{message}" if line is None else message,
        where,
        None if line is None else line + 1,
        None if col is None else col + 1,
        hint="the lock is written by `assemble build`: build again rather than edit it",
    )


def read_lock(path: Path) -> tuple[dict[str, Any], Pins]:
    data, _ = read_yaml(path)
    lock = check_lock(data, str(path))
    return lock, pins_of(lock)


def pins_of(lock: dict[str, Any]) -> Pins:
    return {
        s["slot"]: (str(s["clause"]), str(s["version"]), str(s["sha256"])) for s in lock["slots"]
    }
