"""The ``assemble`` command: the root group and its error handling. Each command lives in a
module of its own (build.py, check.py, vary.py, batch.py, bank.py, new.py, rules.py, verify.py),
imported only when it runs or shows its own help, so ``assemble --help`` and ``--version``
import none of the engine (tests/test_cli_layout.py holds that)."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Mapping
from typing import Any

import click

from assembler.core.errors import AssemblerError, Diagnostic

#: Each command: where it is defined, and its first sentence for the list in ``assemble --help``
#: (a test checks each against the command's own help, so the two cannot drift apart).
COMMANDS: dict[str, tuple[str, str]] = {
    "bank": (
        "assembler.cli.bank:bank",
        "Keep the clause bank: list, show, diff, new, bump, approve, retire, check.",
    ),
    "batch": (
        "assembler.cli.batch:batch",
        "Build every deal sheet in DEALS (a folder or a glob such as 'packs/*.yaml') on a "
        "process pool.",
    ),
    "build": ("assembler.cli.build:build", "Build a Word document from DEAL, a YAML deal sheet."),
    "check": (
        "assembler.cli.check:check_deal",
        "Check DEAL as a final build (or --draft) would, writing nothing, and print its criteria "
        "coverage: each criterion, the clause of this document that meets it, or MISSING.",
    ),
    "fragment": (
        "assembler.cli.new:fragment",
        "Turn a plain-text clause DRAFT into a Word fragment in the house styles, or a .docx "
        "fragment back into draft text (to revise a clause as text).",
    ),
    "init": (
        "assembler.cli.new:init",
        "Start a bank of your own in FOLDER, from the house bank: clauses, outlines, house "
        "style, legal forms, an example per document type, a README, a CI workflow and a "
        ".gitignore.",
    ),
    "lint": (
        "assembler.cli.check:lint_command",
        "Plain-language lint of SOURCE: a deal sheet (built as a draft first) or a .docx, for "
        "example one a lawyer has edited.",
    ),
    "new": (
        "assembler.cli.new:new",
        "Write a commented starter deal sheet for DOCUMENT_TYPE: every option it offers, the "
        "allowed values, and the criteria each serves.",
    ),
    "pack": (
        "assembler.cli.batch:pack",
        "Write a deal sheet for every row of ROWS (a CSV) over the BASE deal sheet.",
    ),
    "rules": (
        "assembler.cli.rules:rules_command",
        "List every rule: its id, severity, kind, the document types it applies to, and its "
        "source.",
    ),
    "schema": (
        "assembler.cli.new:schema",
        "Print DOCUMENT_TYPE's deal-sheet schema as one self-contained JSON Schema (2020-12), for "
        "an editor or any JSON Schema validator: `assemble schema alliance_agreement > "
        "deal.schema.json`.",
    ),
    "vary": (
        "assembler.cli.vary:vary",
        "Write the deed of variation that turns ORIGINAL (the agreement as signed: its lock file "
        "or its .docx) into the agreement DEAL now describes, with a conformed copy in tracked "
        "changes.",
    ),
    "verify": (
        "assembler.cli.verify:verify",
        "Check DOCX against the clause bank: which clause versions it used, which are now "
        "superseded or retired, and which clauses were edited after it was generated.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when one is run (or asked for its help); the list of
    commands in its help comes from their summaries, importing none."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy:
            return super().get_command(ctx, cmd_name)
        module, _, name = self.lazy[cmd_name][0].partition(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command), self.lazy[cmd_name][0]
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, _short_help(self.lazy[name][1], limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _short_help(text: str, limit: int) -> str:
    """The command list's one-line help; click's own helper for this became private in click 8.5."""
    return textwrap.shorten(text, width=limit, placeholder="...")


class _Group(LazyGroup):
    """Turns the engine's input errors into located messages and exit code 1, without a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        # the printing modules (rich) are imported on the way out only: --help needs none of them
        try:
            return super().invoke(ctx)
        except AssemblerError as exc:
            if ctx.params.get("debug"):
                raise
            from assembler.cli.output import refused

            refused(exc.diagnostics)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # usage errors, --help and --version: click reports them itself
        except KeyboardInterrupt:
            click.echo("interrupted; nothing was written.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:  # a bug, not bad input: say so, without a traceback
            if ctx.params.get("debug"):
                raise
            from assembler.cli.output import BUG_HINT, EXIT_INTERNAL_ERROR, report

            report([Diagnostic("E-internal-01", f"{type(exc).__name__}: {exc}", hint=BUG_HINT)])
            sys.exit(EXIT_INTERNAL_ERROR)


#: 128 + SIGINT, as shells expect (here too: an interrupt may come before output.py is imported).
EXIT_INTERRUPTED = 130


@click.group(cls=_Group, lazy=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.version_option(package_name="assembler")
def main(debug: bool) -> None:
    """Assemble contracting documents for integrated health and social care in England.

    A YAML deal sheet chooses and fills clauses from a versioned Word clause bank; the result is a
    numbered, cross-referenced Word document a lawyer can edit and sign.

    Exit codes: 0 success, 1 a problem in your input (every error is listed with file:line:col and a
    rule id), 2 a usage error, 3 the documents were written but a PDF asked for was not (no
    LibreOffice), 70 a fault in the engine, 130 interrupted.
    """
