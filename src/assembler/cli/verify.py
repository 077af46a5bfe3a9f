"""``assemble verify``: which clause versions a document used, and which text was edited since."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from assembler.cli.options import bank_option
from assembler.cli.output import EXIT_INPUT_ERROR, emit_json
from assembler.package.provenance import verify as run_verify
from assembler.pipeline.workspace import open_bank


@click.command()
@click.argument("docx", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@bank_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify(docx: Path, bank_dir: Path | None, as_json: bool) -> None:
    """Check DOCX against the clause bank: which clause versions it used, which are now superseded
    or retired, and which clauses were edited after it was generated.

    Works on a document that was opened and saved in Word or LibreOffice. Exit code 1 if a clause
    was edited or a version it used is no longer in the bank as it was.
    """
    report = run_verify(docx, open_bank(bank_dir))
    if as_json:
        emit_json("verify", report.ok, [], **asdict(report))
    else:
        table = Table(
            "number",
            "clause",
            "version",
            "in the bank now",
            "text",
            title=f"{docx} (deal {report.deal})",
        )
        for c in report.clauses:
            table.add_row(
                c.number, c.clause, c.version, c.state, "EDITED" if c.edited else "as generated"
            )
        Console(width=140, markup=False).print(table)
    if not report.ok:
        sys.exit(EXIT_INPUT_ERROR)
