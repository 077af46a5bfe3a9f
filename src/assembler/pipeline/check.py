"""Checks through the build: ``check`` runs what a build runs, short of writing; ``lint`` reads a
built document (a deal sheet is built in memory first, as a draft)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assembler.checks.coverage import Row, coverage
from assembler.checks.lint import LintReport
from assembler.checks.lint import lint as lint_document
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import read_bounded
from assembler.oxml.reader import MAX_PACKAGE_BYTES
from assembler.pipeline.stages import (
    DATA_NAME,
    DealSource,
    assemble,
    load_source,
    plan_document,
    unique,
)
from assembler.pipeline.workspace import Workspace
from assembler.plan.planner import Plan


@dataclass
class CheckResult:
    plan: Plan
    rows: list[Row]
    diagnostics: list[Diagnostic]

    def coverage_json(self) -> list[dict[str, Any]]:
        """The coverage rows as ``check --json`` prints them."""
        return [
            {
                "criterion": r.criterion,
                "name": r.name,
                "required": r.required,
                "clauses": [{"number": n, "title": t, "clause": c} for n, t, c in r.clauses],
            }
            for r in self.rows
        ]


def check(
    deal_path: DealSource,
    ws: Workspace | None = None,
    ignore: frozenset[str] = frozenset(),
    *,
    draft: bool = False,
) -> CheckResult:
    """Everything a build runs short of writing files (plan, render, references, blanks, rules,
    coverage, the plain-language gate), on the same code path: it fails exactly when the build
    (final, or ``draft``) would, with the same rule ids. What ``assemble check`` prints."""
    ws = ws or Workspace.open()
    deal = load_source(deal_path, ws, ignore)
    planned = plan_document(deal, ws, draft=True)  # the coverage table, even when the build fails
    required = list(deal.data.get("criteria") or planned.outline.criteria)
    rows = coverage(planned.plan, required, ws.bank.criterion_names)
    try:
        found = assemble(deal, ws, draft=draft).warnings
    except AssemblerError as exc:
        found = unique(list(deal.warnings) + exc.diagnostics)
    return CheckResult(planned.plan, rows, [d for d in found if d.rule not in ignore])


@dataclass
class LintResult:
    """The plain-language report, and its findings as diagnostics (errors: the house gate)."""

    report: LintReport
    diagnostics: list[Diagnostic]


def lint(
    source: DealSource, ws: Workspace | None = None, ignore: frozenset[str] = frozenset()
) -> LintResult:
    """Plain-language lint of a .docx (one a lawyer has edited, say), or of the document a deal
    sheet (its file or its data) builds as a draft, built in memory. Thresholds come from the
    bank's ``bank.yaml``; ``ignore`` leaves rules out."""
    ws = ws or Workspace.open()
    if not isinstance(source, Mapping) and Path(source).suffix.lower() == ".docx":
        data = read_bounded(Path(source), MAX_PACKAGE_BYTES, "Word file")
    else:
        data = assemble(load_source(source, ws), ws, draft=True).data
    name = DATA_NAME if isinstance(source, Mapping) else str(source)
    report = lint_document(data, ws.bank.lint, name)
    report.findings = [f for f in report.findings if f.rule not in ignore]
    report.gate = [f for f in report.gate if f.rule not in ignore]
    diagnostics = [
        Diagnostic(
            f.rule,
            f"{f.clause}: {f.suggestion}",
            name,
            severity="error" if f.severity == "error" else "warning",
        )
        for f in report.gate + report.findings
    ]
    return LintResult(report, diagnostics)
