"""The bank, templates and house style a build reads, loaded once and shared by many builds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembler.bank.clausebank import ClauseBank
from assembler.bank.housedata import data_file
from assembler.bank.housestyle import HouseStyle
from assembler.bank.outline import Outline, load_outline, outline_file
from assembler.bank.project import find_bank
from assembler.core import cache
from assembler.core.yamlio import read_yaml
from assembler.deal.types import DocType, bank_types
from assembler.template.sandbox import ClauseEnvironment, make_environment


def default_dir(name: str, explicit: str | Path | None) -> Path:
    """``--bank`` or ``--templates`` as given, else the bank found by :func:`find_bank` (or its
    ``templates`` folder)."""
    if explicit:
        return Path(explicit)
    location = find_bank()
    return location.root if name == "bank" else location.templates


@dataclass
class Workspace:
    """The bank, templates and house style, loaded once and shared by many builds."""

    bank: ClauseBank
    templates: Path
    house: HouseStyle
    forms: dict[str, Any]
    #: One sandbox per workspace, so each fragment is compiled once per process, not once per build.
    env: ClauseEnvironment
    #: How the bank was found (``-v`` says so).
    found_by: str = "given"

    @property
    def types(self) -> dict[str, DocType]:
        """The bank's document types (its ``types/``, else the house bank's), cached."""
        return bank_types(self.bank.root)

    def outline(self, document_type: str) -> Outline:
        """The document type's outline, parsed once and cached by the file's size and time."""
        path = outline_file(self.templates, document_type, self.bank.root)
        if not path.is_file():
            return load_outline(self.templates, document_type, self.bank.root)  # names the file
        return cache.cached(
            "outline",
            [cache.stamp(path), cache.stamp(data_file(self.templates))],  # its words are there
            lambda: load_outline(self.templates, document_type, self.bank.root),
        )

    @classmethod
    def open(cls, bank: str | Path | None = None, templates: str | Path | None = None) -> Workspace:
        location = find_bank(bank)
        root = location.root
        templates_dir = Path(templates) if templates else root / "templates"
        forms_path = templates_dir / "legal-forms.yaml"
        forms = cache.cached("forms", [cache.stamp(forms_path)], lambda: read_yaml(forms_path)[0])
        clause_bank = cache.cached("bank", cache.tree_stamp(root), lambda: ClauseBank.load(root))
        return cls(
            clause_bank,
            templates_dir,
            HouseStyle.load(templates_dir / "house-style.docx"),
            dict(forms),
            make_environment(clause_bank.vocabulary),
            location.found_by,
        )


def open_bank(bank: str | Path | None = None) -> ClauseBank:
    """The clause bank alone (the ``bank`` commands), from ``bank`` or as :func:`find_bank`
    finds it."""
    return ClauseBank.load(default_dir("bank", bank))
