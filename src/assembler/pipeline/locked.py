"""Reading a lock: the deal sheet it names, only if it is the very one the document was built
from, and only from the places a lock may name (a lock may come from someone else)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import read_bounded
from assembler.core.yamlio import MAX_DEAL_BYTES
from assembler.deal.sheet import Deal, load_deal
from assembler.package import provenance
from assembler.package.lockfile import pins_of, read_lock
from assembler.pipeline.workspace import Workspace
from assembler.plan.planner import Pins


def read_locked(
    lock_file: Path, ws: Workspace, deal_path: str | Path | None = None
) -> tuple[dict[str, Any], Pins, Deal]:
    """A lock (from its file, or from inside a .docx), its pins, and the unchanged deal sheet."""
    if lock_file.suffix.lower() == ".docx":  # the lock travels inside the document too
        lock = provenance.read_lock(lock_file)
        pins = pins_of(lock)
    else:
        lock, pins = read_lock(lock_file)
    path = Path(deal_path) if deal_path else locked_deal_path(lock, lock_file, ws)
    # compared before parsing: only the very deal sheet the lock was made from is read as YAML,
    # so a lock naming some other file cannot have its contents echoed in an error
    raw = read_bounded(path, MAX_DEAL_BYTES, "deal sheet")
    if hashlib.sha256(raw).hexdigest() != lock["deal"]["sha256"]:
        raise AssemblerError(
            Diagnostic(
                "E-lock-01",
                "the deal sheet has changed since the lock file was written",
                str(path),
                hint="restore the deal sheet the document was built from, or give the built "
                ".docx instead of its lock (it carries that deal sheet); to build the changed "
                "deal, build without --locked",
            )
        )
    return lock, pins, load_deal(path, ws.bank.codes, law=ws.bank.law, types=ws.types)


def recorded_unchanged(lock_file: Path, ws: Workspace) -> bool:
    """Whether the deal sheet a lock (or a built .docx) names is there, as it was built from."""
    if lock_file.suffix.lower() == ".docx":
        lock = provenance.read_lock(lock_file)
    else:
        lock, _ = read_lock(lock_file)
    try:
        recorded = locked_deal_path(lock, lock_file, ws)
    except AssemblerError:  # outside the places a lock may name: not the sheet it was built from
        return False
    return recorded.is_file() and (
        hashlib.sha256(recorded.read_bytes()).hexdigest() == lock["deal"]["sha256"]
    )


def locked_deal_path(lock: dict[str, Any], lock_file: Path, ws: Workspace) -> Path:
    """The deal sheet a lock names: relative to the lock, else as written, else beside it; only
    inside the lock's folder, the bank or the current folder (E-lock-05), since a lock may come
    from someone else."""
    recorded = Path(lock["deal"]["path"])
    candidates = [lock_file.parent / recorded, recorded, lock_file.parent / recorded.name]
    found = next((c for c in candidates if c.is_file()), recorded)
    allowed = [lock_file.parent, ws.bank.root, Path.cwd()]
    if not any(found.resolve().is_relative_to(root.resolve()) for root in allowed):
        raise AssemblerError(
            Diagnostic(
                "E-lock-05",
                f"deal.path: {recorded} is outside the lock's folder, the bank and the current folder",
                str(lock_file),
                hint="pass the deal sheet explicitly, or keep it beside the lock",
            )
        )
    return found
