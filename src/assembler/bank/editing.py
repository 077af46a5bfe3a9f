"""Changing a clause bank: a new clause, a version bumped, approved or retired, hashes recorded.

Every change to a clause is a new version file plus a line in its clause.yaml; an approved version
is never edited in place (its content hash is recorded, and ``check`` and every build enforce it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from assembler.bank.clausebank import ClauseBank, ClauseVersion
from assembler.bank.views import find_version, parse_ref
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.extras import pypandoc


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a clause's long definition strings
    yaml.preserve_quotes = True
    return yaml


def _edit_metadata(bank: ClauseBank, clause_id: str, change: Any) -> None:
    path = bank.root / "clauses" / clause_id / "clause.yaml"
    yaml = _yaml()
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    stream = io.StringIO()
    yaml.dump(data, stream)
    path.write_text(stream.getvalue(), encoding="utf-8")


def _version_entry(data: Any, version: str) -> Any:
    for entry in data["versions"]:
        if str(entry["version"]) == version:
            return entry
    raise AssemblerError(Diagnostic("E-bank-05", f"no version {version} in clause.yaml"))


def content_hash(bank: ClauseBank, version: ClauseVersion) -> str:
    return hashlib.sha256(bank.imported(version.path).source.encode("utf-8")).hexdigest()


#: The change note a bump writes: approving is refused until a lawyer replaces it.
CHANGE_PLACEHOLDER = "[describe the change]"


def bump(bank: ClauseBank, clause_id: str, part: str, effective_from: dt.date | None = None) -> str:
    """Copy the newest version to a new draft version; return the new version number."""
    clause = bank.clause(clause_id)
    latest = max(clause.versions, key=lambda v: v.key)
    major, minor, patch = latest.key
    new = {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0"}.get(
        part, f"{major}.{minor}.{patch + 1}"
    )
    shutil.copyfile(latest.path, latest.path.with_name(f"{new}.docx"))

    def add(data: Any) -> None:
        entry: dict[str, Any] = {"version": new, "status": "draft", "change": CHANGE_PLACEHOLDER}
        if effective_from:
            entry["effective_from"] = effective_from.isoformat()
        if latest.defines is not None:  # a version's own definitions carry on until edited
            entry["defines"] = dict(latest.defines)
        data["versions"].append(entry)

    _edit_metadata(bank, clause_id, add)
    return new


def approve(
    bank: ClauseBank,
    ref: str,
    by: str,
    on: dt.date,
    effective_from: dt.date | None = None,
    *,
    role: str | None = None,
    change: str | None = None,
) -> ClauseVersion:
    """Mark a draft approved, recording who, when, from when it applies, the change note, the
    content hash, and a hash of that record (so a later hand edit of it is caught)."""
    clause, version = find_version(bank, _exact(ref, "approve"))
    if version.status != "draft":
        raise AssemblerError(
            Diagnostic(
                "E-bank-10", f"{clause.id}@{version.version} is {version.status}, not a draft"
            )
        )
    change = _change_note(bank, clause.id, version, change or version.change)
    fragment = bank.imported(version.path)
    approved = replace(
        version,
        status="approved",
        approved_by=by,
        approved_role=role,
        approved_on=on,
        effective_from=effective_from or version.effective_from or on,
        change=change,
        sha256=hashlib.sha256(fragment.source.encode("utf-8")).hexdigest(),
        imported=tuple(fragment.notes),
    )

    def mark(data: Any) -> None:
        entry = _version_entry(data, version.version)
        record = {k: v for k, v in approved.record.items() if v is not None and k != "version"}
        entry.update(status="approved", **record, record_sha256=approved.record_digest())
        entry.pop("imported", None)
        if fragment.notes:  # once, here: builds of an approved version do not repeat them
            entry["imported"] = list(fragment.notes)

    _edit_metadata(bank, clause.id, mark)
    return approved


def _change_note(bank: ClauseBank, clause_id: str, version: ClauseVersion, note: str | None) -> str:
    """The change note an approval records: refused while it is empty or a [placeholder]."""
    if not note or re.fullmatch(r"\s*\[.*\]\s*", note):
        raise AssemblerError(
            Diagnostic(
                "E-bank-13",
                f"{clause_id}@{version.version}: the change note is {note!r}, a placeholder",
                str(bank.root / "clauses" / clause_id / "clause.yaml"),
                hint='say what changed and why: --change "..." or edit its change: in clause.yaml',
            )
        )
    return note


def _exact(ref: str, action: str) -> str:
    """``clause@version``: approving or retiring never guesses which version is meant."""
    clause_id, version = parse_ref(ref)
    if version is None:
        raise AssemblerError(
            Diagnostic(
                "E-bank-14",
                f"name the version to {action}: {clause_id}@VERSION",
                hint=f"see the versions with `assemble bank show {clause_id}`",
            )
        )
    return ref


def retire(bank: ClauseBank, ref: str, on: dt.date) -> ClauseVersion:
    """Withdraw CLAUSE@VERSION from ``on``: deals dated from then no longer pick it."""
    clause, version = find_version(bank, _exact(ref, "retire"))

    def mark(data: Any) -> None:
        entry = _version_entry(data, version.version)
        entry.update(status="retired", withdrawn_on=on.isoformat())

    _edit_metadata(bank, clause.id, mark)
    return version


def record_hashes(bank: ClauseBank) -> int:
    """Record the content hash, and the hash of the approval record, of every approved or
    retired version that has none yet (a bank written before records were hashed)."""
    count = 0
    for clause in bank.clauses.values():
        missing = [
            v for v in clause.versions if v.status != "draft" and not (v.sha256 and v.record_sha256)
        ]
        if not missing:
            continue
        sealed = {v.version: replace(v, sha256=v.sha256 or content_hash(bank, v)) for v in missing}

        def mark(data: Any, sealed: dict[str, ClauseVersion] = sealed) -> None:
            for entry in data["versions"]:
                version = sealed.get(str(entry["version"]))
                if version:
                    entry["sha256"] = version.sha256
                    entry["record_sha256"] = version.record_digest()

        _edit_metadata(bank, clause.id, mark)
        count += len(missing)
    return count


def new_clause(
    bank: ClauseBank,
    clause_id: str,
    title: str,
    source: Path,
    document_type: str,
    house_style: Path,
) -> Path:
    """Scaffold ``clauses/<id>/`` with a 0.1.0 draft from a .docx, or a Markdown draft via pandoc."""
    folder = bank.root / "clauses" / clause_id
    if folder.exists():
        raise AssemblerError(
            Diagnostic("E-bank-11", f"clause {clause_id} already exists", str(folder))
        )
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", clause_id):
        raise AssemblerError(
            Diagnostic(
                "E-bank-02",
                f"{clause_id!r} is not a clause id",
                hint="lower-case words joined by hyphens",
            )
        )
    folder.mkdir(parents=True)
    target = folder / "0.1.0.docx"
    try:
        _first_draft(source, target, house_style)
        fragment = bank.imported(target)  # refuse now, with a reason, what the engine cannot use
    except BaseException:  # leave no half-made clause behind
        shutil.rmtree(folder)
        raise
    first: dict[str, Any] = {"version": "0.1.0", "status": "draft", "change": "First draft."}
    if fragment.notes:  # what the import changed, recorded once: builds do not repeat it
        first["imported"] = list(fragment.notes)
    metadata = {
        "id": clause_id,
        "title": title,
        "document_types": [document_type],
        "criteria": [],
        "note": "[drafting note: what the lawyer must check, and the sources]",
        "sources": [],
        "versions": [first],
    }
    stream = io.StringIO()
    _yaml().dump(metadata, stream)
    (folder / "clause.yaml").write_text(stream.getvalue(), encoding="utf-8")
    return folder


def _first_draft(source: Path, target: Path, house_style: Path) -> None:
    """Write ``target`` from a .docx as it is, or from Markdown through pandoc in the house style."""
    if source.suffix.lower() == ".docx":
        shutil.copyfile(source, target)
        return
    pypandoc("a Markdown clause draft").convert_file(
        str(source),
        "docx",
        format="markdown-smart",
        outputfile=str(target),
        extra_args=[f"--reference-doc={house_style}"],
    )
