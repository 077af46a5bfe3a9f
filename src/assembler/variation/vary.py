"""``assemble vary``: from the agreement as signed (its lock) and the deal as it now stands, write
the deed of variation, its deal sheet, and a conformed copy of the agreement as varied with the
changes as Word tracked changes.

The pipeline is the build's own: the original is rebuilt exactly from its lock; the new deal is
planned in the original's places (:func:`layout.varied_layout`), so the agreement as varied keeps
the signed numbering; the two are compared (:mod:`amend`); the amendments, parties
(:mod:`parties`) and recitals become the deal sheet of a deed of variation (:mod:`deedsheet`),
which is then built like any other deal sheet; the conformed copy (:mod:`conformed`) shows the
changes, and what the drafter must judge is warned (:mod:`consequences`). The conformed copy's
lock records the variation, so a second variation starts from the agreement as varied and cites
both instruments.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import all_or_nothing, check_outputs, write_atomic
from assembler.deal.sheet import Deal, load_deal
from assembler.package import provenance
from assembler.package.lockfile import lock_path_for
from assembler.pipeline.build import (
    Assembled,
    BuildResult,
    assemble,
    build,
    plan_document,
    rebuild,
    recorded_unchanged,
)
from assembler.pipeline.workspace import Workspace
from assembler.plan.planner import Place
from assembler.variation.amend import amendments
from assembler.variation.conformed import instructions, preface, redline_pdf, write_conformed
from assembler.variation.consequences import consequences
from assembler.variation.deedsheet import deed_deal, sheet_yaml, variation_terms
from assembler.variation.layout import held_provisions, varied_layout
from assembler.variation.parties import rename, successions, write_without_leaving
from assembler.variation.sections import Section, sections

__all__ = ["VaryResult", "redline_pdf", "vary"]


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
    terms = variation_terms(deal)
    by_law = successions(old_deal, deal, terms)
    remaining = output.with_name(output.stem + "-conformed.deal.yaml")
    leaves = write_without_leaving(deal, remaining)
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
    layout, varied, signed, now = _varied_agreement(old, deal, by_law, ws, draft)
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
    data = deed_deal(old_deal, deal, terms, history, changes, deed_sheet, ws.forms, original)
    write_atomic(deed_sheet, sheet_yaml(data))
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
    front = preface([*history, record], instructions(deed), changes, old.plan)
    conformed_lock = write_conformed(old, conformed_doc, conformed, ws, record, front, by_law)
    considered = set(deal.data.get("acknowledge") or {})
    traced = consequences(old, deal, changes, varied, now, ws)
    deed.warnings.extend(w for w in traced if w.rule not in considered)
    return VaryResult(deed, deed_sheet, conformed, conformed_lock, changes)


def _varied_agreement(
    old: Assembled, deal: Deal, by_law: dict[str, str], ws: Workspace, draft: bool
) -> tuple[list[Place], Assembled, dict[str, Section], dict[str, Section]]:
    """The varied agreement laid out in the signed places (an omitted provision held as "Not
    used", an inserted one numbered as the deed numbers it), with the signed and the new
    sections by place."""
    layout = varied_layout(old.plan, plan_document(deal, ws, draft=True).plan)
    varied = assemble(deal, ws, draft=draft, layout=layout)
    signed = {
        slot: replace(s, paragraphs=[(n, st, rename(t, by_law)) for n, st, t in s.paragraphs])
        for slot, s in sections(old.plan, old.rendered.laid_out).items()
    }
    held = held_provisions(layout, signed, sections(varied.plan, varied.rendered.laid_out))
    if held != layout:  # a provision omitted or inserted: laid out as the deed numbers it
        layout = held
        varied = assemble(deal, ws, draft=draft, layout=layout)
    return layout, varied, signed, sections(varied.plan, varied.rendered.laid_out)


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
