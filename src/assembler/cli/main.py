"""The ``assemble`` command: a thin layer over :mod:`assembler.api`."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from assembler.core.errors import AssemblerError, Diagnostic

if TYPE_CHECKING:
    from assembler.batch.run import Outcome

EXIT_INPUT_ERROR = 1
#: The .docx (and lock) were written, but a PDF asked for was not: LibreOffice is missing.
EXIT_EXPORT_MISSING = 3
#: A fault in the engine itself (EX_SOFTWARE), and Ctrl-C (128 + SIGINT), as shells expect.
EXIT_INTERNAL_ERROR = 70
EXIT_INTERRUPTED = 130
BUG_HINT = "this is a fault in the engine, not in your input: run with --debug and report it"
WARNINGS_SHOWN = 15


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


def _pages(toc_pages: bool | None) -> bool:
    """``--toc-pages``, ``--no-toc-pages``, or by default: whether LibreOffice is installed."""
    from assembler.package.export import layout_available

    return toc_pages if toc_pages is not None else layout_available()


def _finish_documents(
    outputs: list[Path], pdf: bool, toc_pages: bool | None, jobs: int | None = None
) -> int:
    """The shared last step of vary and batch, as :func:`assembler.api.build` does it for build:
    contents page numbers and PDFs (:func:`assembler.package.export.finish`)."""
    from assembler.package import export

    finished = export.finish_all(outputs, pages=_pages(toc_pages), pdf=pdf, jobs=jobs)
    return max((_report_finished(done.written, done.not_made, pdf) for done in finished), default=0)


def _report_finished(written: list[Path], not_made: list[Diagnostic], pdf: bool) -> int:
    """Say what was written and what was not; the exit code: 3 if a PDF asked for is missing."""
    for path in written:
        _say(f"wrote {path}")
    _report(not_made)
    return EXIT_EXPORT_MISSING if pdf and not written else 0


def _say(text: str) -> None:
    """A plain status line on stderr (rich costs 20 ms to import: only diagnostics need it)."""
    click.echo(text, err=True)


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _console():
    from rich.console import Console

    # markup off by default: messages and table cells hold the user's text, "[CCG]" included
    return Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def _stdout():
    """Reports (tables a user may redirect to a file) go to stdout; diagnostics to stderr."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, markup=False)


def _report(diagnostics: list[Diagnostic]) -> None:
    console = _console()
    for d in diagnostics:
        colour = "red" if d.severity == "error" else "yellow"
        where = f"{d.location}: " if d.location else ""
        # the location and message are the user's text ("[CCG]"): escape them, or rich eats them
        console.print(
            f"{escape(where)}[{colour}]{d.severity} {d.rule}[/{colour}]: {escape(d.message)}",
            markup=True,
        )
        if d.hint:
            console.print(f"    hint: {d.hint}")


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
            _console().print(f"[red]{count} error(s); nothing was written.[/red]", markup=True)
            sys.exit(EXIT_INPUT_ERROR)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # usage errors, --help and --version: click reports them itself
        except KeyboardInterrupt:
            _say("interrupted; nothing was written.")
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:  # a bug, not bad input: say so, without a traceback
            if ctx.params.get("debug"):
                raise
            _report([Diagnostic("E-internal-01", f"{type(exc).__name__}: {exc}", hint=BUG_HINT)])
            sys.exit(EXIT_INTERNAL_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
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
    help="The bank folder (default: $ASSEMBLER_BANK, else the nearest bank.yaml upward, else the house bank).",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    help="Outlines and house-style.docx from another folder (default: the bank's templates/).",
)
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
    bank: Path | None,
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
    from assembler import api
    from assembler.core.files import check_outputs
    from assembler.package import export
    from assembler.package.lockfile import lock_path_for
    from assembler.package.writer import all_or_nothing

    if deal is None and locked is None:
        raise click.UsageError("give a deal sheet, or --locked LOCK")
    # every output, exports included, checked before work and kept or rolled back together
    extras = [output.with_suffix(".pdf")] if pdf else []
    extras += [output.with_suffix(export.FORMATS[fmt]) for fmt in formats]
    outputs = [output, lock_path_for(output), *extras]
    check_outputs(outputs, [p for p in (deal, locked) if p is not None])
    workspace = api.Workspace.open(bank, templates)
    if verbose:
        _say(f"bank: {workspace.bank.root} ({workspace.found_by})")
    try:
        with all_or_nothing(outputs):
            result = api.build(
                deal,
                output,
                draft=draft,
                locked=locked,
                workspace=workspace,
                toc_pages=_pages(toc_pages),
                pdf=pdf,
            )
            assert result.rendered is not None  # api.build always gives it
            reviews = [
                export.write_review(result.rendered, result.plan.title, result.output, fmt)
                for fmt in formats
            ]
    except AssemblerError as exc:
        if not as_json:
            raise
        _json_errors("build", exc)
    shown = result.warnings if verbose else result.warnings[:WARNINGS_SHOWN]
    if shown:
        _report(shown)
    if len(result.warnings) > len(shown):
        _say(
            f"... and {len(result.warnings) - len(shown)} more warning(s): use -v to list them all."
        )
    plan = result.plan
    if as_json:
        missing = [{"key": k, "clauses": c} for k, c in _missing_by_key(result.missing).items()]
        _emit_json(
            "build",
            True,
            result.warnings,
            output=str(result.output),
            lock=str(result.lock),
            exports=[str(p) for p in [*result.exports, *reviews]],
            bank=str(workspace.bank.root),
            draft=plan.draft,
            clauses=len(plan.clauses),
            schedules=len(plan.schedules),
            placeholders=result.placeholders,
            missing=missing,
        )
        return
    _say(
        f"wrote {result.output} ({len(plan.clauses)} clauses, {len(plan.schedules)} schedules"
        f"{', draft' if plan.draft else ''}); lock {result.lock}"
    )
    code = _report_finished(result.exports, result.not_made, pdf)
    for path in reviews:
        _say(f"wrote {path}")
    if result.placeholders:
        _say(
            f"{result.placeholders} [bracketed] placeholder(s) are highlighted for the drafter to fill."
        )
    if result.missing:
        _say(f"{len(result.missing)} missing value(s) are marked [MISSING: ...]; add them by key:")
        for key, clauses in _missing_by_key(result.missing).items():
            _say(f"  {key.removeprefix('deal.')} (clause {', '.join(clauses)})")
    drafts = [f"{c.clause_id}@{c.version}" for c in plan.all_clauses() if c.status == "draft"]
    if drafts:
        _say("draft (unapproved) wording used: " + ", ".join(drafts))
    if code:
        sys.exit(code)


def _missing_by_key(missing: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Deal key -> the clauses that need it, in the order the document asks for them."""
    keys: dict[str, list[str]] = {}
    for clause, path in missing:
        keys.setdefault(path, [])
        if clause not in keys[path]:
            keys[path].append(clause)
    return keys


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
    help="A folder holding house-style.docx (default: the bank's templates/).",
)
def fragment(draft: Path, output: Path | None, templates: Path | None) -> None:
    """Turn a plain-text clause DRAFT into a Word fragment in the house styles, or a .docx
    fragment back into draft text (to revise a clause as text).

    One paragraph per line; "1.1 ", "(a) ", "(i) ", "> ", "* ", "# " and "## " at the start of a line
    pick the style. See docs/authoring.md.
    """
    from assembler.api import default_dir
    from assembler.bank.authoring import draft_from_fragment, fragment_from_draft
    from assembler.bank.fragment import MAX_FRAGMENT_BYTES
    from assembler.core.files import check_outputs, read_bounded, read_text
    from assembler.oxml.reader import WordPackage
    from assembler.package.writer import write_atomic

    to_text = draft.suffix.lower() == ".docx"
    target = output or draft.with_suffix(".txt" if to_text else ".docx")
    house = default_dir("templates", templates) / "house-style.docx"
    check_outputs([target], [draft, house])
    if to_text:
        package = WordPackage.open(draft, "frag", MAX_FRAGMENT_BYTES)
        for part in ("[Content_Types].xml", "_rels/.rels", "word/document.xml"):
            package.xml(part)  # checked before python-docx reads them
        for part in package.names:
            if part.endswith((".xml", ".rels")):
                package.xml(part)
        try:
            text = draft_from_fragment(read_bounded(draft, MAX_FRAGMENT_BYTES, "Word file"))
        except AssemblerError:
            raise
        except Exception as exc:  # python-docx's own view of a package our reader accepted
            raise AssemblerError(
                Diagnostic("E-frag-04", f"not a readable .docx: {exc}", str(draft))
            ) from None
        write_atomic(target, text.encode("utf-8"))
    else:
        source = read_text(draft, MAX_FRAGMENT_BYTES, "draft")
        write_atomic(target, fragment_from_draft(source, house))
    _console().print(f"wrote {target}")


#: Worker processes for the commands that build many documents.
jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(1), help="Worker processes (default: CPUs)."
)


def outdir_option(help_text: str) -> Any:
    """``-o/--outdir``, for the commands that write many files."""
    return click.option(
        "-o",
        "--outdir",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help_text,
    )


@main.command()
@click.argument("deals")
@outdir_option("Folder for the documents (one DEAL-NAME.docx and lock each).")
@jobs_option
@click.option("--draft", is_flag=True, help="Draft builds: missing values are marked, not errors.")
@click.option("--bank", type=click.Path(file_okay=False, path_type=Path))
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path))
@pdf_option
@toc_pages_option
@click.option("--json", "as_json", is_flag=True, help="Print each document's outcome as JSON.")
def batch(
    deals: str,
    outdir: Path,
    jobs: int | None,
    draft: bool,
    bank: Path | None,
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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from assembler.api import Workspace
    from assembler.batch.run import build_many, find_deals

    found = find_deals(deals)
    console = _console()
    outcomes = []
    start = time.perf_counter()
    workspace = Workspace.open(bank, templates)
    run = build_many(found, outdir, jobs=jobs, draft=draft, workspace=workspace)
    if console.is_terminal:
        # auto_refresh=False: no refresh thread, so forking the workers is safe
        columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, auto_refresh=False) as progress:
            task = progress.add_task("building", total=len(found))
            for outcome in run:
                outcomes.append(outcome)
                progress.update(task, advance=1)
                progress.refresh()
    else:
        for outcome in run:
            outcomes.append(outcome)
            state = "ok" if outcome.ok else "FAILED"
            click.echo(f"{state} {outcome.deal} ({outcome.seconds:.2f} s)", err=True)
            for error in outcome.errors:  # whole, located lines that CI logs can be searched for
                click.echo(f"    {error}", err=True)
    elapsed = time.perf_counter() - start
    _batch_summary(outcomes, elapsed)
    built = sorted(o.output for o in outcomes if o.output is not None)
    code = _finish_documents(built, pdf, toc_pages, jobs)
    if as_json:
        documents = [
            {
                "deal": str(o.deal),
                "ok": o.ok,
                "output": str(o.output) if o.output else None,
                "seconds": round(o.seconds, 3),
                "warnings": o.warnings,
                "errors": o.errors,
            }
            for o in outcomes
        ]
        _emit_json("batch", all(o.ok for o in outcomes), [], documents=documents)
    else:
        _batch_summary(outcomes, elapsed)
    if any(not o.ok for o in outcomes):
        sys.exit(EXIT_INPUT_ERROR)
    if code:
        sys.exit(code)


@main.command()
@click.argument("base", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("rows", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@outdir_option("Folder for the deal sheets (NAME.yaml each).")
@click.option(
    "--name", "name_column", help="The column that names each deal sheet (default: the first)."
)
@click.option("--bank", type=click.Path(file_okay=False, path_type=Path))
def pack(base: Path, rows: Path, outdir: Path, name_column: str | None, bank: Path | None) -> None:
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
    from assembler.api import Workspace
    from assembler.deal.pack import make_pack

    ws = Workspace.open(bank)
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
    _report(made.problems)  # warnings at their CSV line too
    errors = [d for d in made.problems if d.severity == "error"]
    if errors:
        bad = len({d.file for d in errors})
        click.echo(f"{bad} deal sheet(s) do not validate: fix the rows (or the files)", err=True)
        sys.exit(EXIT_INPUT_ERROR)


def _batch_summary(outcomes: list[Outcome], elapsed: float) -> None:
    """Failures first, then documents with warnings, each line located; the clean ones only
    counted, so two hundred documents do not scroll the problems away."""
    from rich.table import Table

    failed = [o for o in outcomes if not o.ok]
    warned = [o for o in outcomes if o.ok and o.warnings]
    console = _console()
    if failed or warned:
        table = Table(title="Batch build: what needs attention", show_lines=True)
        for column in ("deal sheet", "result", "errors / warnings"):
            table.add_column(column)
        for o in sorted(failed, key=lambda o: str(o.deal)) + sorted(
            warned, key=lambda o: str(o.deal)
        ):
            state = "FAILED" if o.errors else f"{len(o.warnings)} warning(s)"
            table.add_row(str(o.deal), state, "\n".join(o.errors or o.warnings))
        console.print(table)
    rate = len(outcomes) / elapsed if elapsed else 0.0
    clean = len(outcomes) - len(failed) - len(warned)
    console.print(
        f"{len(outcomes) - len(failed)} built, {len(failed)} failed in {elapsed:.1f} s "
        f"({rate:.1f} documents a second); {clean} without warnings, {len(warned)} with",
        markup=False,
    )


# -- checks for people and for CI ----------------------------------------------------------------

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for tools.")
ignore_option = click.option(
    "--ignore", multiple=True, metavar="RULE", help="Leave out this rule's findings (repeatable)."
)
strict_option = click.option(
    "--warnings-as-errors", "strict", is_flag=True, help="Exit 1 on warnings too."
)


def finding_options(command: Any) -> Any:
    """The options every check shares: --json, --ignore, --warnings-as-errors, --bank, --templates."""
    for option in reversed(
        (
            json_option,
            ignore_option,
            strict_option,
            click.option("--bank", "bank_dir", type=click.Path(file_okay=False, path_type=Path)),
            click.option("--templates", type=click.Path(file_okay=False, path_type=Path)),
        )
    ):
        command = option(command)
    return command


def _fails(diagnostics: list[Diagnostic], strict: bool) -> bool:
    """An error, or under --warnings-as-errors any finding."""
    return any(d.severity == "error" for d in diagnostics) or (strict and bool(diagnostics))


def _finish(diagnostics: list[Diagnostic], strict: bool) -> None:
    """Exit 1 when an error, or under --warnings-as-errors any finding, remains."""
    if _fails(diagnostics, strict):
        sys.exit(EXIT_INPUT_ERROR)


def _json_errors(command: str, exc: AssemblerError) -> NoReturn:
    _emit_json(command, False, exc.diagnostics)
    sys.exit(EXIT_INPUT_ERROR)


@main.command("check")
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
    from assembler import api

    _known_rules(ignore)
    try:
        workspace = api.Workspace.open(bank_dir, templates)
        result = api.check(deal, workspace, frozenset(ignore), draft=draft)
    except AssemblerError as exc:
        if not as_json:
            raise
        _json_errors("check", exc)
    if as_json:
        rows = [
            {
                "criterion": r.criterion,
                "name": r.name,
                "required": r.required,
                "clauses": [{"number": n, "title": t, "clause": c} for n, t, c in r.clauses],
            }
            for r in result.rows
        ]
        failed = _fails(result.diagnostics, strict)
        _emit_json("check", not failed, result.diagnostics, deal=str(deal), coverage=rows)
    else:
        _coverage_table(result.rows)
        _report(result.diagnostics)
    _finish(result.diagnostics, strict)


def _coverage_table(rows: list[Any]) -> None:
    from rich.table import Table
    from rich.text import Text

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
    _stdout().print(table)


@main.command("lint")
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
    import tempfile

    from assembler import api
    from assembler.checks.lint import lint
    from assembler.core.files import read_bounded
    from assembler.oxml.reader import MAX_PACKAGE_BYTES

    _known_rules(ignore)
    workspace = api.Workspace.open(bank_dir, templates)
    if source.suffix.lower() == ".docx":
        data = read_bounded(source, MAX_PACKAGE_BYTES, "Word file")
    else:
        with tempfile.TemporaryDirectory() as folder:
            built = api.build(source, Path(folder) / "lint.docx", draft=True, workspace=workspace)
            data = built.output.read_bytes()
    report = lint(data, workspace.bank.lint, str(source))
    report.findings = [f for f in report.findings if f.rule not in ignore]
    report.gate = [f for f in report.gate if f.rule not in ignore]
    diagnostics = [
        Diagnostic(
            f.rule,
            f"{f.clause}: {f.suggestion}",
            str(source),
            severity="error" if f.severity == "error" else "warning",
        )
        for f in report.gate + report.findings
    ]
    if as_json:
        failed = _fails(diagnostics, strict)
        _emit_json("lint", not failed, diagnostics, source=str(source), lint=report.as_json())
    else:
        _lint_summary(report)
    _finish(diagnostics, strict)


def _lint_summary(report: Any) -> None:
    from collections import Counter

    from rich.table import Table

    console = _stdout()
    table = Table(title="Plain-language measures")
    for column in ("", "sentences", "median words", "passive", "reading ease"):
        table.add_column(column)
    worst = sorted(report.clauses.items(), key=lambda kv: kv[1].reading_ease)[:5]
    for label, m in [("whole document", report.document), *worst]:
        table.add_row(
            label,
            str(m.sentences),
            f"{m.median_sentence_words:g}",
            f"{m.passive_share:.0%}",
            f"{m.reading_ease:g}",
        )
    console.print(table)
    limits = report.thresholds
    console.print(
        f"thresholds: median sentence <= {limits['max_median_sentence_words']:g} words, passive "
        f"<= {limits['max_passive_share']:.0%}, reading ease >= {limits['min_reading_ease']:g}",
        markup=False,
    )
    counts = Counter(f.rule for f in report.findings)
    console.print(
        "findings: " + (", ".join(f"{r} x{n}" for r, n in sorted(counts.items())) or "none"),
        markup=False,
    )
    for finding in report.gate:
        console.print(
            f"[red]error {finding.rule}[/red]: {escape(finding.clause)}: {escape(finding.suggestion)}",
            markup=True,
        )
        if finding.sentence:
            console.print(f"    {finding.sentence}", markup=False)


@main.command("rules")
@json_option
def rules_command(as_json: bool) -> None:
    """List every rule: its id, severity, kind, the document types it applies to, and its source."""
    from assembler.checks.rules import catalogue, document_types_of

    entries = [
        {
            "id": r.id,
            "severity": r.severity,
            "kind": r.kind,
            "document_types": document_types_of(r.id) if r.kind == "deal sheet" else [],
            "source": r.source,
            "summary": r.summary,
        }
        for r in catalogue()
    ]
    if as_json:
        _emit_json("rules", True, [], rules=entries)
        return
    from rich.table import Table

    table = Table(title="Rules")
    for column in ("id", "severity", "applies to", "source", "what it checks"):
        table.add_column(column, overflow="fold")
    for r in catalogue():
        applies = ", ".join(document_types_of(r.id)) if r.kind == "deal sheet" else r.kind
        table.add_row(r.id, r.severity, applies, r.source, r.summary)
    _stdout().print(table)


@main.command()
@click.argument("original", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("deal", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--draft", is_flag=True, help="Draft builds: missing values are marked.")
@click.option("--bank", type=click.Path(file_okay=False, path_type=Path))
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path))
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
    bank: Path | None,
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
    from assembler.api import Workspace
    from assembler.variation.vary import redline_pdf
    from assembler.variation.vary import vary as make_variation

    try:
        result = make_variation(
            original, deal, output, workspace=Workspace.open(bank, templates), draft=draft
        )
    except AssemblerError as exc:
        if not as_json:
            raise
        _json_errors("vary", exc)
    redlined = redline_pdf(result.conformed) if redline else None
    code = _finish_documents([result.deed.output, result.conformed], pdf, toc_pages)
    if as_json:
        _emit_json(
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
    if result.deed.warnings:
        _report(result.deed.warnings)
    _say(
        f"wrote {result.deed.output} ({len(result.amendments)} amendment(s)); lock {result.deed.lock}"
    )
    _say(f"wrote {result.deed_deal} (the deed's deal sheet: edit and rebuild it if you wish)")
    _say(
        f"wrote {result.conformed} (the agreement as varied, in tracked changes); lock {result.conformed_lock}"
    )
    if redlined:
        _say(f"wrote {redlined} (the redline: changes marked)")
    if code:
        sys.exit(code)


@main.command("new")
@click.argument("document_type")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it (default: DOCUMENT_TYPE.yaml; an existing file is never overwritten).",
)
@click.option("--bank", "bank_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path))
def new(
    document_type: str, output: Path | None, bank_dir: Path | None, templates: Path | None
) -> None:
    """Write a commented starter deal sheet for DOCUMENT_TYPE: every option it offers, the allowed
    values, and the criteria each serves."""
    from assembler.api import default_dir
    from assembler.bank.outline import load_outline
    from assembler.core.errors import AssemblerError, Diagnostic
    from assembler.core.files import check_outputs
    from assembler.core.schema import suggest
    from assembler.deal.starter import starter
    from assembler.doctypes import SCHEMAS
    from assembler.package.writer import write_atomic

    if document_type not in SCHEMAS:
        hint = suggest(document_type, SCHEMAS) or "document types: " + ", ".join(SCHEMAS)
        raise AssemblerError(
            Diagnostic("E-doc-01", f"unknown document type {document_type!r}", hint=hint)
        )
    target = output or Path(f"{document_type}.yaml")
    check_outputs([target], [])
    if target.exists():
        raise AssemblerError(
            Diagnostic("E-out-05", "the file exists; choose another name", str(target))
        )
    outline = load_outline(default_dir("templates", templates), document_type)
    clause_bank = _open_bank(bank_dir)
    text = starter(document_type, outline, clause_bank, _an_original(clause_bank.root, target))
    write_atomic(target, text.encode("utf-8"))
    _say(f"wrote {target}: fill it in, then see what is missing with")
    _say(f"  assemble check {target} --draft")
    _say(f"  assemble build {target} --draft -o out/{target.stem}.docx")


@main.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Start a bank of your own in FOLDER, from the house bank: clauses, outlines, house style,
    legal forms, an example per document type, a README, a CI workflow and a .gitignore."""
    from assembler.bank.project import MANIFEST, init_bank

    init_bank(folder)
    _say(f"wrote a new bank in {folder} ({MANIFEST} marks it)")
    _say(f"next: cd {folder} && assemble bank check")


def _an_original(bank_root: Path, target: Path) -> str | None:
    """For a deed of variation's starter: the first example agreement of the bank (not a deed),
    as a path from the starter's folder, so the starter builds as written."""
    import os

    for example in sorted((bank_root / "examples").glob("*.yaml")):
        text = example.read_text(encoding="utf-8")
        if "\ndocument_type: alliance_agreement" in text and "\nvariation:" not in text:
            return Path(os.path.relpath(example, target.resolve().parent)).as_posix()
    return None


# -- the clause bank ---------------------------------------------------------------------------------

bank_option = click.option(
    "--bank",
    "bank_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The bank folder (default: $ASSEMBLER_BANK, else the nearest bank.yaml upward, else the house bank).",
)


def _open_bank(bank_dir: Path | None):
    from assembler.api import default_dir
    from assembler.bank.clausebank import ClauseBank

    return ClauseBank.load(default_dir("bank", bank_dir))


@main.group()
def bank() -> None:
    """Keep the clause bank: list, show, diff, new, bump, approve, retire, check."""


@bank.command("list")
@bank_option
@click.option(
    "--criterion", help="Only clauses that satisfy this criterion (e.g. flexible_contracts)."
)
@click.option(
    "--status",
    type=click.Choice(["draft", "approved", "retired"]),
    help="Only clauses with a version in this status.",
)
@click.option("--document-type", help="Only clauses for this document type.")
@json_option
def bank_list(
    bank_dir: Path | None,
    criterion: str | None,
    status: str | None,
    document_type: str | None,
    as_json: bool,
) -> None:
    """List the clauses, with their versions and the criteria they satisfy."""
    from rich.console import Console
    from rich.table import Table

    clause_bank = _open_bank(bank_dir)
    chosen = [
        clause
        for clause in sorted(clause_bank.clauses.values(), key=lambda c: c.id)
        if (not criterion or any(c.split(".")[0] == criterion for c in clause.criteria))
        and (not status or any(v.status == status for v in clause.versions))
        and (not document_type or document_type in clause.document_types)
    ]
    if as_json:
        clauses = [_clause_json(clause) for clause in chosen]
        _emit_json("bank list", True, [], bank=str(clause_bank.root), clauses=clauses)
        return
    table = Table("clause", "title", "versions", "criteria")
    for clause in chosen:
        versions = ", ".join(f"{v.version} {v.status}" for v in clause.versions)
        table.add_row(
            clause.id,
            clause.title,
            versions,
            ", ".join(sorted({c.split(".")[0] for c in clause.criteria})),
        )
    Console(width=160, markup=False).print(table)


def _clause_json(clause: Any) -> dict[str, Any]:
    """A clause and the record of each version, as ``bank list`` and ``bank show`` print it."""
    return {
        "id": clause.id,
        "title": clause.title,
        "document_types": clause.document_types,
        "criteria": clause.criteria,
        "versions": [
            {**v.record, "status": v.status, "withdrawn_on": v.withdrawn_on}
            for v in clause.versions
        ],
    }


@bank.command("show")
@bank_option
@click.argument("clause")
@json_option
def bank_show(bank_dir: Path | None, clause: str, as_json: bool) -> None:
    """Show CLAUSE[@VERSION]: its metadata, the history of its versions and its text (the
    newest version by default)."""
    from assembler.bank.ops import find_version, plain_text

    clause_bank = _open_bank(bank_dir)
    found, version = find_version(clause_bank, clause)
    if as_json:
        text = plain_text(clause_bank, version)
        shown = {**_clause_json(found), "shown": version.version, "text": text}
        _emit_json("bank show", True, [], clause=shown)
        return
    click.echo(f"{found.id}@{version.version} ({version.status}): {found.title}")
    click.echo(f"criteria: {', '.join(found.criteria) or '-'}")
    if found.condition:
        click.echo(f"included when: {found.condition}")
    if found.choice:
        click.echo(f"alternative for choices.{found.choice}: {found.option}")
    click.echo(f"file: {version.path}")
    click.echo("history:")
    for entry in found.versions:
        click.echo("  " + _history_line(entry))
    click.echo("")
    for line in plain_text(clause_bank, version):
        click.echo(line)


def _history_line(version: Any) -> str:
    """One version's record: status, who approved it in what role and when, from when, why."""
    parts = [f"{version.version} {version.status}"]
    if version.approved_by:
        role = f" ({version.approved_role})" if version.approved_role else ""
        when = f" on {version.approved_on}" if version.approved_on else ""
        parts.append(f"approved by {version.approved_by}{role}{when}")
    if version.effective_from:
        parts.append(f"in force from {version.effective_from}")
    if version.withdrawn_on:
        parts.append(f"withdrawn on {version.withdrawn_on}")
    if version.change:
        parts.append(version.change)
    return "; ".join(parts)


@bank.command("diff")
@bank_option
@click.argument("old")
@click.argument("new")
def bank_diff(bank_dir: Path | None, old: str, new: str) -> None:
    """Word-level diff of two versions: OLD and NEW are CLAUSE@VERSION."""
    from assembler.bank.ops import find_version, plain_text, word_diff

    clause_bank = _open_bank(bank_dir)
    lines = word_diff(
        plain_text(clause_bank, find_version(clause_bank, old)[1]),
        plain_text(clause_bank, find_version(clause_bank, new)[1]),
    )
    click.echo(f"--- {old}\n+++ {new}")
    for line in lines:
        click.echo(line)


@bank.command("new")
@bank_option
@click.argument("clause")
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A Word fragment (.docx), or a Markdown draft converted with pandoc.",
)
@click.option("--title", required=True, help="The clause heading.")
@click.option("--document-type", default="alliance_agreement", show_default=True)
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path))
def bank_new(
    bank_dir: Path | None,
    clause: str,
    source: Path,
    title: str,
    document_type: str,
    templates: Path | None,
) -> None:
    """Scaffold a new CLAUSE with a 0.1.0 draft version."""
    from assembler.api import default_dir
    from assembler.bank.ops import new_clause

    folder = new_clause(
        _open_bank(bank_dir),
        clause,
        title,
        source,
        document_type,
        default_dir("templates", templates) / "house-style.docx",
    )
    click.echo(
        f"created {folder}: fill in clause.yaml, then `assemble bank approve {clause}@0.1.0`"
    )


@bank.command("bump")
@bank_option
@click.argument("clause")
@click.option("--major", "part", flag_value="major", help="A change of substance.")
@click.option(
    "--minor", "part", flag_value="minor", default=True, help="A change of wording (default)."
)
@click.option(
    "--effective-from",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day the new wording applies (deals dated earlier keep the old).",
)
def bank_bump(bank_dir: Path | None, clause: str, part: str, effective_from: Any) -> None:
    """Copy the newest version of CLAUSE to a new draft version, to edit in Word."""
    from assembler.bank.ops import bump

    start = effective_from.date() if effective_from else None
    version = bump(_open_bank(bank_dir), clause, part, start)
    click.echo(
        f"created draft {clause}@{version}: edit {clause}/{version}.docx, write its change note, "
        f'then `assemble bank approve {clause}@{version} --change "..."`'
    )


def _git_user() -> str | None:
    """``git config user.name``, the approver by default."""
    import subprocess

    try:
        found = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return found.stdout.strip() or None


@bank.command("approve")
@bank_option
@click.argument("clause")
@click.option("--by", "approver", help="Who approved it (default: git config user.name).")
@click.option("--role", help='The approver\'s role, e.g. "Head of Legal".')
@click.option("--change", help="The change note (replaces the one in clause.yaml).")
@click.option(
    "--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Approval date (default: today)."
)
@click.option(
    "--effective-from",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day it applies (default: as bumped, else the approval date).",
)
def bank_approve(
    bank_dir: Path | None,
    clause: str,
    approver: str | None,
    role: str | None,
    change: str | None,
    on: Any,
    effective_from: Any,
) -> None:
    """Approve the draft CLAUSE@VERSION, recording who, in what role, when, from when, the change
    note and its content hash."""
    import datetime as dt

    from assembler.bank.ops import approve

    who = approver or _git_user()
    if not who:
        raise click.UsageError("say who approves it: --by NAME (or set git config user.name)")
    done = approve(
        _open_bank(bank_dir),
        clause,
        who,
        on.date() if on else dt.date.today(),
        effective_from.date() if effective_from else None,
        role=role,
        change=change,
    )
    click.echo(f"approved {clause} by {who}, in force from {done.effective_from}")
    for note in done.imported:
        click.echo(f"  import {note} (recorded in clause.yaml)")


@bank.command("retire")
@bank_option
@click.argument("clause")
@click.option(
    "--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Withdrawal date (default: today)."
)
def bank_retire(bank_dir: Path | None, clause: str, on: Any) -> None:
    """Retire CLAUSE@VERSION: deals dated on or after the withdrawal date no longer pick it."""
    import datetime as dt

    from assembler.bank.ops import retire

    retire(_open_bank(bank_dir), clause, on.date() if on else dt.date.today())
    click.echo(f"retired {clause}")


@bank.command("check")
@bank_option
@click.option("--templates", type=click.Path(file_okay=False, path_type=Path))
@jobs_option
@json_option
@ignore_option
@strict_option
@click.option(
    "--record-hashes",
    is_flag=True,
    help="First record the hash of every approved version that has none.",
)
def bank_check(
    bank_dir: Path | None,
    templates: Path | None,
    jobs: int | None,
    as_json: bool,
    ignore: tuple[str, ...],
    strict: bool,
    record_hashes: bool,
) -> None:
    """The whole-bank gate a CSU runs in its CI: metadata, hashes, criteria coverage, every
    fragment read statically, outlines, and a final build of every example with every approved
    version and alternative (drafts as draft builds).

    Exit code 1 on an error, or under --warnings-as-errors on any finding.
    """
    from assembler import api
    from assembler.bank.ops import check_bank
    from assembler.bank.ops import record_hashes as record
    from assembler.batch.run import fork_map

    _known_rules(ignore)
    if record_hashes:
        _say(f"recorded {record(_open_bank(bank_dir))} hash(es)")
    clause_bank = _open_bank(bank_dir)
    templates_dir = Path(templates) if templates else clause_bank.root / "templates"
    workspace = api.Workspace.open(clause_bank.root, templates_dir)
    with _progress("building examples") as tick:
        result = check_bank(
            clause_bank,
            templates_dir,
            lambda trials: fork_map(api.trial, trials, workspace, jobs, tick(len(trials))),
        )
    findings = [f for f in result.findings if f.rule not in ignore]
    failed = any(f.severity == "error" for f in findings) or (strict and bool(findings))
    if as_json:
        _emit_json(
            "bank check", not failed, findings, bank=str(clause_bank.root), checked=result.checked
        )
    else:
        _findings_table(findings)
        counts = ", ".join(f"{n} {what}" for what, n in result.checked.items())
        click.echo(
            f"{'FAILED' if failed else 'ok'}: {clause_bank.root}: checked {counts}; "
            f"{len(findings)} finding(s)"
        )
    if failed:
        sys.exit(EXIT_INPUT_ERROR)


def _findings_table(findings: list[Diagnostic]) -> None:
    from rich.console import Console
    from rich.table import Table

    if not findings:
        return
    table = Table("rule", "severity", "where", "finding")
    for f in findings:
        table.add_row(f.rule, f.severity, f.location, f.message + (f"\n{f.hint}" if f.hint else ""))
    Console(width=200, markup=False).print(table)


@contextlib.contextmanager
def _progress(what: str) -> Iterator[Callable[[int], Callable[[], None] | None]]:
    """A progress bar on stderr when it is a terminal: ``tick(total)`` starts a stage and gives
    the callback to call as each item finishes (None when there is no terminal)."""
    console = _console()
    if not console.is_terminal:
        yield lambda total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, auto_refresh=False, transient=True) as bar:

        def tick(total: int) -> Callable[[], None]:
            task = bar.add_task(what, total=total)

            def advance() -> None:
                bar.advance(task)
                bar.refresh()

            return advance

        yield tick


#: The version of the JSON every ``--json`` prints: bumped when a key changes meaning.
JSON_SCHEMA_VERSION = 1


def _emit_json(command: str, ok: bool, findings: list[Diagnostic], **result: Any) -> None:
    """The one JSON shape of every ``--json``, on stdout: ``schema_version``, ``command``,
    ``ok``, ``findings`` (diagnostics) and the command's own keys."""
    import json

    body = {
        "schema_version": JSON_SCHEMA_VERSION,
        "command": command,
        "ok": ok,
        "findings": [f.to_dict() for f in findings],
        **result,
    }
    click.echo(json.dumps(body, indent=2, default=str))


def _known_rules(ignore: tuple[str, ...]) -> None:
    """An --ignore of a rule id the engine does not have is a usage error (exit 2), not a silent
    no-op: a typo would otherwise switch nothing off and look as if it had."""
    if not ignore:
        return
    from assembler.checks.rules import known_rule_ids
    from assembler.core.schema import suggest

    known = known_rule_ids()
    for rule in ignore:
        if rule not in known:
            close = suggest(rule, sorted(known))
            raise click.BadParameter(
                f"unknown rule id {rule!r}"
                + (f"; did you mean {close!r}?" if close else "")
                + " (see `assemble rules`)",
                param_hint="--ignore",
            )


@main.command()
@click.argument("docx", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@bank_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify(docx: Path, bank_dir: Path | None, as_json: bool) -> None:
    """Check DOCX against the clause bank: which clause versions it used, which are now superseded
    or retired, and which clauses were edited after it was generated.

    Works on a document that was opened and saved in Word or LibreOffice. Exit code 1 if a clause
    was edited or a version it used is no longer in the bank as it was.
    """
    from dataclasses import asdict

    from rich.console import Console
    from rich.table import Table

    from assembler.package.provenance import verify as run_verify

    report = run_verify(docx, _open_bank(bank_dir))
    if as_json:
        _emit_json("verify", report.ok, [], **asdict(report))
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
