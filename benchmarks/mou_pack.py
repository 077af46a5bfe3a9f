"""Throughput of `assemble batch` on a pack of memoranda of understanding: one per GP practice,
generated from a CSV of practices and the case study C MoU (examples/ooh-transformation-mou.yaml).

    python benchmarks/mou_pack.py --practices 200 -j 2

The practices are synthetic ("[GP practice 001]"), marked as placeholders like every other
invented value. Each generated deal sheet names its practice as the GP party; the script then
runs `assemble batch` in a fresh process, as a user would, and reports documents per second.
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

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "examples" / "ooh-transformation-mou.yaml"


def write_practices(path: Path, count: int) -> None:
    """A CSV of synthetic practices: code, name, address."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "address"])
        for i in range(1, count + 1):
            writer.writerow(
                [f"p{i:03d}", f"[GP practice {i:03d}]", f"[address of practice {i:03d}]"]
            )


def write_deals(practices: Path, folder: Path, party_name: str) -> list[Path]:
    """One deal sheet per practice: the base MoU with the practice in place of ``party_name``."""
    base = BASE.read_text()
    if party_name not in base:
        raise SystemExit(f"{BASE} has no party named {party_name}")
    deals = []
    with practices.open(newline="") as handle:
        for row in csv.DictReader(handle):
            text = base.replace(party_name, row["name"])
            text = text.replace("deal_id: ", f"deal_id: {row['code']}-", 1)
            target = folder / f"mou-{row['code']}.yaml"
            target.write_text(text)
            deals.append(target)
    return deals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=200)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--party", default="[GP Federation]", help="the party each practice replaces"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        practices = work / "practices.csv"
        write_practices(practices, args.practices)
        (work / "deals").mkdir()
        deals = write_deals(practices, work / "deals", args.party)
        start = time.perf_counter()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "assembler",
                "batch",
                str(work / "deals"),
                "-o",
                str(work / "out"),
                "-j",
                str(args.jobs),
            ],
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        built = len(list((work / "out").glob("*.docx")))
    print(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "")
    print(
        f"{built} of {len(deals)} MoUs built in {elapsed:.1f} s whole-process with -j {args.jobs} "
        f"({built / elapsed:.1f} documents a second)"
    )
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
