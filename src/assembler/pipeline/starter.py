"""Files a person starts from: a commented starter deal sheet, and a clause fragment from a
plain-text draft (or a draft from a fragment, to revise a clause as text)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from docx.opc.exceptions import OpcError
from lxml.etree import LxmlError

from assembler.bank.authoring import draft_from_fragment, fragment_from_draft
from assembler.bank.fragment import MAX_FRAGMENT_BYTES
from assembler.bank.outline import load_outline
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import check_outputs, read_bounded, read_text, write_atomic
from assembler.core.schema import suggest
from assembler.deal.starter import starter
from assembler.deal.types import bank_types
from assembler.oxml.reader import WordPackage
from assembler.pipeline.workspace import default_dir, open_bank


def new_deal(
    document_type: str,
    output: str | Path | None = None,
    *,
    bank: str | Path | None = None,
    templates: str | Path | None = None,
) -> tuple[Path, Path]:
    """Write a commented starter deal sheet for ``document_type`` (to ``output``, by default
    DOCUMENT_TYPE.yaml): every option it offers, the allowed values and the criteria each
    serves; and beside it DOCUMENT_TYPE.schema.json, its JSON Schema, which the starter's first
    line names for an editor's checks as the lawyer types. An existing file is never
    overwritten; the paths written."""
    clause_bank = open_bank(bank)
    types = bank_types(clause_bank.root)
    _known_type(document_type, types)
    target = Path(output) if output else Path(f"{document_type}.yaml")
    schema_file = target.with_name(f"{document_type}.schema.json")
    check_outputs([target, schema_file], [])
    if target.exists():
        raise AssemblerError(
            Diagnostic("E-out-05", "the file exists; choose another name", str(target))
        )
    outline = load_outline(default_dir("templates", templates), document_type, clause_bank.root)
    original = _an_original(clause_bank.root, target)
    text = starter(document_type, outline, clause_bank, original, f"./{schema_file.name}")
    write_atomic(target, text.encode("utf-8"))
    schema = types[document_type].json_schema()
    write_atomic(schema_file, (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode())
    return target, schema_file


def deal_schema(document_type: str, *, bank: str | Path | None = None) -> dict[str, Any]:
    """``document_type``'s deal-sheet schema as one self-contained JSON Schema (2020-12), for an
    editor or any JSON Schema validator (``assemble schema``)."""
    types = bank_types(open_bank(bank).root)
    _known_type(document_type, types)
    schema: dict[str, Any] = types[document_type].json_schema()
    return schema


def _known_type(document_type: str, types: Mapping[str, Any]) -> None:
    if document_type not in types:
        hint = suggest(document_type, types) or "document types: " + ", ".join(types)
        raise AssemblerError(
            Diagnostic("E-doc-01", f"unknown document type {document_type!r}", hint=hint)
        )


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
    except (OpcError, BadZipFile, LxmlError, KeyError, ValueError) as exc:
        # python-docx's own view of a package our reader accepted: a part it requires is
        # missing (KeyError), or has a content type or value it does not expect (ValueError)
        raise AssemblerError(
            Diagnostic("E-frag-04", f"not a readable .docx: {exc}", str(fragment))
        ) from None
