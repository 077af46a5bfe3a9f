"""Benchmark the engine against the routes a user would pick today (issue 8, parts 1 and 2).

    python benchmarks/run.py --sizes 10,100,1000 --rounds 5 [--json PATH] [--keep DIR]

For each size N a synthetic workspace is generated (:mod:`synthetic`), then every route
(:mod:`routes`) builds the same document in a fresh process, round-robin with the order rotated
each round. Each run is timed whole-process and its peak RSS read from ``wait4`` (the largest of
the route's process and its children, such as pandoc); its output is checked for completeness
(:mod:`completeness`) before it counts. Ratios to the floor are taken within a round, then the
median. ``assemble build`` is also timed whole-process on every ``examples/*.yaml``.

The engine keeps a per-user cache (``ASSEMBLER_CACHE``), so it is measured twice: with a warm
cache of its own (primed by one untimed build), and with an empty one (a first build). Every route
runs once untimed first, so that Python's bytecode is compiled before the timed rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assembler.bank.project import HOUSE_BANK  # noqa: E402
from benchmarks import completeness, synthetic  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BANK = HOUSE_BANK
ROUTES_PY = Path(__file__).resolve().parent / "routes.py"
PEER_B, FLOOR = "docxtpl+docxcompose", "floor"
#: The example whose whole-process CLI time has a target.
TARGET_EXAMPLE = "over-65s-alliance.yaml"
TIMEOUT_S = 1800


@dataclass(frozen=True)
class Variant:
    """A row of the table: a route of :mod:`routes`, and for the engine, the state of its cache."""

    name: str
    route: str
    cache: str = ""  # "warm" | "cold" | "" (not the engine)


VARIANTS = (
    Variant("engine (warm cache)", "engine", "warm"),
    Variant("engine (cold cache)", "engine", "cold"),
    Variant(PEER_B, PEER_B),
    Variant("jinja2+pandoc", "jinja2+pandoc"),
    Variant(FLOOR, FLOOR),
)
ENGINES = [v for v in VARIANTS if v.cache]


@dataclass
class Sample:
    """One fresh process: whole-process wall time, peak RSS (bytes), exit code, stderr tail."""

    seconds: float
    rss: int
    returncode: int
    stderr: str


@dataclass
class Run:
    variant: str
    n: int
    round: int
    seconds: float
    rss: int
    size: int
    problems: list[str]


@dataclass
class Row:
    """One line of the table: a variant at one size, over its rounds."""

    variant: str
    route: str
    n: int
    runs: int
    median_s: float | None = None
    ratio: float | None = None  # median over rounds of time / floor time in the same round
    rss: int | None = None  # the largest peak RSS over the rounds, bytes
    size: int | None = None
    problems: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def complete(self) -> bool:
        return self.runs > 0 and not self.problems


@dataclass
class Report:
    machine: dict[str, str]
    rounds: int
    runs: list[Run] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    examples: list[dict] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)


#: Spawns the command and prints its wall time and peak RSS. Peak RSS survives exec on Linux, so a
#: child spawned by this (large) process would report at least this process's size; spawned from a
#: bare interpreter it reports its own, or its largest child's (pandoc's).
LAUNCHER = """\
import os, sys, time
start = time.perf_counter()
out = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=out)
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run ``command`` (an absolute executable first) in a fresh process."""
    launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, *command]
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            launcher,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            start_new_session=True,  # so a timeout ends the route's own children too
        )
        try:
            out, _ = process.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return Sample(TIMEOUT_S, 0, -9, f"timed out after {TIMEOUT_S} s")
        err.seek(0)
        tail = err.read()[-4000:].decode("utf-8", "replace")
    try:
        seconds, rss, code = out.split()
    except ValueError:
        return Sample(0.0, 0, process.returncode or 1, tail or "the launcher failed")
    scale = 1 if sys.platform == "darwin" else 1024  # Linux reports KiB, macOS bytes
    return Sample(float(seconds), int(rss) * scale, int(code), tail)


def cache_env(work: Path, cache: str) -> dict[str, str]:
    """The environment of a run: the engine's cache in the work folder (warm: shared and kept;
    cold: emptied first), never the user's own. Python's bytecode is cached for every route, in
    the work folder, as on a user's machine: with PYTHONDONTWRITEBYTECODE set (as in some
    containers) an editable install would recompile the engine's modules in every process."""
    folder = work / f"{cache or 'no'}-cache"
    if cache == "cold" and folder.exists():
        shutil.rmtree(folder)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["ASSEMBLER_CACHE"] = str(folder) if cache else "off"
    return env


def run_variant(
    variant: Variant, ws: synthetic.Workspace, out_dir: Path, expected: dict, rnd: int
) -> Run:
    """One timed run and the completeness check of what it wrote."""
    out = out_dir / f"{variant.route}-{variant.cache or 'run'}-n{ws.n}.docx"
    out.unlink(missing_ok=True)
    command = [sys.executable, str(ROUTES_PY), variant.route, str(ws.root), str(out)]
    sample = measure(command, ROOT, cache_env(out_dir.parent, variant.cache))
    if sample.returncode != 0:
        problems = [f"exit {sample.returncode}: {_last_line(sample.stderr)}"]
    else:
        problems = completeness.check_docx(out, expected)
    size = out.stat().st_size if out.is_file() else 0
    return Run(variant.name, ws.n, rnd, sample.seconds, sample.rss, size, problems)


def run_benchmark(
    sizes: Iterable[int],
    rounds: int,
    work: Path,
    *,
    max_b: int = 1000,
    b_budget: float = 120.0,
    examples: bool = True,
    log: Callable[[str], None] = lambda line: None,
) -> Report:
    """Generate each size, prime the engine's warm cache, then run every variant in each round,
    interleaved and in a rotated order; return the report."""
    sizes = list(sizes)
    report = Report(machine_info(), rounds)
    spaces, expected = {}, {}
    out_dir = work / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        started = time.perf_counter()
        spaces[n] = synthetic.generate(work / f"n{n}", n)
        expected[n] = completeness.load_expected(spaces[n].root)
        run_variant(VARIANTS[0], spaces[n], out_dir, expected[n], -1)  # primes the warm cache
        log(f"generated N={n} and primed the cache in {time.perf_counter() - started:.1f} s")
    smallest = min(sizes)
    for variant in VARIANTS:  # untimed: compiles every route's bytecode, warms the file cache
        run_variant(variant, spaces[smallest], out_dir, expected[smallest], -1)
    if examples:
        time_examples(work, "warm")
    skipped: dict[int, str] = {n: f"not run: N > --max-b {max_b}" for n in sizes if n > max_b}
    example_samples: dict[tuple[str, str], list[Sample]] = {}
    for rnd in range(rounds):
        for n in sizes:
            for variant in VARIANTS[rnd % len(VARIANTS) :] + VARIANTS[: rnd % len(VARIANTS)]:
                if variant.route == PEER_B and n in skipped:
                    continue
                run = run_variant(variant, spaces[n], out_dir, expected[n], rnd)
                report.runs.append(run)
                status = "ok" if not run.problems else "INCOMPLETE " + run.problems[0]
                log(f"round {rnd + 1}/{rounds} N={n} {variant.name}: {run.seconds:.2f} s {status}")
                if variant.route == PEER_B and run.seconds > b_budget:
                    skipped[n] = f"1 round only: a run took {run.seconds:.0f} s > {b_budget:.0f} s"
        if examples:
            for cache in ("warm", "cold"):
                for name, sample in time_examples(work, cache).items():
                    example_samples.setdefault((name, cache), []).append(sample)
    report.rows = summarise(report.runs, sizes, skipped)
    report.examples = summarise_examples(example_samples)
    report.targets = targets(report)
    return report


def time_examples(work: Path, cache: str) -> dict[str, Sample]:
    """``assemble build EXAMPLE -o OUT`` whole-process, from the project root."""
    assemble = shutil.which("assemble")
    command = [assemble] if assemble else [sys.executable, "-m", "assembler"]
    samples = {}
    for example in sorted((BANK / "examples").glob("*.yaml")):
        out = work / "out" / f"example-{example.stem}.docx"
        env = cache_env(work, cache)
        samples[example.name] = measure(
            [*command, "build", str(example), "-o", str(out)], ROOT, env
        )
    return samples


def summarise(runs: list[Run], sizes: list[int], skipped: dict[int, str]) -> list[Row]:
    floors = {(r.n, r.round): r.seconds for r in runs if r.variant == FLOOR and not r.problems}
    rows = []
    for n in sizes:
        for variant in VARIANTS:
            mine = [r for r in runs if r.variant == variant.name and r.n == n]
            row = Row(variant.name, variant.route, n, len(mine))
            row.note = skipped.get(n, "") if variant.route == PEER_B else ""
            if mine:
                ratios = [r.seconds / floors[n, r.round] for r in mine if (n, r.round) in floors]
                row.problems = next((r.problems for r in mine if r.problems), [])
                row.median_s = statistics.median(r.seconds for r in mine)
                row.ratio = statistics.median(ratios) if ratios and not row.problems else None
                row.rss = max(r.rss for r in mine)
                row.size = mine[-1].size
            rows.append(row)
    return rows


def summarise_examples(samples: dict[tuple[str, str], list[Sample]]) -> list[dict]:
    rows = []
    for (name, cache), runs in samples.items():
        failed = [s for s in runs if s.returncode != 0]
        note = f"skipped, build failed: {_last_line(failed[0].stderr)}" if failed else ""
        rows.append(
            {
                "example": name,
                "cache": cache,
                "runs": len(runs),
                "median_s": None if failed else statistics.median(s.seconds for s in runs),
                "rss": max(s.rss for s in runs),
                "note": note,
            }
        )
    return rows


Check = tuple[str, float | None, Callable[[float], bool], str]


def targets(report: Report) -> list[dict]:
    """The issue's targets, each met, not met, or not measured, for each state of the cache."""
    rows = {(r.variant, r.n): r for r in report.rows}
    peer = rows.get((PEER_B, 1000))
    checks: list[Check] = []
    for variant in ENGINES:
        engine = rows.get((variant.name, 1000))
        ok = engine is not None and engine.complete
        speedups = _speedups(report.runs, variant.name, 1000)
        checks += [
            (
                f"{variant.name} at N=1000 within 3x the floor",
                engine.ratio if ok and engine else None,
                lambda v: v <= 3,
                "{:.2f}x the floor",
            ),
            (
                f"{variant.name} at N=1000 at least 200x faster than {PEER_B}",
                statistics.median(speedups) if ok and speedups and peer and peer.complete else None,
                lambda v: v >= 200,
                "{:.0f}x faster",
            ),
            (
                f"{variant.name} peak RSS at N=1000 under 60 MB",
                engine.rss / 1e6 if ok and engine and engine.rss else None,
                lambda v: v < 60,
                "{:.1f} MB",
            ),
        ]
    for e in report.examples:
        if e["example"] == TARGET_EXAMPLE:
            checks.append(
                (
                    f"{TARGET_EXAMPLE} under 300 ms whole-process from the CLI ({e['cache']} cache)",
                    e["median_s"] * 1000 if e["median_s"] else None,
                    lambda v: v < 300,
                    "{:.0f} ms",
                )
            )
    return [
        {
            "target": name,
            "value": value,
            "status": "not measured" if value is None else ("met" if ok(value) else "not met"),
            "shown": "" if value is None else shown.format(value),
        }
        for name, value, ok, shown in checks
    ]


def _speedups(runs: list[Run], engine: str, n: int) -> list[float]:
    """docxtpl+docxcompose time / engine time, within each round where both ran."""
    times = {r.round: r.seconds for r in runs if r.variant == engine and r.n == n}
    peers = [r for r in runs if r.variant == PEER_B and r.n == n and r.round in times]
    return [r.seconds / times[r.round] for r in peers]


def machine_info() -> dict[str, str]:
    """What the ratios were measured on: the README reports them with the machine."""
    from importlib.metadata import PackageNotFoundError, version

    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        models = [
            line for line in cpuinfo.read_text().splitlines() if line.startswith("model name")
        ]
        cpu = models[0].split(":", 1)[1].strip() if models else cpu
    info = {
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }
    for package in ("python-docx", "docxtpl", "docxcompose", "Jinja2", "lxml", "pypandoc_binary"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = "not installed"
    return info


def _last_line(text: str) -> str:
    """The first error line of a failed run's stderr, else its last line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if " error " in f" {line} " or line.startswith("Error")]
    return (errors or lines or ["(no message)"])[0 if errors else -1][:200]


def results_table(report: Report):
    """The routes table, for rich."""
    from rich.table import Table

    table = Table(title=f"Routes: median of {report.rounds} round(s), each run a fresh process")
    for heading in ("N", "route", "runs", "median", "x floor", "peak RSS", "output", "complete"):
        justify = "left" if heading in ("route", "complete") else "right"
        table.add_column(heading, justify=justify, overflow="fold")
    for row in report.rows:
        if row.runs == 0:
            status = row.note or "not run"
        elif row.complete:
            status = "yes" + (f" ({row.note})" if row.note else "")
        else:
            status = "[red]INCOMPLETE[/red]: " + "; ".join(row.problems)
        table.add_row(
            str(row.n),
            row.variant,
            str(row.runs),
            _ms(row.median_s),
            f"{row.ratio:.1f}x" if row.ratio is not None else "-",
            f"{row.rss / 1e6:.0f} MB" if row.rss else "-",
            f"{row.size / 1000:.0f} kB" if row.size else "-",
            status,
        )
    return table


def examples_table(report: Report):
    from rich.table import Table

    table = Table(title="assemble build EXAMPLE -o OUT, whole process from the CLI")
    for heading in ("example", "cache", "runs", "median", "peak RSS", "note"):
        justify = "left" if heading in ("example", "cache", "note") else "right"
        table.add_column(heading, justify=justify, overflow="fold")
    for e in report.examples:
        rss = f"{e['rss'] / 1e6:.0f} MB"
        table.add_row(e["example"], e["cache"], str(e["runs"]), _ms(e["median_s"]), rss, e["note"])
    return table


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def print_report(report: Report) -> None:
    from rich.console import Console

    console = Console(highlight=False, width=max(120, shutil.get_terminal_size().columns))
    console.print(", ".join(f"{k} {v}" for k, v in report.machine.items()), markup=False)
    console.print(results_table(report))
    if report.examples:
        console.print(examples_table(report))
    for t in report.targets:
        colour = {"met": "green", "not met": "red"}.get(t["status"], "yellow")
        shown = f" ({t['shown']})" if t["shown"] else ""
        console.print(f"[{colour}]{t['status']}[/{colour}]: {t['target']}{shown}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000", help="clause counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of every route per size")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--keep", type=Path, help="keep workspaces and outputs in this folder")
    parser.add_argument(
        "--max-b", type=int, default=1000, help=f"largest N for {PEER_B}, the slow route"
    )
    parser.add_argument(
        "--b-budget",
        type=float,
        default=120.0,
        help=f"seconds: if one {PEER_B} run takes longer, run it 1 round only at that N",
    )
    parser.add_argument("--no-examples", action="store_true", help="do not time examples/*.yaml")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes: give whole numbers such as 10,100,1000")
    if not args.sizes or min(args.sizes) < 1 or args.rounds < 1:
        parser.error("--sizes and --rounds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="assembler-bench-") as scratch:
        report = run_benchmark(
            args.sizes,
            args.rounds,
            args.keep or Path(scratch),
            max_b=args.max_b,
            b_budget=args.b_budget,
            examples=not args.no_examples,
            log=log,
        )
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(asdict(report), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
