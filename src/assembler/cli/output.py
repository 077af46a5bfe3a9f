"""What the command line prints: located diagnostics and status lines on stderr, reports (tables,
JSON) on stdout, and the exit codes."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from assembler.core.errors import AssemblerError, Diagnostic

EXIT_INPUT_ERROR = 1
#: The .docx (and lock) were written, but a PDF asked for was not: LibreOffice is missing.
EXIT_EXPORT_MISSING = 3
#: A fault in the engine itself (EX_SOFTWARE), as shells expect.
EXIT_INTERNAL_ERROR = 70
BUG_HINT = "this is a fault in the engine, not in your input: run with --debug and report it"
#: The version of the JSON every ``--json`` prints: bumped when a key changes meaning.
JSON_SCHEMA_VERSION = 1


def say(text: str) -> None:
    """A plain status line on stderr."""
    click.echo(text, err=True)


def console() -> Console:
    """Diagnostics and progress, on stderr. Markup off by default: messages and table cells hold
    the user's text, "[CCG]" included."""
    return Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def stdout() -> Console:
    """Reports (tables a user may redirect to a file) go to stdout; diagnostics to stderr."""
    return Console(highlight=False, soft_wrap=True, markup=False)


def report(diagnostics: list[Diagnostic]) -> None:
    """Each diagnostic as ``file:line:col: error RULE: message``, with its hint below."""
    out = console()
    for d in diagnostics:
        colour = "red" if d.severity == "error" else "yellow"
        where = f"{d.location}: " if d.location else ""
        # the location and message are the user's text ("[CCG]"): escape them, or rich eats them
        out.print(
            f"{escape(where)}[{colour}]{d.severity} {d.rule}[/{colour}]: {escape(d.message)}",
            markup=True,
        )
        if d.hint:
            out.print(f"    hint: {d.hint}")


def refused(diagnostics: list[Diagnostic]) -> NoReturn:
    """Bad input: every error located, that nothing was written, and exit code 1."""
    report(diagnostics)
    count = sum(1 for d in diagnostics if d.severity == "error")
    console().print(f"[red]{count} error(s); nothing was written.[/red]", markup=True)
    sys.exit(EXIT_INPUT_ERROR)


def report_finished(written: list[Path], not_made: list[Diagnostic], pdf: bool) -> int:
    """Say what was written and what was not; the exit code: 3 if a PDF asked for is missing."""
    for path in written:
        say(f"wrote {path}")
    report(not_made)
    return EXIT_EXPORT_MISSING if pdf and not written else 0


def emit_json(command: str, ok: bool, findings: list[Diagnostic], **result: Any) -> None:
    """The one JSON shape of every ``--json``, on stdout: ``schema_version``, ``command``,
    ``ok``, ``findings`` (diagnostics) and the command's own keys."""
    body = {
        "schema_version": JSON_SCHEMA_VERSION,
        "command": command,
        "ok": ok,
        "findings": [f.to_dict() for f in findings],
        **result,
    }
    click.echo(json.dumps(body, indent=2, default=str))


def json_errors(command: str, exc: AssemblerError) -> NoReturn:
    """``--json`` of a command that failed on its input: its findings, and exit code 1."""
    emit_json(command, False, exc.diagnostics)
    sys.exit(EXIT_INPUT_ERROR)


def fails(diagnostics: list[Diagnostic], strict: bool) -> bool:
    """An error, or under --warnings-as-errors any finding."""
    return any(d.severity == "error" for d in diagnostics) or (strict and bool(diagnostics))


def finish(diagnostics: list[Diagnostic], strict: bool) -> None:
    """Exit 1 when an error, or under --warnings-as-errors any finding, remains."""
    if fails(diagnostics, strict):
        sys.exit(EXIT_INPUT_ERROR)


def findings_table(findings: list[Diagnostic]) -> None:
    if not findings:
        return
    table = Table("rule", "severity", "where", "finding")
    for f in findings:
        table.add_row(f.rule, f.severity, f.location, f.message + (f"\n{f.hint}" if f.hint else ""))
    Console(width=200, markup=False).print(table)


Tick = Callable[[int], Callable[[], None] | None]


@contextlib.contextmanager
def progress(what: str, *, transient: bool = True) -> Iterator[Tick]:
    """A progress bar on stderr when it is a terminal: ``tick(total)`` starts a stage and gives
    the callback to call as each item finishes (None when there is no terminal). No refresh
    thread (auto_refresh=False), so forking workers under it is safe."""
    out = console()
    if not out.is_terminal:
        yield lambda total: None
        return
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=out, auto_refresh=False, transient=transient) as bar:

        def tick(total: int) -> Callable[[], None]:
            task = bar.add_task(what, total=total)

            def advance() -> None:
                bar.advance(task)
                bar.refresh()

            return advance

        yield tick
