"""Options shared by several commands, each written once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from assembler.checks.rules import known_rule_ids
from assembler.core.schema import suggest

F = TypeVar("F", bound=Callable[..., Any])

BANK_HELP = (
    "The bank folder (default: $ASSEMBLER_BANK, else the nearest bank.yaml upward, else the "
    "house bank)."
)

pdf_option = click.option(
    "--pdf",
    is_flag=True,
    help="Also write a PDF beside each .docx (needs LibreOffice; fills the contents page's page "
    "numbers too). Without LibreOffice the .docx is written, the PDF is not, and the exit code is 3.",
)
toc_pages_option = click.option(
    "--toc-pages/--no-toc-pages",
    default=None,
    envvar="ASSEMBLER_TOC_PAGES",
    help="Page numbers on the contents page, from a LibreOffice layout pass (about 2 s a "
    "document). Default: on when LibreOffice is installed; $ASSEMBLER_TOC_PAGES=0/1 sets it.",
)
#: Worker processes for the commands that build many documents.
jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(1), help="Worker processes (default: CPUs)."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for tools.")
ignore_option = click.option(
    "--ignore", multiple=True, metavar="RULE", help="Leave out this rule's findings (repeatable)."
)
strict_option = click.option(
    "--warnings-as-errors", "strict", is_flag=True, help="Exit 1 on warnings too."
)
bank_option = click.option(
    "--bank", "bank_dir", type=click.Path(file_okay=False, path_type=Path), help=BANK_HELP
)
templates_option = click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    help="Outlines and house-style.docx from another folder (default: the bank's templates/).",
)


def outdir_option(help_text: str) -> Callable[[F], F]:
    """``-o/--outdir``, for the commands that write many files."""
    return click.option(
        "-o",
        "--outdir",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


def finding_options(command: F) -> F:
    """The options every check shares: --json, --ignore, --warnings-as-errors, --bank, --templates."""
    for option in reversed(
        (
            json_option,
            ignore_option,
            strict_option,
            bank_option,
            templates_option,
        )
    ):
        command = option(command)
    return command


def known_rules(ignore: tuple[str, ...]) -> None:
    """An --ignore of a rule id the engine does not have is a usage error (exit 2), not a silent
    no-op: a typo would otherwise switch nothing off and look as if it had."""
    if not ignore:
        return
    known = known_rule_ids()
    for rule in ignore:
        if rule not in known:
            close = suggest(rule, sorted(known))
            raise click.BadParameter(
                f"unknown rule id {rule!r}"
                + (f"; {close}" if close else "")
                + " (see `assemble rules`)",
                param_hint="--ignore",
            )
