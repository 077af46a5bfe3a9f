"""Throughput of `assemble pack` and `assemble batch` on memoranda of understanding, one per GP
practice, from a CSV of practices and the case study C MoU (examples/ooh-transformation-mou.yaml).

    python benchmarks/mou_pack.py --practices 200 -j 2

The practices are synthetic ("[GP practice 001]"), marked as placeholders like every other
invented value. `assemble pack` writes a deal sheet per practice with the practice as the GP party;
`assemble batch` builds them. Each runs in a fresh process, as a user would run it.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assembler.bank.project import HOUSE_BANK

ROOT = Path(__file__).resolve().parents[1]
BANK = HOUSE_BANK
BASE = BANK / "examples" / "ooh-transformation-mou.yaml"


def write_practices(path: Path, count: int, party: str) -> None:
    """A CSV of synthetic practices: the file name, and the GP party's name and address."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", f"parties.{party}.name", f"parties.{party}.address"])
        for i in range(1, count + 1):
            writer.writerow(
                [f"p{i:03d}", f"[GP practice {i:03d}]", f"[address of practice {i:03d}]"]
            )


def assemble(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """``assemble ARGS`` in a fresh process, and its whole-process time."""
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "assembler", *args], capture_output=True, text=True)
    return run, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=200)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--party", default="gp_fed", help="id of the party each practice replaces")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        practices = work / "practices.csv"
        write_practices(practices, args.practices, args.party)
        packed, pack_s = assemble("pack", str(BASE), str(practices), "-o", str(work / "deals"))
        if packed.returncode:
            print(packed.stderr)
            return packed.returncode
        built, batch_s = assemble(
            "batch",
            str(work / "deals"),
            "-o",
            str(work / "out"),
            "-j",
            str(args.jobs),
            "--no-toc-pages",  # the engine's throughput, not LibreOffice's layout pass
        )
        count = len(list((work / "out").glob("*.docx")))
    print(built.stderr.strip().splitlines()[-1] if built.stderr.strip() else "")
    print(
        f"{args.practices} deal sheets written by `assemble pack` in {pack_s:.1f} s; "
        f"{count} MoUs built by `assemble batch -j {args.jobs}` in {batch_s:.1f} s "
        f"({count / batch_s:.1f} documents a second), whole-process"
    )
    return built.returncode


if __name__ == "__main__":
    sys.exit(main())
