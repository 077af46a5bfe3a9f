"""Files a person starts from: a commented starter deal sheet, and a clause fragment from a
plain-text draft (or a draft from a fragment, to revise a clause as text)."""

from __future__ import annotations

import os
from pathlib import Path

from assembler.bank.authoring import draft_from_fragment, fragment_from_draft
from assembler.bank.fragment import MAX_FRAGMENT_BYTES
from assembler.bank.outline import load_outline
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import check_outputs, read_bounded, read_text
from assembler.core.schema import suggest
from assembler.deal.starter import starter
from assembler.doctypes import SCHEMAS
from assembler.oxml.reader import WordPackage
from assembler.package.writer import write_atomic
from assembler.pipeline.workspace import default_dir, open_bank


def new_deal(
    document_type: str,
    output: str | Path | None = None,
    *,
    bank: str | Path | None = None,
    templates: str | Path | None = None,
) -> Path:
    """Write a commented starter deal sheet for ``document_type`` (to ``output``, by default
    DOCUMENT_TYPE.yaml): every option it offers, the allowed values and the criteria each
    serves. An existing file is never overwritten; the path written."""
    if document_type not in SCHEMAS:
        hint = suggest(document_type, SCHEMAS) or "document types: " + ", ".join(SCHEMAS)
        raise AssemblerError(
            Diagnostic("E-doc-01", f"unknown document type {document_type!r}", hint=hint)
        )
    target = Path(output) if output else Path(f"{document_type}.yaml")
    check_outputs([target], [])
    if target.exists():
        raise AssemblerError(
            Diagnostic("E-out-05", "the file exists; choose another name", str(target))
        )
    outline = load_outline(default_dir("templates", templates), document_type)
    clause_bank = open_bank(bank)
    text = starter(document_type, outline, clause_bank, _an_original(clause_bank.root, target))
    write_atomic(target, text.encode("utf-8"))
    return target


def _an_original(bank_root: Path, target: Path) -> str | None:
    """For a deed of variation's starter: the first example agreement of the bank (not a deed),
    as a path from the starter's folder, so the starter builds as written."""
    for example in sorted((bank_root / "examples").glob("*.yaml")):
        text = example.read_text(encoding="utf-8")
        if "\ndocument_type: alliance_agreement" in text and "\nvariation:" not in text:
            return Path(os.path.relpath(example, target.resolve().parent)).as_posix()
    return None


def convert_fragment(
    draft: str | Path, output: str | Path | None = None, *, templates: str | Path | None = None
) -> Path:
    """A plain-text clause draft as a Word fragment in the house styles, or a .docx fragment as
    draft text (``output``: by default the draft's name with .docx or .txt); the path written."""
    draft = Path(draft)
    to_text = draft.suffix.lower() == ".docx"
    target = Path(output) if output else draft.with_suffix(".txt" if to_text else ".docx")
    house = default_dir("templates", templates) / "house-style.docx"
    check_outputs([target], [draft, house])
    if to_text:
        write_atomic(target, _draft_text(draft).encode("utf-8"))
    else:
        source = read_text(draft, MAX_FRAGMENT_BYTES, "draft")
        write_atomic(target, fragment_from_draft(source, house))
    return target


def _draft_text(fragment: Path) -> str:
    """The draft text of a .docx fragment, once the hardened reader has accepted its parts."""
    package = WordPackage.open(fragment, "frag", MAX_FRAGMENT_BYTES)
    for part in ("[Content_Types].xml", "_rels/.rels", "word/document.xml"):
        package.xml(part)  # checked before python-docx reads them
    for part in package.names:
        if part.endswith((".xml", ".rels")):
            package.xml(part)
    try:
        return draft_from_fragment(read_bounded(fragment, MAX_FRAGMENT_BYTES, "Word file"))
    except AssemblerError:
        raise
    except Exception as exc:  # python-docx's own view of a package our reader accepted
        raise AssemblerError(
            Diagnostic("E-frag-04", f"not a readable .docx: {exc}", str(fragment))
        ) from None
