"""The ``assemble`` command: a thin layer over :mod:`assembler.api`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import AssemblerError, Diagnostic

EXIT_INPUT_ERROR = 1
WARNINGS_SHOWN = 15


def _console():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _report(diagnostics: list[Diagnostic]) -> None:
    console = _console()
    for d in diagnostics:
        colour = "red" if d.severity == "error" else "yellow"
        where = f"{d.location}: " if d.location else ""
        console.print(
            f"{where}[{colour}]{d.severity} {d.rule}[/{colour}]: {d.message}", markup=True
        )
        if d.hint:
            console.print(f"    hint: {d.hint}", markup=False)


class _Group(click.Group):
    """Turns the engine's input errors into located messages and exit code 1, without a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except AssemblerError as exc:
            if ctx.params.get("debug"):
                raise
            _report(exc.diagnostics)
            count = sum(1 for d in exc.diagnostics if d.severity == "error")
            _console().print(f"[red]{count} error(s); nothing was written.[/red]")
            sys.exit(EXIT_INPUT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.version_option(package_name="assembler")
def main(debug: bool) -> None:
    """Assemble contracting documents for integrated health and social care in England.

    A YAML deal sheet chooses and fills clauses from a versioned Word clause bank; the result is a
    numbered, cross-referenced Word document a lawyer can edit and sign.

    Exit codes: 0 success, 1 a problem in your input (every error is listed with file:line:col and a
    rule id), 2 a usage error.
    """


@main.command()
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
@click.option(
    "--bank",
    type=click.Path(file_okay=False, path_type=Path),
    help="Clause bank folder (default: ./clausebank, or $ASSEMBLER_BANK).",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    help="Templates folder with outlines and house-style.docx (default: ./templates).",
)
@click.option("--pdf", is_flag=True, help="Also write a PDF beside the .docx (needs LibreOffice).")
@click.option("-v", "--verbose", is_flag=True, help="List every warning.")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["md", "html"]),
    help="Also write Markdown or HTML beside the .docx for review diffs (pandoc).",
)
def build(
    deal: Path | None,
    output: Path,
    draft: bool,
    locked: Path | None,
    bank: Path | None,
    templates: Path | None,
    pdf: bool,
    verbose: bool,
    formats: tuple[str, ...],
) -> None:
    """Build a Word document from DEAL, a YAML deal sheet.

    \b
    Example:
      assemble build examples/over-65s-alliance.yaml -o out/over-65s-alliance.docx
    """
    from . import api, export

    result = api.build(deal, output, draft=draft, locked=locked, bank=bank, templates=templates)
    shown = result.warnings if verbose else result.warnings[:WARNINGS_SHOWN]
    _report(shown)
    if len(result.warnings) > len(shown):
        _console().print(
            f"... and {len(result.warnings) - len(shown)} more warning(s): use -v to list them all.",
            markup=False,
        )
    exports = [export.to_pdf(result.output)] if pdf else []
    exports += [export.to_text_format(result.output, fmt) for fmt in formats]
    plan = result.plan
    console = _console()
    console.print(
        f"wrote {result.output} ({len(plan.clauses)} clauses, {len(plan.schedules)} schedules"
        f"{', draft' if plan.draft else ''}); lock {result.lock}",
        markup=False,
    )
    for path in exports:
        console.print(f"wrote {path}", markup=False)
    if result.placeholders:
        console.print(
            f"{result.placeholders} [bracketed] placeholder(s) are highlighted for the drafter to fill.",
            markup=False,
        )
    if result.missing:
        console.print(
            f"{len(result.missing)} missing value(s) are marked [MISSING: ...].", markup=False
        )


@main.command()
@click.argument("draft", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The fragment to write (default: DRAFT with .docx).",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    help="Templates folder holding house-style.docx (default: ./templates).",
)
def fragment(draft: Path, output: Path | None, templates: Path | None) -> None:
    """Turn a plain-text clause DRAFT into a Word fragment in the house styles.

    One paragraph per line; "1.1 ", "(a) ", "(i) ", "> ", "* ", "# " and "## " at the start of a line
    pick the style. See docs/authoring.md.
    """
    from .api import default_dir
    from .authoring import fragment_from_draft
    from .package import write_atomic

    house = default_dir("templates", templates) / "house-style.docx"
    target = output or draft.with_suffix(".docx")
    write_atomic(target, fragment_from_draft(draft.read_text(encoding="utf-8"), house))
    _console().print(f"wrote {target}", markup=False)
