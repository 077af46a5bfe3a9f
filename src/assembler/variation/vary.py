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

import copy
import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree
from ruamel.yaml import YAML

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import all_or_nothing, check_outputs, write_atomic
from assembler.core.schema import ListOf, Map
from assembler.deal.sheet import Deal, load_deal
from assembler.deal.types import house_types
from assembler.oxml import text as ox
from assembler.oxml.body import (
    block_style,
    blocks_of,
    body_of,
    new_body,
    paragraphs_of,
    replace_body,
    section_of,
)
from assembler.oxml.styles import Style
from assembler.oxml.text import E
from assembler.oxml.tracked import Revisions, conform, marked_up, renamed
from assembler.package import provenance
from assembler.package.export import to_pdf
from assembler.package.lockfile import lock_path_for
from assembler.package.writer import docx_parts, zip_parts
from assembler.pipeline.build import (
    Assembled,
    BuildResult,
    assemble,
    build,
    plan_document,
    rebuild,
    recorded_unchanged,
    write_document,
)
from assembler.pipeline.workspace import Workspace
from assembler.plan.planner import Plan
from assembler.render.renderer import Rendered
from assembler.template.sandbox import longdate
from assembler.variation.amend import (
    amendments,
    held_provisions,
    sections,
    varied_layout,
)
from assembler.variation.consequences import consequences


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
    outputs = [
        output,
        lock_path_for(output),
        output.with_name(output.stem + ".deal.yaml"),  # the deed's deal sheet
        output.with_name(output.stem + ".signed.yaml"),  # the signed deal, from a .docx
        output.with_name(output.stem + "-conformed.deal.yaml"),  # the deal without leavers
        output.with_name(output.stem + "-conformed.docx"),
        lock_path_for(output.with_name(output.stem + "-conformed.docx")),
    ]
    check_outputs(outputs, [Path(original), Path(new_deal), ws.bank.root, ws.templates])
    with all_or_nothing(outputs):
        return _vary_deal(Path(original), new_deal, output, ws, draft)


def _vary_deal(
    original: Path, new_deal: str | Path, output: Path, ws: Workspace, draft: bool
) -> VaryResult:
    old_deal, old = _signed_agreement(original, ws, output)
    deal = load_deal(new_deal, ws.bank.codes, law=ws.bank.law, types=ws.types)
    terms = _variation_terms(deal)
    by_law = _successions(old_deal, deal, terms)
    remaining = output.with_name(output.stem + "-conformed.deal.yaml")
    leaves = _write_without_leaving(deal, remaining)
    if leaves:  # (a vary that fails leaves nothing behind: all_or_nothing above)
        deal = load_deal(remaining, ws.bank.codes, law=ws.bank.law, types=ws.types)
    return _vary(old_deal, old, deal, terms, by_law, original, output, ws, draft)


def _vary(
    old_deal: Deal,
    old: Assembled,
    deal: Deal,
    terms: dict[str, Any],
    by_law: dict[str, str],
    original: str | Path,
    output: Path,
    ws: Workspace,
    draft: bool,
) -> VaryResult:
    history = list(old.lock.get("variations", []))
    layout = varied_layout(old.plan, plan_document(deal, ws, draft=True).plan)
    varied = assemble(deal, ws, draft=draft, layout=layout)
    signed = {
        slot: replace(s, paragraphs=[(n, st, _rename(t, by_law)) for n, st, t in s.paragraphs])
        for slot, s in sections(old.plan, old.rendered.laid_out).items()
    }
    held = held_provisions(layout, signed, sections(varied.plan, varied.rendered.laid_out))
    if held != layout:  # a provision omitted or inserted: laid out as the deed numbers it
        layout = held
        varied = assemble(deal, ws, draft=draft, layout=layout)
    now = sections(varied.plan, varied.rendered.laid_out)
    changes = amendments(signed, now)
    if not changes:
        raise AssemblerError(
            Diagnostic(
                "E-var-06",
                "the deal as it now stands gives the same agreement: there is nothing to vary",
                str(deal.path),
            )
        )
    deed_sheet = output.with_name(output.stem + ".deal.yaml")
    data = _deed_deal(old_deal, deal, terms, history, changes, deed_sheet, ws.forms, original)
    write_atomic(deed_sheet, _yaml(data))
    deed = build(deed_sheet, output, workspace=ws, draft=draft)
    made = terms.get("made")
    record = {
        "number": len(history) + 1,
        "date": terms["date"].isoformat(),
        "made": made.isoformat() if made else "",
        "deed": output.name,
        "deed_sha256": deed.plan.deal_sha256,
        "original_date": terms["original_date"].isoformat(),
    }
    conformed = output.with_name(output.stem + "-conformed.docx")
    conformed_doc = assemble(
        deal, ws, draft=draft, layout=layout, history=[*history, record], lock_dir=conformed.parent
    )
    preface = _preface([*history, record], _instructions(deed), changes, old.plan)
    conformed_lock = _write_conformed(old, conformed_doc, conformed, ws, record, preface, by_law)
    considered = set(deal.data.get("acknowledge") or {})
    traced = consequences(old, deal, changes, varied, now, ws)
    deed.warnings.extend(w for w in traced if w.rule not in considered)
    return VaryResult(deed, deed_sheet, conformed, conformed_lock, changes)


def _write_without_leaving(deal: Deal, path: Path) -> bool:
    """A deal sheet whose parties say ``change: leaving`` describes the agreement those parties
    leave: write the deal as it will stand without them (their entries, and every entry and id
    that names them, removed) to PATH, the deal sheet of the agreement as varied. False when no
    party leaves."""
    leaving = {p["id"] for p in deal.data["parties"] if p.get("change") == "leaving"}
    if not leaving:
        return False
    yaml = YAML()  # round trip: the drafter's comments and layout stay
    yaml.width = 100
    data = yaml.load(deal.path.read_text(encoding="utf-8"))
    data["parties"] = [p for p in data["parties"] if p.get("id") not in leaving]
    _drop_references(data, leaving)
    stream = io.StringIO()
    stream.write(
        f"# Written by `assemble vary` from {deal.path.name}: the deal as it stands once "
        f"{', '.join(sorted(leaving))} leave(s).\n"
    )
    yaml.dump(data, stream)
    write_atomic(path, stream.getvalue().encode("utf-8"))
    return True


def _drop_references(node: Any, ids: set[str]) -> None:
    """Remove from every list the ids, and the entries that refer to them (a service contract
    whose provider leaves), below NODE."""
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in list(children):
        if isinstance(child, list):
            child[:] = [item for item in child if not _names(item, ids)]
        _drop_references(child, ids)


def _names(item: Any, ids: set[str]) -> bool:
    if isinstance(item, dict):
        return bool(ids & {v for k, v in item.items() if k != "id" and isinstance(v, str)})
    return isinstance(item, str) and item in ids


def _signed_agreement(original: Path, ws: Workspace, output: Path) -> tuple[Deal, Assembled]:
    """The agreement as signed, rebuilt from its lock. Given the signed .docx alone, its text is
    checked first (a clause edited after generation is E-var-09: the deed would amend text the
    parties did not sign), and the deal sheet it carries is used when the one it names is gone
    or has changed: written beside the deed as NAME.signed.yaml, which the deed cites."""
    if original.suffix.lower() != ".docx":
        return rebuild(original, ws)
    edited = [c.number for c in provenance.verify(original, ws.bank).clauses if c.edited]
    if edited:
        raise AssemblerError(
            Diagnostic(
                "E-var-09",
                "the signed document was edited after it was generated (clause "
                + ", ".join(edited)
                + "): a deed drawn from the deal sheet would not amend the text as signed",
                str(original),
                hint="check the edits with `assemble verify`; vary the lock of the document as "
                "built, or rebuild the agreement with the edits in its deal sheet first",
            )
        )
    if recorded_unchanged(original, ws):
        return rebuild(original, ws)
    carried = provenance.read_deal_sheet(original)
    if carried is None:
        return rebuild(original, ws)  # E-lock-01 or the missing file, located
    sheet = output.with_name(output.stem + ".signed.yaml")
    write_atomic(sheet, carried)
    return rebuild(original, ws, deal_path=sheet)


def _successions(old_deal: Deal, deal: Deal, terms: dict[str, Any]) -> dict[str, str]:
    """Old name -> new name of each party whose place a successor took by law (E-var-08 when the
    predecessor is not a party to the agreement as signed)."""
    before = {p["id"]: p for p in old_deal.data["parties"]}
    after = {p["id"]: p for p in deal.data["parties"]}
    names = {}
    for i, s in enumerate(terms.get("successions") or []):
        if s["predecessor"] not in before:
            raise AssemblerError(
                Diagnostic(
                    "E-var-08",
                    f"variation.successions[{i}].predecessor: {s['predecessor']!r} is not a party "
                    "to the agreement as signed",
                    hint=f"one of: {', '.join(before)}",
                    **deal.where(f"variation.successions[{i}].predecessor"),
                )
            )
        names[str(before[s["predecessor"]]["name"])] = str(after[s["party"]]["name"])
    return names


def _rename(text: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        text = text.replace(old, new)
    return text


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
    successions = terms.get("successions") or []
    before = {p["id"]: p for p in old_deal.data["parties"]}
    after = {p["id"]: p for p in deal.data["parties"]}
    # a successor by law continues in its predecessor's place: neither joins nor leaves
    before |= {s["party"]: after[s["party"]] for s in successions}
    gone = {s["predecessor"] for s in successions}
    parties = [
        _deed_party(p, "continuing" if i in before else "joining", forms) for i, p in after.items()
    ]
    parties += [
        _deed_party(p, "leaving", forms)
        for i, p in before.items()
        if i not in after and i not in gone
    ]
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
        # each earlier deed by the date it was made, not the date its variations took effect
        "previous_variations": [
            {
                "date": dt.date.fromisoformat(v["made"])
                if v.get("made")
                else f"[date of Deed of Variation No. {v['number']}]",
                "description": "a deed of variation",
            }
            for v in history
        ],
        "variation_power": terms.get("power", "variation"),
        "reasons": list(terms["reasons"]),
        "timing": terms.get("timing", "prospective"),
        "parties": parties,
        "amendments": changes,
        "services_change": bool(terms["services_change"]),
    }
    if successions:
        names = {p["id"]: p["name"] for p in old_deal.data["parties"]}
        data["statutory_transfers"] = [
            {
                "party": s["party"],
                "predecessor": names[s["predecessor"]],
                "instrument": s["instrument"],
                "date": s["date"],
            }
            for s in successions
        ]
    for key in ("procurement", "conformed_copy"):
        if key in terms:
            data[key] = terms[key]
    considered = {k: v for k, v in (deal.data.get("acknowledge") or {}).items() if "-var-" in k}
    if considered:  # the drafters' view of the deed's own warnings
        data["acknowledge"] = considered
    return data


def _deed_party_keys() -> set[str]:
    """The keys a party of a deed of variation may have (its schema's ``parties`` items)."""
    parties = house_types()["deed_of_variation"].schema.fields["parties"].spec
    assert isinstance(parties, ListOf) and isinstance(parties.item, Map)
    return set(parties.item.fields)


def _deed_party(party: dict[str, Any], change: str, forms: dict[str, Any]) -> dict[str, Any]:
    """The party as the deed describes it and has it execute: the fields its legal form's
    description and deed execution lines read (templates/legal-forms.yaml)."""
    form = forms[party["kind"]]
    wording = str(form["description"]) + " ".join(map(str, form["deed"]))
    used = {"id", "name", "kind", "roles", "address"} | set(re.findall(r"\bp\.(\w+)", wording))
    kept = {k: v for k, v in party.items() if k in used and k in _deed_party_keys()}
    # a deed needs printed names and witnesses an agreement may not have had: blanks to fill
    for key, blank in (("witness", "[witness name and address]"), ("signatory", "[name]")):
        if key in used:
            kept.setdefault(key, blank)
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


#: The legend at the head of a conformed copy (document-structures.md 5.7): it is not an
#: execution version, and says which deeds it incorporates.
LEGEND = (
    "Conformed copy incorporating the amendments made by {deed}. "
    "For reference only: the executed documents prevail."
)
#: A signing line of an execution block: the conformed copy shows the blocks as executed.
SIGNING_LINE = "....."


def _deed_name(record: dict[str, Any]) -> str:
    made = record.get("made")
    when = longdate(dt.date.fromisoformat(made)) if made else "[ ]"
    return f"Deed of Variation No. {record['number']} dated {when}"


def _instructions(deed: BuildResult) -> list[str]:
    """The deed's amendment instructions as printed, one per amendment, in order."""
    title = next(pc.title for pc in deed.plan.clauses if pc.clause_id == "dov-amendments")
    found: list[str] = []
    inside = False
    with zipfile.ZipFile(deed.output) as package:  # our own output, just written
        root = etree.fromstring(package.read("word/document.xml"))
    for p in paragraphs_of(root):
        style, text = ox.style_of(p), ox.text_of(p)
        if style == Style.CLAUSE_HEADING:
            inside = text == title
        elif inside and style == Style.CLAUSE_2:
            found.append(text)
    return found


def _preface(
    records: list[dict[str, Any]], printed: list[str], changes: list[dict[str, Any]], plan: Plan
) -> list[E]:
    """The legend and the list of changes (provision, instruction) that head a conformed copy."""
    *earlier, latest = records
    legend = LEGEND.format(deed=_deed_name(latest))
    if earlier:
        legend += " It also incorporates, without marking them, the amendments made by " + (
            ", ".join(_deed_name(r) for r in earlier) + "."
        )
    numbers = {pc.slot: pc.number for pc in plan.clauses + plan.schedules}
    paragraphs = [
        ox.paragraph(None, legend, bold=True),
        ox.paragraph(None, f"Changes made by {_deed_name(latest)}", bold=True),
    ]
    for change, instruction in zip(changes, printed, strict=False):
        number = numbers.get(change["at"], "")
        where = number if number.startswith("Schedule") else f"Clause {number}"
        paragraphs.append(ox.paragraph(None, f"{where}: {instruction}"))
    return paragraphs


def _write_conformed(
    old: Assembled,
    varied: Assembled,
    output: Path,
    ws: Workspace,
    record: dict[str, Any],
    preface: list[E],
    by_law: dict[str, str],
) -> Path:
    """The agreement as varied: the signed cover, parties and recitals as they were, the
    operative provisions with every change the deed makes as a tracked change attributed to the
    deed, and the execution blocks as executed (no signing lines), under a legend."""
    revisions = Revisions(
        f"Deed of Variation No. {record['number']}", f"{record['date']}T00:00:00Z"
    )
    front, operative, execution = _parts(old.rendered)
    _, new_operative, _ = _parts(varied.rendered)
    body = new_body([*preface, *front])
    signed = renamed(_body_of(operative), by_law)  # a successor by law is not the deed's change
    body.extend(conform(signed, _body_of(new_operative), revisions))
    body.extend(p for p in execution if SIGNING_LINE not in ox.text_of(p))
    ending = section_of(varied.rendered.body)
    if ending is not None:
        body.append(copy.deepcopy(ending))
    rendered = type(varied.rendered)(**{**varied.rendered.__dict__, "body": body})
    embedded = provenance.package_parts(varied.lock, varied.deal.path.read_bytes())
    data = zip_parts(docx_parts(rendered, ws.house, varied.plan.title, embedded))
    return write_document(
        Assembled(varied.deal, varied.plan, rendered, data, varied.lock, []), output
    )


def redline_pdf(conformed: str | Path, output: str | Path | None = None) -> Path:
    """A PDF of a conformed copy with its changes marked (insertions underlined, deletions struck
    through) and the new numbering throughout: what a lawyer sends with the deed. Written to
    OUTPUT, by default beside the conformed copy as NAME-redline.pdf. Needs LibreOffice."""
    conformed = Path(conformed)
    target = (
        Path(output)
        if output
        else conformed.with_name(conformed.stem.removesuffix("-conformed") + "-redline.pdf")
    )
    with zipfile.ZipFile(conformed) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    replace_body(root, marked_up(body_of(root)))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with tempfile.TemporaryDirectory() as work:
        docx = Path(work, target.stem + ".docx")
        with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, data)
        write_atomic(target, to_pdf(docx).read_bytes())
    return target


def _parts(rendered: Rendered) -> tuple[list[E], list[E], list[E]]:
    """A rendered body cut into its front matter (cover, contents, parties, recitals), its
    operative provisions (clauses and schedules) and its execution blocks."""
    children = blocks_of(rendered.body)
    styles = [block_style(c) for c in children]
    start = styles.index(Style.CLAUSE_HEADING) if Style.CLAUSE_HEADING in styles else 0
    end = len(children)
    if Style.EXECUTION_BLOCK in styles:  # the heading above the first block starts the execution
        end = styles.index(Style.EXECUTION_BLOCK)
        while end > start and styles[end] != Style.SCHEDULE_HEADING:
            end -= 1
    return children[:start], children[start:end], children[end:]


def _body_of(elements: list[E]) -> E:
    return new_body(copy.deepcopy(e) for e in elements)
