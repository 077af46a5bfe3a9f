"""A clause and its versions, as its ``clause.yaml`` declares them: which version is in force on a
date, what an approval records, and the file's schema."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.schema import Checker, Date, Enum, F, ListOf, Map, Spec, Str
from assembler.core.yamlio import read_yaml

KINDS = ("clause", "schedule", "recitals", "interpretation")
STATUSES = ("draft", "approved", "retired")
SEMVER = r"\d+\.\d+\.\d+"


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


class _Terms(Spec):
    """``defines:``: a mapping of defined term to definition text."""

    expects = "a mapping of defined term to definition text"

    def check(self, value: Any, ck: Checker, path: str, pos: Any) -> Any:
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            return self.wrong(value, ck, path, pos)
        return {str(k): str(v) for k, v in value.items()}


VERSION = Map(
    {
        "version": F(Str(SEMVER, "a semantic version such as 1.0.0"), required=True),
        "status": F(Enum(*STATUSES), required=True),
        "effective_from": F(Date()),
        "withdrawn_on": F(Date()),
        "approved_by": F(Str()),
        "approved_role": F(Str()),
        "approved_on": F(Date()),
        "record_sha256": F(Str(r"[0-9a-f]{64}", "the SHA-256 of the approval record")),
        "change": F(Str()),
        "sha256": F(Str(r"[0-9a-f]{64}", "the SHA-256 of the normalised fragment")),
        "imported": F(ListOf(Str())),
        "defines": F(_Terms()),
    }
)

CLAUSE = Map(
    {
        "id": F(
            Str(r"[a-z0-9]+(-[a-z0-9]+)*", "lower-case words joined by hyphens"), required=True
        ),
        "title": F(Str(), required=True),
        "kind": F(Enum(*KINDS)),
        "document_types": F(ListOf(Str(), min_items=1), required=True),
        "criteria": F(ListOf(Str())),
        "variables": F(ListOf(Str())),
        "condition": F(Str()),
        "choice": F(Str()),
        "option": F(Str()),
        "defines": F(_Terms()),
        "note": F(Str()),
        "sources": F(ListOf(Str())),
        "versions": F(ListOf(VERSION, min_items=1), required=True),
    }
)


@dataclass(frozen=True, slots=True)
class ClauseVersion:
    version: str
    status: str
    path: Path
    effective_from: dt.date | None = None
    withdrawn_on: dt.date | None = None
    #: The recorded content hash; an approved or retired version must still match it.
    sha256: str | None = None
    approved_by: str | None = None
    change: str | None = None
    approved_role: str | None = None
    approved_on: dt.date | None = None
    #: The hash of the approval record (who, when, from when, the change, the content hash):
    #: editing it by hand is caught like an edit of the text.
    record_sha256: str | None = None

    @property
    def record(self) -> dict[str, str | None]:
        """What an approval records, as it is hashed and shown."""
        return {
            "version": self.version,
            "approved_by": self.approved_by,
            "approved_role": self.approved_role,
            "approved_on": _iso(self.approved_on),
            "effective_from": _iso(self.effective_from),
            "change": self.change,
            "sha256": self.sha256,
        }

    def record_digest(self) -> str:
        text = "\n".join(f"{k}={v or ''}" for k, v in self.record.items())
        if self.defines is not None:  # hashed with the version, so editing one is caught
            text += "\ndefines=" + json.dumps(self.defines, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    #: what importing the Word file changed (fonts dropped, styles mapped), recorded at approval
    imported: tuple[str, ...] = ()
    #: the defined terms of this version (``defines:`` under it), which replace the clause's own
    #: for this version only: an older version keeps its older definitions. None: the clause's.
    defines: dict[str, str] | None = None

    @property
    def key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split("."))

    def in_force(self, on: dt.date) -> bool:
        starts = self.effective_from is None or self.effective_from <= on
        return starts and (self.withdrawn_on is None or on < self.withdrawn_on)


@dataclass(slots=True)
class Clause:
    id: str
    title: str
    kind: str
    document_types: list[str]
    versions: list[ClauseVersion]
    criteria: list[str] = field(default_factory=list)
    condition: str | None = None
    choice: str | None = None
    option: str | None = None
    defines: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    sources: list[str] = field(default_factory=list)
    #: the deal-sheet paths the text reads (``deal.term.review_points``), as the author declared
    variables: list[str] = field(default_factory=list)

    def pick(self, on: dt.date, *, draft: bool = False, pinned: str | None = None) -> ClauseVersion:
        """The newest approved version in force on ``on`` (drafts too in a draft build)."""
        if pinned:
            for version in self.versions:
                if version.version == pinned and version.status == "draft" and not draft:
                    raise AssemblerError(
                        Diagnostic(
                            "E-bank-12",
                            f"{self.id}@{pinned} is a draft; a final build uses approved wording",
                            hint="approve it, pin an approved version, or build with --draft",
                        )
                    )
                if version.version == pinned:
                    return version
            raise AssemblerError(
                Diagnostic(
                    "E-bank-05",
                    f"clause {self.id} has no version {pinned}",
                    hint="versions: " + ", ".join(v.version for v in self.versions),
                )
            )
        allowed = ("approved", "draft") if draft else ("approved",)
        usable = [v for v in self.versions if v.status in allowed and v.in_force(on)]
        if not usable:
            raise AssemblerError(
                Diagnostic(
                    "E-bank-04",
                    f"clause {self.id} has no approved version in force on {on}",
                    hint=self._not_in_force_hint(on),
                )
            )
        return max(usable, key=lambda v: v.key)

    def definitions(self, version: str) -> dict[str, str]:
        """The defined terms of ``version``: its own ``defines:``, else the clause's."""
        own = next((v.defines for v in self.versions if v.version == version), None)
        return self.defines if own is None else own

    def _not_in_force_hint(self, on: dt.date) -> str:
        """Why nothing is in force: an approved version that starts later or was withdrawn is
        named, not "approve a version" again."""
        approved = [v for v in self.versions if v.status in ("approved", "retired")]
        if not approved:
            return "approve a version, or build with --draft"
        spans = ", ".join(
            f"{v.version} from {v.effective_from or 'the start'}"
            + (f" until {v.withdrawn_on}" if v.withdrawn_on else "")
            for v in approved
        )
        return f"approved: {spans}; pin a version in the deal (pins:), or bump one effective from {on} or earlier"


def load_clause(meta_path: Path, errors: list[Diagnostic]) -> Clause | None:
    """The clause a ``clause.yaml`` declares, or None with the reasons added to ``errors``."""
    data, _ = read_yaml(meta_path)
    ck = Checker(str(meta_path))
    checked = CLAUSE.check(data, ck, "", (1, 1))
    if ck.diagnostics:
        errors.extend(ck.diagnostics)
        return None
    folder = meta_path.parent
    if checked["id"] != folder.name:
        errors.append(
            Diagnostic(
                "E-bank-02",
                f"id {checked['id']!r} differs from its folder name",
                str(meta_path),
                1,
                1,
            )
        )
        return None
    if _repeated_versions(checked["versions"], ck, errors):
        return None
    versions = [v for v in (_version(v, meta_path, errors) for v in checked["versions"]) if v]
    return Clause(
        checked["id"],
        checked["title"],
        checked.get("kind", "clause"),
        checked["document_types"],
        versions,
        checked.get("criteria", []),
        checked.get("condition"),
        checked.get("choice"),
        checked.get("option"),
        checked.get("defines", {}),
        checked.get("note"),
        checked.get("sources", []),
        checked.get("variables", []),
    )


def _repeated_versions(
    versions: list[dict[str, Any]], ck: Checker, errors: list[Diagnostic]
) -> bool:
    """E-bank-09 for each version listed again (a merge can leave one twice): which entry the
    engine would read is then a matter of order, not of the record."""
    seen: set[str] = set()
    for i, entry in enumerate(versions):
        if entry["version"] in seen:
            line, col = ck.at(f"versions[{i}]") or (None, None)
            errors.append(
                Diagnostic(
                    "E-bank-09",
                    f"version {entry['version']} is listed more than once",
                    ck.file,
                    line,
                    col,
                    "keep one entry for each version",
                )
            )
        seen.add(entry["version"])
    return len(seen) < len(versions)


def _version(v: dict[str, Any], meta_path: Path, errors: list[Diagnostic]) -> ClauseVersion | None:
    """One entry of ``versions:``, with its fragment beside the clause.yaml (or None, reported)."""
    folder = meta_path.parent
    fragment = (folder / f"{v['version']}.docx").resolve()
    if folder.resolve() not in fragment.parents or not fragment.is_file():
        errors.append(
            Diagnostic(
                "E-bank-06",
                f"version {v['version']} has no fragment {fragment.name}",
                str(meta_path),
            )
        )
        return None
    return ClauseVersion(
        v["version"],
        v["status"],
        fragment,
        v.get("effective_from"),
        v.get("withdrawn_on"),
        v.get("sha256"),
        v.get("approved_by"),
        v.get("change"),
        v.get("approved_role"),
        v.get("approved_on"),
        v.get("record_sha256"),
        tuple(v.get("imported") or ()),
        v.get("defines"),
    )
