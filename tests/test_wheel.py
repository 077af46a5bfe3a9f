"""The wheel as a CSU installs it: outside the checkout, `assemble init`, every example built as a
final build, `bank check` passing, then failing on a broken clause with clause@version and
paragraph. Slow (about two minutes): it is the check that the house bank ships in the package."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from assembler.bank.authoring import fragment_from_draft

from conftest import ROOT

SRC = ROOT / "src" / "assembler"


def _run(*args, cwd, check=True):
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "ASSEMBLER_BANK": ""},
    )
    if check:
        assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtual environment outside the checkout with only the wheel installed; the
    dependencies are the test environment's own (a .pth line), so no network is needed."""
    work = tmp_path_factory.mktemp("wheel")
    _run(
        sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-q", "-w", work / "dist", cwd=work
    )
    wheel = next((work / "dist").glob("assembler-*.whl"))
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=work)
    python = venv / "bin" / "python"
    purelib = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=work
        ).stdout.strip()
    )
    _run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        "--target",
        purelib,
        wheel,
        cwd=work,
    )
    # the site-packages folders of this test run (the checkout's src/ is not one of them)
    deps = {p for p in sys.path if p.endswith("site-packages")}
    (purelib / "test-dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    where = _run(python, "-c", "import assembler; print(assembler.__file__)", cwd=work).stdout
    assert Path(where.strip()).is_relative_to(purelib), where  # the wheel, not the checkout
    return python, work


def test_every_data_file_of_the_package_is_in_the_wheel():
    """A file the package reads (a clause, a YAML table) that no package-data pattern names would
    be missing from the wheel alone: the inner loop's check of what the slow test proves."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["assembler"]
    shipped = {
        name
        for pattern in patterns
        for name in glob.glob(pattern, root_dir=SRC, recursive=True, include_hidden=True)
    }
    data = {
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"}
    }
    assert len(data) > 100  # the house bank, at least
    assert sorted(data - shipped) == []


@pytest.mark.slow  # builds and installs the wheel in a fresh virtual environment
@pytest.mark.skipif(os.environ.get("ASSEMBLER_SKIP_WHEEL") == "1", reason="ASSEMBLER_SKIP_WHEEL=1")
def test_the_wheel_serves_a_bank_of_its_own(installed):
    python, work = installed
    assemble = [python, "-m", "assembler"]
    _run(*assemble, "init", "csu-bank", cwd=work)
    bank = work / "csu-bank"
    examples = sorted((bank / "examples").glob("*.yaml"))
    assert len(examples) >= 4
    for example in examples:
        built = _run(
            *assemble,
            "build",
            f"examples/{example.name}",
            "-o",
            f"out/{example.stem}.docx",
            cwd=bank,
        )
        assert "draft" not in built.stderr.split("wrote", 1)[1].split("\n")[0]  # a final build
        assert (bank / "out" / f"{example.stem}.docx").is_file()
    checked = _run(*assemble, "bank", "check", cwd=bank)
    assert checked.stdout.startswith("ok:") or "\nok:" in checked.stdout, checked.stdout[-2000:]

    # break one approved clause: an {% if %} that is never closed
    fragment = bank / "clauses" / "relationship" / "1.0.0.docx"
    fragment.write_bytes(
        fragment_from_draft(
            "1.1 Nothing in this Agreement creates a partnership.\n"
            "{% if deal.term %}\n1.1 The Parties work together.",
            bank / "templates" / "house-style.docx",
        )
    )
    broken = _run(*assemble, "bank", "check", cwd=bank, check=False)
    assert broken.returncode == 1
    assert "E-check-09" in broken.stdout and "relationship@1.0.0, paragraph 2" in broken.stdout
