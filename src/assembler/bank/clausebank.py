"""The clause bank: clause metadata, fragment versions, the vocabulary of deal-sheet codes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from assembler.bank.clause import (
    CLAUSE,
    KINDS,
    STATUSES,
    VERSION,
    Clause,
    ClauseVersion,
    load_clause,
)
from assembler.bank.fragment import Fragment, import_fragment
from assembler.bank.law import LawRegister
from assembler.core import cache
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.yamlio import read_yaml

#: The clause types and schemas, re-exported: most callers of the bank need them too.
__all__ = ["CLAUSE", "KINDS", "STATUSES", "VERSION", "Clause", "ClauseBank", "ClauseVersion"]


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
            clause = load_clause(meta_path, errors)
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
