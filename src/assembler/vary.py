"""``assemble vary``: from the agreement as signed (its lock) and the deal as it now stands, write
the deed of variation, its deal sheet, and a conformed copy of the agreement as varied with the
changes as Word tracked changes.

The pipeline is the build's own: the original is rebuilt exactly from its lock; the new deal is
planned in the original's places (:func:`amend.varied_layout`), so the agreement as varied keeps
the signed numbering; the two are compared (:mod:`amend`); the amendments, parties and recitals
become the deal sheet of a deed of variation, which is then built like any other deal sheet. The
conformed copy's lock records the variation, so a second variation starts from the agreement as
varied and cites both instruments.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from . import provenance
from .amend import amendments, sections, varied_layout
from .api import (
    Assembled,
    BuildResult,
    Workspace,
    assemble,
    build,
    plan_document,
    rebuild,
    write_document,
)
from .dealsheet import Deal, load_deal
from .doctypes.variation import DEED_PARTY
from .errors import AssemblerError, Diagnostic
from .oxml.tracked import Revisions, conform
from .package import docx_parts, write_atomic, zip_parts


@dataclass
class VaryResult:
    deed: BuildResult
    deed_deal: Path
    conformed: Path
    conformed_lock: Path
    amendments: list[dict[str, Any]] = field(default_factory=list)


def vary(
    original: str | Path,
    new_deal: str | Path,
    output: str | Path,
    *,
    workspace: Workspace | None = None,
    draft: bool = False,
) -> VaryResult:
    """Write OUTPUT (the deed), OUTPUT.deal.yaml (its deal sheet) and OUTPUT-conformed.docx."""
    ws = workspace or Workspace.open()
    output = Path(output)
    old_deal, old = rebuild(Path(original), ws)
    deal = load_deal(new_deal, ws.bank.codes, law=ws.bank.law)
    terms = _variation_terms(deal)
    history = list(old.lock.get("variations", []))
    layout = varied_layout(old.plan, plan_document(deal, ws, draft=True).plan)
    varied = assemble(deal, ws, draft=draft, layout=layout)
    changes = amendments(sections(old.plan, old.rendered), sections(varied.plan, varied.rendered))
    if not changes:
        raise AssemblerError(
            Diagnostic(
                "E-var-06",
                "the deal as it now stands gives the same agreement: there is nothing to vary",
                str(deal.path),
            )
        )
    deed_sheet = output.with_name(output.stem + ".deal.yaml")
    data = _deed_deal(old_deal, old, deal, terms, history, changes, deed_sheet, ws.forms, original)
    write_atomic(deed_sheet, _yaml(data))
    deed = build(deed_sheet, output, workspace=ws, draft=draft)
    record = {
        "number": len(history) + 1,
        "date": terms["date"].isoformat(),
        "deed": output.name,
        "deed_sha256": deed.plan.deal_sha256,
        "original_date": terms["original_date"].isoformat(),
    }
    conformed = output.with_name(output.stem + "-conformed.docx")
    conformed_doc = assemble(
        deal, ws, draft=draft, layout=layout, history=[*history, record], lock_dir=conformed.parent
    )
    conformed_lock = _write_conformed(old, conformed_doc, conformed, ws, terms["date"])
    return VaryResult(deed, deed_sheet, conformed, conformed_lock, changes)


def _variation_terms(deal: Deal) -> dict[str, Any]:
    terms = deal.data.get("variation")
    if not isinstance(terms, dict):
        raise AssemblerError(
            Diagnostic(
                "E-var-07",
                "variation: the deal sheet does not say how the agreement is varied",
                str(deal.path),
                hint="add variation: {date, original_date, reasons, services_change}",
            )
        )
    return terms


def _deed_deal(
    old_deal: Deal,
    old: Assembled,
    deal: Deal,
    terms: dict[str, Any],
    history: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    deed_sheet: Path,
    forms: dict[str, Any],
    signed: str | Path,
) -> dict[str, Any]:
    """The deed of variation's deal sheet, in the form a lawyer could also write by hand."""
    number = len(history) + 1
    before = {p["id"]: p for p in old_deal.data["parties"]}
    after = {p["id"]: p for p in deal.data["parties"]}
    parties = [
        _deed_party(p, "continuing" if i in before else "joining", forms) for i, p in after.items()
    ]
    parties += [_deed_party(p, "leaving", forms) for i, p in before.items() if i not in after]
    data: dict[str, Any] = {
        "deal_id": f"{deal.data['deal_id']}-variation-{number}",
        "document_type": "deed_of_variation",
        "title": f"Deed of Variation No. {number}",  # the cover adds "relating to ..."
        "effective_date": terms["date"],
        "original": {
            "deal": os.path.relpath(old_deal.path.resolve(), deed_sheet.resolve().parent),
            "date": terms["original_date"],
            "lock": os.path.relpath(Path(signed).resolve(), deed_sheet.resolve().parent),
        },
        "previous_variations": [
            {"date": dt.date.fromisoformat(v["date"]), "description": "a deed of variation"}
            for v in history
        ],
        "variation_power": terms.get("power", "variation"),
        "reasons": list(terms["reasons"]),
        "timing": terms.get("timing", "prospective"),
        "parties": parties,
        "amendments": changes,
        "services_change": bool(terms["services_change"]),
    }
    for key in ("procurement", "conformed_copy"):
        if key in terms:
            data[key] = terms[key]
    return data


def _deed_party(party: dict[str, Any], change: str, forms: dict[str, Any]) -> dict[str, Any]:
    """The party as the deed describes it and has it execute: the fields its legal form's
    description and deed execution lines read (templates/legal-forms.yaml)."""
    form = forms[party["kind"]]
    wording = str(form["description"]) + " ".join(map(str, form["deed"]))
    used = {"id", "name", "kind", "roles", "address"} | set(re.findall(r"\bp\.(\w+)", wording))
    kept = {k: v for k, v in party.items() if k in used and k in DEED_PARTY.fields}
    if "witness" in used:  # a deed signed by a director needs a witness; an agreement does not
        kept.setdefault("witness", "[witness name and address]")
    return {**kept, "change": change}


def _yaml(data: dict[str, Any]) -> bytes:
    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    yaml.width = 100
    yaml.allow_unicode = True
    stream = io.StringIO()
    stream.write(
        "# Written by `assemble vary`: the deed of variation's deal sheet. The amendments were\n"
        "# worked out by comparing the agreement as signed with the deal as it now stands; edit\n"
        "# them here if the lawyers want other wording, then `assemble build` this file.\n"
    )
    yaml.dump(data, stream)
    return stream.getvalue().encode("utf-8")


def _write_conformed(
    old: Assembled, varied: Assembled, output: Path, ws: Workspace, when: dt.date
) -> Path:
    """The agreement as varied, with every change from the signed text as a tracked change."""
    revisions = Revisions("assembler (deed of variation)", f"{when.isoformat()}T00:00:00Z")
    body = conform(old.rendered.body, varied.rendered.body, revisions)
    rendered = type(varied.rendered)(**{**varied.rendered.__dict__, "body": body})
    embedded = provenance.package_parts(varied.lock)
    data = zip_parts(docx_parts(rendered, ws.house, varied.plan.title, embedded))
    return write_document(
        Assembled(varied.deal, varied.plan, rendered, data, varied.lock, []), output
    )
