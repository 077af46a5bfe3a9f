"""``assemble pack`` and ``assemble batch``: many deal sheets from a CSV, and many documents at
once on a process pool."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from rich.table import Table

from assembler import api
from assembler.batches.run import build_many, find_deals
from assembler.cli.build import finish_documents
from assembler.cli.options import (
    bank_option,
    jobs_option,
    outdir_option,
    pdf_option,
    templates_option,
    toc_pages_option,
)
from assembler.cli.output import EXIT_INPUT_ERROR, console, emit_json, progress, report
from assembler.deal.pack import make_pack


@click.command()
@click.argument("deals")
@outdir_option("Folder for the documents (one DEAL-NAME.docx and lock each).")
@jobs_option
@click.option("--draft", is_flag=True, help="Draft builds: missing values are marked, not errors.")
@bank_option
@templates_option
@pdf_option
@toc_pages_option
@click.option("--json", "as_json", is_flag=True, help="Print each document's outcome as JSON.")
def batch(
    deals: str,
    outdir: Path,
    jobs: int | None,
    draft: bool,
    bank_dir: Path | None,
    templates: Path | None,
    pdf: bool,
    toc_pages: bool | None,
    as_json: bool,
) -> None:
    """Build every deal sheet in DEALS (a folder or a glob such as 'packs/*.yaml') on a process
    pool. A bad deal sheet is reported and the others go on; exit code 1 if any failed.

    \b
    Example:
      assemble batch 'out/mous/*.yaml' -o out/mous-built -j 4
    """
    found = find_deals(deals)
    start = time.perf_counter()
    workspace = api.Workspace.open(bank_dir, templates)
    run = build_many(found, outdir, jobs=jobs, draft=draft, workspace=workspace)
    outcomes = []
    with progress("building", transient=False) as tick:
        advance = tick(len(found))
        for outcome in run:
            outcomes.append(outcome)
            if advance:
                advance()
            else:
                _log(outcome)
    elapsed = time.perf_counter() - start
    _batch_summary(outcomes, elapsed)
    built = sorted(o.output for o in outcomes if o.output is not None)
    code = finish_documents(built, pdf, toc_pages, jobs)
    if as_json:
        documents = [o.to_json() for o in outcomes]
        emit_json("batch", all(o.ok for o in outcomes), [], documents=documents)
    else:
        _batch_summary(outcomes, elapsed)
    if any(not o.ok for o in outcomes):
        sys.exit(EXIT_INPUT_ERROR)
    if code:
        sys.exit(code)


def _log(outcome: api.Outcome) -> None:
    """One whole, located line per deal sheet, that CI logs can be searched for."""
    state = "ok" if outcome.ok else "FAILED"
    click.echo(f"{state} {outcome.deal} ({outcome.seconds:.2f} s)", err=True)
    for error in outcome.errors:
        click.echo(f"    {error}", err=True)


def _batch_summary(outcomes: list[api.Outcome], elapsed: float) -> None:
    """Failures first, then documents with warnings, each line located; the clean ones only
    counted, so two hundred documents do not scroll the problems away."""
    failed = [o for o in outcomes if not o.ok]
    warned = [o for o in outcomes if o.ok and o.warnings]
    out = console()
    if failed or warned:
        table = Table(title="Batch build: what needs attention", show_lines=True)
        for column in ("deal sheet", "result", "errors / warnings"):
            table.add_column(column)
        for o in sorted(failed, key=lambda o: str(o.deal)) + sorted(
            warned, key=lambda o: str(o.deal)
        ):
            state = "FAILED" if o.errors else f"{len(o.warnings)} warning(s)"
            table.add_row(str(o.deal), state, "\n".join(o.errors or o.warnings))
        out.print(table)
    rate = len(outcomes) / elapsed if elapsed else 0.0
    clean = len(outcomes) - len(failed) - len(warned)
    out.print(
        f"{len(outcomes) - len(failed)} built, {len(failed)} failed in {elapsed:.1f} s "
        f"({rate:.1f} documents a second); {clean} without warnings, {len(warned)} with",
        markup=False,
    )


@click.command()
@click.argument("base", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("rows", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@outdir_option("Folder for the deal sheets (NAME.yaml each).")
@click.option(
    "--name", "name_column", help="The column that names each deal sheet (default: the first)."
)
@bank_option
def pack(
    base: Path, rows: Path, outdir: Path, name_column: str | None, bank_dir: Path | None
) -> None:
    """Write a deal sheet for every row of ROWS (a CSV) over the BASE deal sheet.

    Each column names a value of BASE by its dotted path, a list item by its id
    (parties.gp_fed.name); each cell replaces it for its row, and an empty cell keeps BASE's
    value. Comments and layout are kept. Every deal sheet written is checked; exit code 1 if any
    does not validate.

    \b
    Example:
      assemble pack examples/ooh-transformation-mou.yaml practices.csv -o packs/mous
      assemble batch packs/mous -o out/mous
    """
    ws = api.Workspace.open(bank_dir)
    made = make_pack(
        base, rows, outdir, name_column=name_column, vocabulary=ws.bank.codes, forms=ws.forms
    )
    click.echo(f"wrote {len(made.written)} deal sheet(s) in {outdir}", err=True)
    others = sorted(set(outdir.glob("*.yaml")) - set(made.written))
    if others:  # `assemble batch DIR` would build these too
        names = ", ".join(p.name for p in others[:5]) + (" ..." if len(others) > 5 else "")
        click.echo(
            f"note: {outdir} also holds {len(others)} other deal sheet(s): {names}", err=True
        )
    report(made.problems)  # warnings at their CSV line too
    errors = [d for d in made.problems if d.severity == "error"]
    if errors:
        bad = len({d.file for d in errors})
        click.echo(f"{bad} deal sheet(s) do not validate: fix the rows (or the files)", err=True)
        sys.exit(EXIT_INPUT_ERROR)
