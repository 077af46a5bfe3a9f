"""``assemble vary``: the deed of variation, its deal sheet and the agreement as varied."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from assembler import api
from assembler.cli.build import finish_documents
from assembler.cli.options import bank_option, pdf_option, templates_option, toc_pages_option
from assembler.cli.output import emit_json, json_errors, report, say
from assembler.variation.vary import redline_pdf


@click.command()
@click.argument("original", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("deal", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--draft", is_flag=True, help="Draft builds: missing values are marked.")
@bank_option
@templates_option
@pdf_option
@toc_pages_option
@click.option(
    "--redline",
    is_flag=True,
    help="Also write OUTPUT-redline.pdf: the conformed copy with its changes marked (LibreOffice).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def vary(
    original: Path,
    deal: Path,
    output: Path,
    draft: bool,
    bank_dir: Path | None,
    templates: Path | None,
    pdf: bool,
    toc_pages: bool | None,
    redline: bool,
    as_json: bool,
) -> None:
    """Write the deed of variation that turns ORIGINAL (the agreement as signed: its lock file or
    its .docx) into the agreement DEAL now describes, with a conformed copy in tracked changes.

    \b
    Example:
      assemble vary out/over-65s-alliance.lock.yaml examples/over-65s-alliance-year2.yaml \\
        -o out/variation-1.docx
    """
    try:
        workspace = api.Workspace.open(bank_dir, templates)
        result = api.vary(original, deal, output, workspace=workspace, draft=draft)
    except api.AssemblerError as exc:
        if not as_json:
            raise
        json_errors("vary", exc)
    redlined = redline_pdf(result.conformed) if redline else None
    code = finish_documents([result.deed.output, result.conformed], pdf, toc_pages)
    if as_json:
        emit_json(
            "vary",
            True,
            result.deed.warnings,
            output=str(result.deed.output),
            lock=str(result.deed.lock),
            deed_deal=str(result.deed_deal),
            conformed=str(result.conformed),
            conformed_lock=str(result.conformed_lock),
            amendments=len(result.amendments),
            redline=str(redlined) if redlined else None,
        )
        sys.exit(code)
    _print_varied(result, redlined)
    if code:
        sys.exit(code)


def _print_varied(result: api.VaryResult, redlined: Path | None) -> None:
    """The deed's warnings, then each file written and what it is."""
    if result.deed.warnings:
        report(result.deed.warnings)
    say(
        f"wrote {result.deed.output} ({len(result.amendments)} amendment(s)); lock {result.deed.lock}"
    )
    say(f"wrote {result.deed_deal} (the deed's deal sheet: edit and rebuild it if you wish)")
    say(
        f"wrote {result.conformed} (the agreement as varied, in tracked changes); lock {result.conformed_lock}"
    )
    if redlined:
        say(f"wrote {redlined} (the redline: changes marked)")
