"""Provenance: the lock travels inside the .docx, and ``verify`` reads it back against the bank.

The lock is stored as a custom XML part (Word and LibreOffice keep those when they save) plus a few
custom document properties a user sees in File > Properties. Each clause's text is fingerprinted
at build time, so a clause edited after generation can be found by its number.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from lxml import etree

from assembler.bank.clausebank import ClauseBank
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml.body import body_of, bookmark_names, paragraphs_of
from assembler.oxml.reader import WordPackage
from assembler.oxml.text import style_of, text_of
from assembler.package.lockfile import check_lock
from assembler.plan.laidout import bookmark_name, fingerprints

NAMESPACE = "urn:assembler:provenance:1"
ITEM = "customXml/item1.xml"
ITEM_PROPS = "customXml/itemProps1.xml"
CUSTOM_PROPS = "docProps/custom.xml"


def clause_fingerprints(body: etree._Element, bookmarks: dict[str, str]) -> dict[str, str]:
    """slot -> SHA-256 of the text of that clause's body in a document as it is now (edited,
    perhaps), by the rule the build used (:func:`assembler.plan.laidout.fingerprints`).

    ``bookmarks`` maps the bookmark on each clause or schedule heading to its slot.
    """
    return fingerprints(
        (
            [bookmarks[name] for name in bookmark_names(p) if name in bookmarks],
            style_of(p) or "",
            text_of(p),
        )
        for p in paragraphs_of(body)
    )


def package_parts(lock: dict[str, Any], deal_sheet: bytes | None = None) -> dict[str, bytes]:
    """The custom XML part (the whole lock, as JSON, and the deal sheet it was built from, so the
    document alone can be built again and varied) and the custom properties a user sees in Word.

    JSON rather than YAML here: ruamel's pure-Python emitter costs tens of milliseconds a build."""
    lock_json = json.dumps(lock, default=str, ensure_ascii=False, separators=(",", ":"))
    sheet = (
        f"<deal>{base64.b64encode(deal_sheet).decode('ascii')}</deal>"
        if deal_sheet is not None
        and hashlib.sha256(deal_sheet).hexdigest() == lock["deal"]["sha256"]
        else ""
    )
    item_id = (
        "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{NAMESPACE}:{lock['deal']['id']}")).upper() + "}"
    )
    item = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<provenance xmlns="{NAMESPACE}"><lock>{escape(lock_json)}</lock>{sheet}</provenance>'
    )
    props = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<ds:datastoreItem xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml" '
        f'ds:itemID="{item_id}"><ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs>'
        "</ds:datastoreItem>"
    )
    shown = {
        "Assembler deal": lock["deal"]["id"],
        "Assembler deal sha256": lock["deal"]["sha256"],
        "Assembler bank": f"{lock['bank']['id']} {lock['bank']['version']}",
        "Assembler engine": lock["engine_version"],
        "Assembler clauses": ", ".join(f"{s['clause']}@{s['version']}" for s in lock["slots"]),
    }
    entries = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(str(value))}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(shown.items(), start=2)
    )
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{entries}</Properties>"
    )
    return {ITEM: item.encode(), ITEM_PROPS: props.encode(), CUSTOM_PROPS: custom.encode()}


# -- verify ----------------------------------------------------------------------------------------


@dataclass
class ClauseReport:
    number: str
    clause: str
    version: str
    state: str  # "current", "superseded by X", "retired", "not in bank", "changed in bank"
    edited: bool


@dataclass
class VerifyReport:
    document: str
    deal: str
    clauses: list[ClauseReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(
            c.edited or c.state in ("not in bank", "changed in bank") for c in self.clauses
        )


def read_lock(docx: Path) -> dict[str, Any]:
    """The lock stored in the document, wherever the saving program put the custom XML part."""
    return embedded_lock(WordPackage.open(docx))


def read_deal_sheet(docx: Path) -> bytes | None:
    """The deal sheet the document was built from, as it was (None if it does not carry one)."""
    root = _provenance(WordPackage.open(docx))
    sheet = root.findtext(f"{{{NAMESPACE}}}deal") if root is not None else None
    try:
        return base64.b64decode(sheet, validate=True) if sheet else None
    except ValueError:
        return None  # damaged: the caller falls back to the deal sheet the lock names


def _provenance(package: WordPackage) -> etree._Element | None:
    """The custom XML part holding the lock, wherever the saving program put it."""
    for name in package.names:
        if re.fullmatch(r"customXml/item\d+\.xml", name):
            root = package.xml(name)
            lock = root.find(f"{{{NAMESPACE}}}lock") if root is not None else None
            if lock is not None and lock.text and lock.text.strip():
                return root
    return None


def embedded_lock(package: WordPackage) -> dict[str, Any]:
    """The lock a checked package carries; E-verify-02 if none, E-verify-01 if it is damaged."""
    root = _provenance(package)
    if root is not None:
        text = root.findtext(f"{{{NAMESPACE}}}lock") or ""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise AssemblerError(
                Diagnostic("E-verify-01", f"the embedded lock is damaged: {exc}", package.where)
            ) from None
        return check_lock(data, f"{package.where} (custom XML)")
    raise AssemblerError(
        Diagnostic(
            "E-verify-02",
            "the document carries no assembler provenance",
            package.where,
            hint="only documents built by `assemble build` can be verified",
        )
    )


def verify(docx: Path, bank: ClauseBank, today: dt.date | None = None) -> VerifyReport:
    """Which clause versions the document used, which are now superseded or retired, and which
    clauses' text was edited after generation (by clause number)."""
    package = WordPackage.open(docx)
    lock = embedded_lock(package)
    document = package.xml("word/document.xml")
    body = body_of(document)
    if body is None:
        raise AssemblerError(Diagnostic("E-docx-03", "word/document.xml has no body", str(docx)))
    slots = [s for s in lock["slots"] if s.get("text_sha256")]
    bookmarks = {bookmark_name(s["clause"]): s["slot"] for s in slots}
    found = clause_fingerprints(body, bookmarks)
    report = VerifyReport(str(docx), lock["deal"]["id"])
    for slot in slots:
        edited = found.get(slot["slot"]) != slot["text_sha256"]
        report.clauses.append(
            ClauseReport(
                slot["number"],
                slot["clause"],
                slot["version"],
                _state(bank, slot, today or dt.date.today()),
                edited,
            )
        )
    return report


def _state(bank: ClauseBank, slot: dict[str, Any], today: dt.date) -> str:
    clause = bank.clauses.get(slot["clause"])
    version = (
        next((v for v in clause.versions if v.version == slot["version"]), None) if clause else None
    )
    if clause is None or version is None:
        return "not in bank"
    if version.sha256 and version.sha256 != slot["sha256"]:
        return "changed in bank"
    if version.status == "retired" or (version.withdrawn_on and version.withdrawn_on <= today):
        return "retired"
    newer = [
        v
        for v in clause.versions
        if v.status == "approved" and v.in_force(today) and v.key > version.key
    ]
    return f"superseded by {max(newer, key=lambda v: v.key).version}" if newer else "current"
