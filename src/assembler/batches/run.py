"""Build many deal sheets at once on a process pool: a pack of MoUs, a variation per provider.

The workspace (parsed bank, outlines, house style, compiled clause templates) is loaded once in
the parent and warmed by the first build; worker processes are forked from it, so they share it
instead of parsing it again. Each deal sheet is built in isolation: an error in one is reported
and the others go on. Processes, not threads, because the clause render time limit uses SIGALRM,
which only the main thread of a process can receive.
"""

from __future__ import annotations

import glob
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from assembler.bank.clausebank import ClauseBank
from assembler.bank.gate import CheckResult as BankCheck
from assembler.bank.gate import check_bank
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import check_outputs
from assembler.package.lockfile import LOCK_HEADER, lock_path_for
from assembler.pipeline.build import build
from assembler.pipeline.stages import trial
from assembler.pipeline.workspace import Workspace

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Outcome:
    """What happened to one deal sheet."""

    deal: Path
    output: Path | None
    seconds: float
    errors: list[str] = field(default_factory=list)
    #: Each warning whole and located (file:line:col, rule), so the summary can show it.
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """One document of ``batch --json``."""
        return {
            "deal": str(self.deal),
            "ok": self.ok,
            "output": str(self.output) if self.output else None,
            "seconds": round(self.seconds, 3),
            "warnings": self.warnings,
            "errors": self.errors,
        }


def batch(
    deals: str | Path | Sequence[str | Path],
    outdir: str | Path,
    *,
    jobs: int | None = None,
    draft: bool = False,
    bank: str | Path | None = None,
    templates: str | Path | None = None,
    workspace: Workspace | None = None,
) -> list[Outcome]:
    """Build many deal sheets (a folder, a glob, or a list of files) into ``outdir`` on worker
    processes: an :class:`Outcome` each, in the deal sheets' order. A bad deal sheet is an
    outcome with errors, never an exception, so one cannot stop the others."""
    if isinstance(deals, str | Path):
        found = find_deals(deals)
    else:
        found = checked_deals([Path(d) for d in deals], "the list")
    ws = workspace or Workspace.open(bank, templates)
    outcomes = list(build_many(found, Path(outdir), jobs=jobs, draft=draft, workspace=ws))
    order = {deal: index for index, deal in enumerate(found)}
    return sorted(outcomes, key=lambda o: order[o.deal])


def find_deals(pattern: str | Path) -> list[Path]:
    """A folder (its *.yaml files) or a glob, sorted so that runs are repeatable. Lock files a
    build wrote are not deal sheets, so a batch can build into its own input folder again."""
    path = Path(pattern)
    if path.is_dir():
        found = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
    else:
        found = sorted(Path(p) for p in glob.glob(str(pattern), recursive=True))
    return checked_deals([p for p in found if not _written_lock(p)], str(pattern))


def checked_deals(found: list[Path], pattern: str) -> list[Path]:
    """``found``, once it holds a deal sheet and no two that would write the same document."""
    if not found:
        raise AssemblerError(
            Diagnostic(
                "E-batch-01", f"no deal sheets match {pattern!r}", hint="give a folder or a glob"
            )
        )
    stems: dict[str, Path] = {}
    for deal in found:
        if deal.stem in stems:
            raise AssemblerError(
                Diagnostic(
                    "E-batch-02",
                    f"two deal sheets would write {deal.stem}.docx: {stems[deal.stem]} and {deal}",
                    hint="give them different file names",
                )
            )
        stems[deal.stem] = deal
    return found


def _written_lock(path: Path) -> bool:
    try:
        with path.open("rb") as stream:
            return stream.read(len(LOCK_HEADER)) == LOCK_HEADER
    except OSError:
        return False


def check_batch_outputs(deals: list[Path], outdir: Path, ws: Workspace) -> None:
    """Before any build: no document or lock of the batch may overwrite any of its deal sheets
    (a deal sheet named ``x.lock.yaml`` beside ``x.yaml``, say), the bank or the templates."""
    outputs = [outdir / f"{deal.stem}.docx" for deal in deals]
    check_outputs(
        [p for out in outputs for p in (out, lock_path_for(out))],
        [*deals, ws.bank.root, ws.templates],
    )


#: The parent's workspace, inherited by forked workers (set just before the pool starts).
_WORKSPACE: Workspace | None = None


def build_one(ws: Workspace, job: tuple[Path, Path, bool]) -> Outcome:
    """Build one deal sheet (``job``: the deal, the output folder, whether a draft); never raises
    for a bad deal sheet, so one cannot stop the others."""
    deal, outdir, draft = job
    start = time.perf_counter()
    try:
        result = build(deal, outdir / f"{deal.stem}.docx", draft=draft, workspace=ws)
    except AssemblerError as exc:
        return Outcome(deal, None, time.perf_counter() - start, [str(d) for d in exc.diagnostics])
    except Exception as exc:  # a bug must not take the other builds down: report it as theirs
        return Outcome(deal, None, time.perf_counter() - start, [f"internal error: {exc!r}"])
    warnings = [str(d) for d in result.warnings]
    return Outcome(deal, result.output, time.perf_counter() - start, [], warnings)


def build_many(
    deals: list[Path],
    outdir: Path,
    *,
    jobs: int | None = None,
    draft: bool = False,
    workspace: Workspace | None = None,
    on_start: Callable[[int], None] | None = None,
) -> Iterator[Outcome]:
    """Yield an :class:`Outcome` per deal sheet as each finishes (in completion order)."""
    ws = workspace or Workspace.open()
    check_batch_outputs(deals, outdir, ws)
    outdir.mkdir(parents=True, exist_ok=True)
    if on_start:
        on_start(len(deals))
    # The first build runs here: it warms the compiled-template cache the workers inherit.
    yield build_one(ws, (deals[0], outdir, draft))
    for _, outcome in _forked(build_one, [(d, outdir, draft) for d in deals[1:]], ws, jobs):
        yield outcome


def fork_map(
    func: Callable[[Workspace, T], R],
    items: list[T],
    ws: Workspace,
    jobs: int | None = None,
    done: Callable[[], None] | None = None,
) -> list[R]:
    """``func(ws, item)`` for every item, in the items' order, on worker processes sharing ``ws``
    (``bank check`` builds every example under every version and alternative this way).
    ``done()`` is called as each finishes, for a progress bar."""
    results = {}
    for index, result in _forked(func, items, ws, jobs):
        results[index] = result
        if done:
            done()
    return [results[i] for i in range(len(items))]


def bank_check(
    bank: ClauseBank,
    templates: Path | None = None,
    *,
    jobs: int | None = None,
    tick: Callable[[int], Callable[[], None] | None] | None = None,
) -> BankCheck:
    """The whole-bank gate (:func:`assembler.bank.gate.check_bank`), its example builds on worker
    processes sharing one workspace. ``tick(total)`` is called as each stage of builds starts
    and gives the callback to call as each build finishes (a progress bar), or None."""
    folder = templates or bank.root / "templates"
    ws = Workspace.open(bank.root, folder)
    return check_bank(
        bank,
        folder,
        lambda trials: fork_map(trial, trials, ws, jobs, tick(len(trials)) if tick else None),
        {name: kind.schema for name, kind in ws.types.items()},
    )


def _forked(
    func: Callable[[Workspace, T], R], items: list[T], ws: Workspace, jobs: int | None
) -> Iterator[tuple[int, R]]:
    """(index, ``func(ws, item)``) as each finishes: forked workers where the platform forks and
    there is more than one job, else in this process. ``func`` must not raise."""
    global _WORKSPACE
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(items)))
    if jobs == 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from ((i, func(ws, item)) for i, item in enumerate(items))
        return
    _WORKSPACE = ws
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            futures = {pool.submit(_in_worker, func, item): i for i, item in enumerate(items)}
            for future in as_completed(futures):
                yield futures[future], future.result()
    finally:
        _WORKSPACE = None


def _in_worker(func: Callable[[Workspace, T], R], item: T) -> R:
    assert _WORKSPACE is not None, "a worker runs only inside _forked"
    return func(_WORKSPACE, item)
