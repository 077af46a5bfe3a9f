"""``assemble check`` and ``assemble lint``: the checks a person or CI runs before a build."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from assembler import api
from assembler.checks.coverage import Row
from assembler.checks.lint import LintReport
from assembler.cli.options import finding_options, known_rules
from assembler.cli.output import emit_json, fails, finish, json_errors, report, stdout


@click.command("check")
@click.argument("deal", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--draft", is_flag=True, help="Check as a draft build: missing values are warnings.")
@finding_options
def check_deal(
    deal: Path,
    draft: bool,
    as_json: bool,
    ignore: tuple[str, ...],
    strict: bool,
    bank_dir: Path | None,
    templates: Path | None,
) -> None:
    """Check DEAL as a final build (or --draft) would, writing nothing, and print its criteria
    coverage: each criterion, the clause of this document that meets it, or MISSING. Exit 1
    exactly when the build would fail (see `assemble rules`)."""
    known_rules(ignore)
    try:
        workspace = api.Workspace.open(bank_dir, templates)
        result = api.check(deal, workspace, frozenset(ignore), draft=draft)
    except api.AssemblerError as exc:
        if not as_json:
            raise
        json_errors("check", exc)
    if as_json:
        failed = fails(result.diagnostics, strict)
        emit_json(
            "check", not failed, result.diagnostics, deal=str(deal), coverage=result.coverage_json()
        )
    else:
        _coverage_table(result.rows)
        report(result.diagnostics)
    finish(result.diagnostics, strict)


def _coverage_table(rows: list[Row]) -> None:
    table = Table(title="Criteria coverage")
    for column in ("criterion", "required", "met by"):
        table.add_column(column)
    for row in rows:
        met = "; ".join(
            f"{n if n.startswith('Schedule') else 'clause ' + n} {t}" for n, t, _ in row.clauses
        )
        table.add_row(
            f"{row.name} ({row.criterion})",
            "yes" if row.required else "",
            met or Text("MISSING", style="red"),
        )
    stdout().print(table)


@click.command("lint")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@finding_options
def lint_command(
    source: Path,
    as_json: bool,
    ignore: tuple[str, ...],
    strict: bool,
    bank_dir: Path | None,
    templates: Path | None,
) -> None:
    """Plain-language lint of SOURCE: a deal sheet (built as a draft first) or a .docx, for example
    one a lawyer has edited. Thresholds come from the bank's bank.yaml; exit 1 if the document
    fails them or uses "shall" or an archaism."""
    known_rules(ignore)
    workspace = api.Workspace.open(bank_dir, templates)
    result = api.lint(source, workspace, frozenset(ignore))
    if as_json:
        failed = fails(result.diagnostics, strict)
        emit_json(
            "lint",
            not failed,
            result.diagnostics,
            source=str(source),
            lint=result.report.as_json(),
        )
    else:
        _lint_summary(result.report)
    finish(result.diagnostics, strict)


def _lint_summary(lint: LintReport) -> None:
    console = stdout()
    table = Table(title="Plain-language measures")
    for column in ("", "sentences", "median words", "passive", "reading ease"):
        table.add_column(column)
    worst = sorted(lint.clauses.items(), key=lambda kv: kv[1].reading_ease)[:5]
    for label, m in [("whole document", lint.document), *worst]:
        table.add_row(
            label,
            str(m.sentences),
            f"{m.median_sentence_words:g}",
            f"{m.passive_share:.0%}",
            f"{m.reading_ease:g}",
        )
    console.print(table)
    limits = lint.thresholds
    console.print(
        f"thresholds: median sentence <= {limits['max_median_sentence_words']:g} words, passive "
        f"<= {limits['max_passive_share']:.0%}, reading ease >= {limits['min_reading_ease']:g}",
        markup=False,
    )
    counts = Counter(f.rule for f in lint.findings)
    console.print(
        "findings: " + (", ".join(f"{r} x{n}" for r, n in sorted(counts.items())) or "none"),
        markup=False,
    )
    for finding in lint.gate:
        console.print(
            f"[red]error {finding.rule}[/red]: {escape(finding.clause)}: {escape(finding.suggestion)}",
            markup=True,
        )
        if finding.sentence:
            console.print(f"    {finding.sentence}", markup=False)
