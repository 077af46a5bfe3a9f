"""The clause bank: clause metadata, fragment versions, the vocabulary of deal-sheet codes."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from assembler.bank.fragment import Fragment, import_fragment
from assembler.bank.law import LawRegister
from assembler.core import cache
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
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    #: what importing the Word file changed (fonts dropped, styles mapped), recorded at approval
    imported: tuple[str, ...] = ()

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


@dataclass
class ClauseBank:
    """A bank folder: ``bank.yaml``, ``vocabulary.yaml`` and ``clauses/<id>/``."""

    root: Path
    id: str
    version: str
    clauses: dict[str, Clause]
    vocabulary: dict[str, str]
    #: criterion id -> its specification keys, from criteria.yaml (the contracting model taxonomy)
    criteria: dict[str, list[str]] = field(default_factory=dict)
    #: criterion id -> its name ("Flexible contracts")
    criterion_names: dict[str, str] = field(default_factory=dict)
    #: plain-language thresholds (``lint:`` in bank.yaml), over the house defaults in lint.py
    lint: dict[str, float] = field(default_factory=dict)
    #: styles a fragment may use that the house lacks (``styles:`` in bank.yaml), mapped onto
    #: house styles or dropped (None); see docs/authoring.md
    styles: dict[str, str | None] = field(default_factory=dict)
    #: the register of law and bodies by date (``law.yaml``)
    law: LawRegister = field(default_factory=LawRegister)
    _fragments: dict[Path, tuple[Fragment, str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, root: str | Path) -> ClauseBank:
        root = Path(root).resolve()
        if not (root / "bank.yaml").is_file():
            raise AssemblerError(
                Diagnostic("E-bank-01", "not a clause bank: no bank.yaml", str(root))
            )
        meta, _ = read_yaml(root / "bank.yaml")
        vocabulary, _ = (
            read_yaml(root / "vocabulary.yaml")
            if (root / "vocabulary.yaml").is_file()
            else ({}, b"")
        )
        errors: list[Diagnostic] = []
        clauses = {}
        for meta_path in sorted((root / "clauses").glob("*/clause.yaml")):
            clause = _load_clause(meta_path, errors)
            if clause:
                clauses[clause.id] = clause
        if errors:
            raise AssemblerError(errors)
        return cls(
            root,
            str(meta.get("id", root.name)),
            str(meta.get("version", "0")),
            clauses,
            {str(k): str(v) for k, v in (vocabulary or {}).items()},
            *_taxonomy(root / "criteria.yaml"),
            {str(k): float(v) for k, v in (meta.get("lint") or {}).items()},
            _style_map(meta.get("styles"), root / "bank.yaml"),
            LawRegister.load(root / "law.yaml"),
        )

    @cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(self.vocabulary)

    def imported(self, path: Path) -> Fragment:
        """The fragment at ``path`` imported with this bank's style mapping."""
        return import_fragment(path, self.styles)

    def fragment(self, version: ClauseVersion) -> tuple[Fragment, str]:
        """The imported fragment and its content hash (of the normalised template source)."""
        if version.path not in self._fragments:
            path = version.path
            fragment = cache.cached(
                "fragment",
                [cache.stamp(path), sorted(self.styles.items(), key=str)],
                lambda: self.imported(path),
            )
            digest = hashlib.sha256(fragment.source.encode("utf-8")).hexdigest()
            if version.sha256 and version.status != "draft" and digest != version.sha256:
                raise AssemblerError(
                    Diagnostic(
                        "E-bank-08",
                        f"the {version.status} version {version.version} was edited in place: its "
                        "content no longer matches the sha256 recorded in clause.yaml",
                        str(version.path),
                        hint="restore it, and make the change as a new version (assemble bank bump)",
                    )
                )
            if version.record_sha256 and version.record_digest() != version.record_sha256:
                raise AssemblerError(
                    Diagnostic(
                        "E-bank-08",
                        f"the approval record of {version.path.parent.name}@{version.version} "
                        "was edited: who approved it, when, from when or its change note no "
                        "longer match the record_sha256 in clause.yaml",
                        str(version.path.parent / "clause.yaml"),
                        hint="restore it; to change when wording applies, bump a new version",
                    )
                )
            self._fragments[version.path] = (fragment, digest)
        return self._fragments[version.path]

    def clause(self, clause_id: str) -> Clause:
        try:
            return self.clauses[clause_id]
        except KeyError:
            raise AssemblerError(
                Diagnostic(
                    "E-bank-03", f"the bank has no clause {clause_id!r}", str(self.root / "clauses")
                )
            ) from None


def _style_map(value: Any, where: Path) -> dict[str, str | None]:
    """``styles:`` of bank.yaml: style id or name -> house style id, or null to drop the style."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in value.items()
    ):
        raise AssemblerError(
            Diagnostic(
                "E-bank-13",
                "styles: must map a style id or name to a house style id, or to null",
                str(where),
                hint="for example  styles: {Internet Link: null, Table Contents: TableText}",
            )
        )
    return {str(k): None if v is None else str(v) for k, v in value.items()}


def _taxonomy(path: Path) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Criterion id -> specification keys, and criterion id -> name."""
    if not path.is_file():
        return {}, {}
    data, _ = read_yaml(path)
    criteria = [c for element in data.get("elements", []) for c in element.get("criteria", [])]
    return (
        {str(c["id"]): [str(s) for s in c.get("specifications", [])] for c in criteria},
        {str(c["id"]): str(c.get("name", c["id"])) for c in criteria},
    )


def _load_clause(meta_path: Path, errors: list[Diagnostic]) -> Clause | None:
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
    versions = []
    for v in checked["versions"]:
        fragment = (folder / f"{v['version']}.docx").resolve()
        if folder.resolve() not in fragment.parents or not fragment.is_file():
            errors.append(
                Diagnostic(
                    "E-bank-06",
                    f"version {v['version']} has no fragment {fragment.name}",
                    str(meta_path),
                )
            )
            continue
        versions.append(
            ClauseVersion(
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
            )
        )
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
