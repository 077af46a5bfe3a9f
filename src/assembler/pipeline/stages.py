"""Making one document in memory, stage by stage: the deal sheet loaded, planned (stage 2),
rendered (3) and packaged (4), writing nothing; again as a lock records it; or only planned.
:mod:`assembler.pipeline.build` writes what these make."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assembler.bank.clausebank import ClauseBank
from assembler.bank.law import citer
from assembler.bank.outline import Outline
from assembler.bank.project import bank_path
from assembler.checks.coverage import Row, coverage
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.schema import suggest
from assembler.deal.sheet import Deal, execution_blanks, load_deal, unused_values
from assembler.package import provenance
from assembler.package.lockfile import layout_of, lock_data
from assembler.package.writer import docx_parts, zip_parts
from assembler.pipeline.locked import read_locked, recorded_unchanged
from assembler.pipeline.workspace import Workspace
from assembler.plan.original import original_agreement
from assembler.plan.planner import Pins, Place, Plan, Planner, document_info, party_records
from assembler.render.renderer import E, Rendered, RenderInputs, render
from assembler.template.sandbox import Recorder, deal_names, wrap

if TYPE_CHECKING:  # the type only: bank operations are not imported by a build
    from assembler.bank.gate import Trial

#: A deal sheet: the path of its YAML file, or its data (a mapping, as the YAML would load).
DealSource = str | Path | Mapping[str, Any]
#: The name a deal given as data goes by in diagnostics and the lock: no file has it, so no file
#: is read in its place (the document then carries no deal sheet of its own).
DATA_NAME = "<deal>"


def load_source(source: DealSource, ws: Workspace, ignore: frozenset[str] = frozenset()) -> Deal:
    """A deal sheet from its file, or from its data, checked as the same YAML would be: the
    data is written as JSON (which is YAML) and read by the one reader, so the same rules, with
    the same ids, apply to both; lines and columns are those of that JSON."""
    if isinstance(source, Mapping):
        text = json.dumps(source, indent=2, ensure_ascii=False, default=str).encode("utf-8")
        return load_deal(
            DATA_NAME, ws.bank.codes, ignore, law=ws.bank.law, types=ws.types, text=text
        )
    return load_deal(source, ws.bank.codes, ignore, law=ws.bank.law, types=ws.types)


def overridden(
    deal: Deal, pins: dict[str, str] | None = None, choose: dict[str, str] | None = None
) -> Deal:
    """The deal with clause versions pinned and alternatives chosen on top of its own."""
    if not pins and not choose:
        return deal
    data = {**deal.data, "pins": {**deal.data.get("pins", {}), **(pins or {})}}
    data["choices"] = {**deal.data.get("choices", {}), **(choose or {})}
    return replace(deal, data=data)


def trial(ws: Workspace, job: Trial) -> Any:
    """What ``bank check`` asks of an example: does it build (final, or as a draft for draft
    wording) with these versions pinned and these alternatives chosen? It is planned, rendered
    and gated in memory, not packaged: what can fail, fails by then. ``{clause id: version}``
    of the clauses it used, or the diagnostics of why not (plain data, so a worker process can
    return it)."""
    deal_path, pins, choose, draft = job
    try:
        deal = overridden(load_source(deal_path, ws), pins, choose)
        made = render_document(deal, ws, draft=draft)
        _plain_language_gate(made.rendered.body, made.required, ws.bank, deal, draft)
    except AssemblerError as exc:
        return exc.diagnostics
    return {c.clause_id: c.version for c in made.planned.plan.all_clauses() if c.clause_id}


@dataclass
class Assembled:
    """A document made in memory: its plan, rendered body, package bytes and lock."""

    deal: Deal
    plan: Plan
    rendered: Rendered
    data: bytes
    lock: dict[str, Any]
    warnings: list[Diagnostic]


def rebuild(
    lock_file: Path,
    ws: Workspace,
    deal_path: str | Path | None = None,
    lock_dir: Path | None = None,
) -> tuple[Deal, Assembled]:
    """Make a document again exactly as its lock file records it (versions, and the places of an
    agreement as varied)."""
    lock, pins, deal = read_locked(lock_file, ws, deal_path)
    made = assemble(
        deal,
        ws,
        draft=bool(lock["document"]["draft"]),
        pins=pins,
        layout=layout_of(lock),
        history=lock.get("variations", []),
        lock_dir=lock_dir,
    )
    return deal, made


def _sheet_bytes(deal: Deal) -> bytes | None:
    """The deal sheet as built from (carried inside the document), if it is a file."""
    if deal.path.name == DATA_NAME:
        return None
    try:
        return deal.path.read_bytes()
    except OSError:
        return None


@dataclass
class Planned:
    """Stage 2 alone: the plan, the names the clauses will see, and the deal values planning read."""

    plan: Plan
    outline: Outline
    names: dict[str, Any]
    accessed: set[str]
    #: the markers planning's helpers made (in party descriptions): rendering may print them
    issued: frozenset[str] = frozenset()


def plan_document(
    deal: Deal,
    ws: Workspace,
    *,
    draft: bool = False,
    pins: Pins | None = None,
    layout: list[Place] | None = None,
) -> Planned:
    """Which clauses, which versions, which numbers: no rendering."""
    outline = ws.outline(deal.document_type)
    with Recorder() as planning:  # clause conditions read deal values too
        names = deal_names(
            deal.data, party_records(deal, ws.env, ws.forms), document_info(deal, outline)
        )
        names["law"] = citer(ws.bank.law, deal.data.get("effective_date"))
        names["house_word"] = outline.words.word  # the house style's words (house-style.yaml)
        if "original" in deal.data:  # a deed of variation refers to the agreement it varies
            original = original_agreement(deal, lambda *paths: plan_of(*paths, ws=ws), ws.bank)
            names["original"] = wrap(original, "original")  # read-only to clauses
        planner = Planner(
            deal, ws.bank, outline, ws.env, names, draft=draft, pins=pins, layout=layout
        )
        made = planner.plan()
    return Planned(made, outline, names, planning.accessed, frozenset(planning.issued))


@dataclass
class RenderedDocument:
    """Stages 2 and 3 of one document: its plan, its rendered body, the criteria it must meet and
    what checking them found. Packaging it is stage 4 (:func:`assemble`)."""

    planned: Planned
    rendered: Rendered
    required: list[str]
    criteria_findings: list[Diagnostic]


def render_document(
    deal: Deal,
    ws: Workspace,
    *,
    draft: bool = False,
    pins: Pins | None = None,
    layout: list[Place] | None = None,
) -> RenderedDocument:
    """Plan and render one document in memory (``bank check`` stops here: it asks only whether
    a document builds)."""
    if not draft and (unfilled := execution_blanks(deal)):
        raise AssemblerError(unfilled)
    planned = plan_document(deal, ws, draft=draft, pins=pins, layout=layout)
    outline, plan = planned.outline, planned.plan
    required = list(deal.data.get("criteria") or outline.criteria)
    rows = coverage(plan, required, ws.bank.criterion_names)
    criteria_findings = _criteria_findings(deal, rows, ws.bank, draft)
    if any(d.severity == "error" for d in criteria_findings):
        raise AssemblerError([d for d in criteria_findings if d.severity == "error"])
    in_document = {c.clause_id for c in plan.all_clauses() if c.clause_id}
    names = {
        **planned.names,
        "included": in_document.__contains__,  # {% if included('clause-id') %}
        # for the criteria schedule: each met criterion and the clauses that meet it
        "coverage": [
            {"name": r.name, "criterion": r.criterion, "clauses": [c[2] for c in r.clauses]}
            for r in rows
            if r.required and r.covered
        ],
    }
    inputs = RenderInputs(
        plan, ws.bank, ws.house, ws.env, names, ws.forms, deal.nearest, outline, planned.issued
    )
    rendered = render(inputs)
    return RenderedDocument(planned, rendered, required, criteria_findings)


def assemble(
    deal: Deal,
    ws: Workspace,
    *,
    draft: bool = False,
    pins: Pins | None = None,
    layout: list[Place] | None = None,
    history: list[dict[str, Any]] | None = None,
    lock_dir: Path | None = None,
) -> Assembled:
    """Plan, render and package one document, writing nothing. ``lock_dir`` is where the lock
    will be written: it records the deal sheet's path relative to it, so the pair can move."""
    made = render_document(deal, ws, draft=draft, pins=pins, layout=layout)
    plan, rendered = made.planned.plan, made.rendered
    lock = lock_data(plan, rendered.laid_out)
    if history:
        lock["variations"] = history
    if lock_dir is not None:
        if deal.path.name != DATA_NAME:
            relative = os.path.relpath(deal.path.resolve(), lock_dir.resolve())
            lock["deal"]["path"] = Path(relative).as_posix()
        lock["bank"]["path"] = bank_path(ws.bank.root, lock_dir)
    embedded = provenance.package_parts(lock, _sheet_bytes(deal))
    data = zip_parts(docx_parts(rendered, ws.house, plan.title, embedded))
    lock["document"]["sha256"] = hashlib.sha256(data).hexdigest()
    gate = _plain_language_gate(rendered.body, made.required, ws.bank, deal, draft)
    warnings = (
        list(deal.warnings)
        + rendered.warnings
        + unused_values(deal, made.planned.accessed | rendered.accessed)
        + made.criteria_findings
        + gate
    )
    return Assembled(deal, plan, rendered, data, lock, unique(warnings))


def plan_of(path: Path, deal_path: Path | None = None, *, ws: Workspace) -> Plan:
    """The plan of a deal sheet, or of the document a lock file (or .docx) records (built from
    ``deal_path`` when given: the deal sheet a signed .docx carried)."""
    if path.suffix.lower() in (".yaml", ".yml") and not path.name.endswith(".lock.yaml"):
        return plan_deal(path, ws)
    lock, pins, deal = read_locked(path, ws, None if recorded_unchanged(path, ws) else deal_path)
    return plan_document(deal, ws, pins=pins, layout=layout_of(lock)).plan


def plan_deal(deal: DealSource, ws: Workspace, *, draft: bool = False) -> Plan:
    """Plan a deal sheet without rendering it: which clauses, which versions, which numbers."""
    return plan_document(load_source(deal, ws), ws, draft=draft).plan


def _criteria_findings(
    deal: Deal, rows: list[Row], bank: ClauseBank, draft: bool
) -> list[Diagnostic]:
    """An unknown criterion is an error; an uncovered one fails a final build and warns a draft."""
    found = []
    listed = deal.data.get("criteria") or []
    for row in rows:
        if not row.required:
            continue
        where = deal.where(f"criteria[{listed.index(row.criterion)}]") if listed else {}
        if bank.criteria and row.criterion not in bank.criteria:
            close = suggest(row.criterion, bank.criteria)
            found.append(
                Diagnostic(
                    "E-crit-02",
                    f"{row.criterion!r} is not a criterion of the taxonomy",
                    hint=close or "see the bank's criteria.yaml",
                    **where,
                )
            )
        elif not row.covered:
            found.append(
                Diagnostic(
                    "W-crit-01" if draft else "E-crit-01",
                    f"no clause in this document satisfies the required criterion {row.criterion!r}",
                    hint="choose a clause that covers it, or remove it from criteria",
                    severity="warning" if draft else "error",
                    **where,
                )
            )
    return found


def _plain_language_gate(
    body: E, required: list[str], bank: ClauseBank, deal: Deal, draft: bool
) -> list[Diagnostic]:
    """When the deal requires plain language, the house thresholds gate a final build."""
    if "plain_language" not in required:
        return []
    from assembler.checks.lint import lint_body

    findings = [
        Diagnostic(
            f.rule,
            f"{f.clause}: {f.suggestion}" + (f" ({f.sentence[:80]})" if f.sentence else ""),
            str(deal.path),
            hint="the deal requires plain_language: revise the clause, or see `assemble lint`",
            severity="warning" if draft else "error",
        )
        for f in lint_body(body, bank.lint, per_clause=False).gate
    ]
    if findings and not draft:
        raise AssemblerError(findings)
    return findings


def unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Each diagnostic once, in the order first found (two stages may find the same)."""
    return list(dict.fromkeys(diagnostics))
