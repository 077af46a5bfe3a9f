"""``assemble build``: one document from a deal sheet, or again from its lock."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from assembler import api
from assembler.cli.options import bank_option, pdf_option, templates_option, toc_pages_option
from assembler.cli.output import emit_json, json_errors, report, report_finished, say
from assembler.package.export import finish_all, layout_available

WARNINGS_SHOWN = 15


def pages(toc_pages: bool | None) -> bool:
    """``--toc-pages``, ``--no-toc-pages``, or by default: whether LibreOffice is installed."""
    return toc_pages if toc_pages is not None else layout_available()


def finish_documents(
    outputs: list[Path], pdf: bool, toc_pages: bool | None, jobs: int | None = None
) -> int:
    """The shared last step of vary and batch, as :func:`assembler.api.build` does it for build:
    contents page numbers and PDFs (:func:`assembler.package.export.finish`)."""
    finished = finish_all(outputs, pages=pages(toc_pages), pdf=pdf, jobs=jobs)
    return max((report_finished(done.written, done.not_made, pdf) for done in finished), default=0)


@click.command()
@click.argument("deal", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The .docx to write. The lock file is written beside it (NAME.lock.yaml).",
)
@click.option(
    "--draft",
    is_flag=True,
    help="Draft build: missing values become highlighted [MISSING: ...] markers and drafting "
    "notes become Word comments. Without it, any missing value stops the build.",
)
@click.option(
    "--locked",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Rebuild exactly the clause versions recorded in this lock file.",
)
@bank_option
@templates_option
@pdf_option
@toc_pages_option
@click.option("-v", "--verbose", is_flag=True, help="List every warning.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["md", "html"]),
    help="Also write Markdown or a standalone HTML page beside the .docx for review, numbered "
    "as the document is (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def build(
    deal: Path | None,
    output: Path,
    draft: bool,
    locked: Path | None,
    bank_dir: Path | None,
    templates: Path | None,
    pdf: bool,
    toc_pages: bool | None,
    verbose: bool,
    formats: tuple[str, ...],
    as_json: bool,
) -> None:
    """Build a Word document from DEAL, a YAML deal sheet.

    \b
    Example:
      assemble build examples/over-65s-alliance.yaml -o out/over-65s-alliance.docx
    """
    if deal is None and locked is None:
        raise click.UsageError("give a deal sheet, or --locked LOCK")
    workspace = api.Workspace.open(bank_dir, templates)
    if verbose:
        say(f"bank: {workspace.bank.root} ({workspace.found_by})")
    try:
        result = api.build(
            deal,
            output,
            draft=draft,
            locked=locked,
            workspace=workspace,
            toc_pages=pages(toc_pages),
            pdf=pdf,
            formats=formats,
        )
    except api.AssemblerError as exc:
        if not as_json:
            raise
        json_errors("build", exc)
    _show_warnings(result, verbose)
    if as_json:
        _print_json(result, workspace)
        return
    code = _print_built(result, pdf)
    if code:
        sys.exit(code)


def _show_warnings(result: api.BuildResult, verbose: bool) -> None:
    """The first warnings (all of them, and how each value was read, with ``-v``)."""
    if verbose:
        for reading in result.plan.deal_readings:
            say(f"read {reading['key']}: {reading['written']!r} as {reading['read']}")
    shown = result.warnings if verbose else result.warnings[:WARNINGS_SHOWN]
    if shown:
        report(shown)
    if len(result.warnings) > len(shown):
        say(
            f"... and {len(result.warnings) - len(shown)} more warning(s): use -v to list them all."
        )


def _print_json(result: api.BuildResult, workspace: api.Workspace) -> None:
    plan = result.plan
    missing = [{"key": k, "clauses": c} for k, c in missing_by_key(result.missing).items()]
    emit_json(
        "build",
        True,
        result.warnings,
        output=str(result.output),
        lock=str(result.lock),
        exports=[str(p) for p in [*result.exports, *result.reviews]],
        bank=str(workspace.bank.root),
        draft=plan.draft,
        clauses=len(plan.clauses),
        schedules=len(plan.schedules),
        placeholders=result.placeholders,
        missing=missing,
    )


def _print_built(result: api.BuildResult, pdf: bool) -> int:
    """What was written, what is left to fill in; the exit code (3: a PDF asked for is missing)."""
    plan = result.plan
    say(
        f"wrote {result.output} ({len(plan.clauses)} clauses, {len(plan.schedules)} schedules"
        f"{', draft' if plan.draft else ''}); lock {result.lock}"
    )
    code = report_finished(result.exports, result.not_made, pdf)
    for path in result.reviews:
        say(f"wrote {path}")
    if result.placeholders:
        say(
            f"{result.placeholders} [bracketed] placeholder(s) are highlighted for the drafter to fill."
        )
    if result.missing:
        say(f"{len(result.missing)} missing value(s) are marked [MISSING: ...]; add them by key:")
        for key, clauses in missing_by_key(result.missing).items():
            say(f"  {key.removeprefix('deal.')} (clause {', '.join(clauses)})")
    drafts = [f"{c.clause_id}@{c.version}" for c in plan.all_clauses() if c.status == "draft"]
    if drafts:
        say("draft (unapproved) wording used: " + ", ".join(drafts))
    return code


def missing_by_key(missing: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Deal key -> the clauses that need it, in the order the document asks for them."""
    keys: dict[str, list[str]] = {}
    for clause, path in missing:
        keys.setdefault(path, [])
        if clause not in keys[path]:
            keys[path].append(clause)
    return keys
