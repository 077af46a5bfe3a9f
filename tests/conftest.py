"""Shared fixtures: the example built once per session, and the validity checks every .docx passes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from assembler.bank.project import HOUSE_BANK

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]
#: The house bank, as the installed package ships it.
BANK = HOUSE_BANK
EXAMPLE = BANK / "examples" / "over-65s-alliance.yaml"

# The tests' own build cache: never the user's, and fresh for every run.
os.environ["ASSEMBLER_CACHE"] = tempfile.mkdtemp(prefix="assembler-cache-")


def position_of(text: str, needle: str) -> str:
    """ "line:column" of the ``^`` in ``needle``, found in ``text``: tests name the place an error
    should point at by its content, so they survive edits to the example deal sheet."""
    before, after = needle.split("^")
    index = text.index(before + after) + len(before)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"


@pytest.fixture(scope="session")
def workspace():
    from assembler.api import Workspace

    return Workspace.open(BANK, BANK / "templates")


@pytest.fixture(scope="session")
def example(tmp_path_factory, workspace):
    """The case study A alliance agreement, built once: (BuildResult, docx bytes)."""
    from assembler.api import build

    out = tmp_path_factory.mktemp("example") / "over-65s-alliance.docx"
    result = build(EXAMPLE, out, workspace=workspace)
    return result, out.read_bytes()


@pytest.fixture(scope="session")
def validator():
    from openxml_audit import OpenXmlValidator

    return OpenXmlValidator()


@pytest.fixture(scope="session")
def validated() -> set[str]:
    """SHA-256 of each package that passed every check this session: the same bytes pass again
    (openxml-audit takes 0.4 s a document, and several tests write the example unchanged)."""
    return set()


@pytest.fixture()
def assert_valid(validator, validated):
    """openxml-audit (schema and SDK semantics), ooxml-integrity (package), our bookmark/REF checks."""
    import hashlib

    from ooxml_integrity import check

    from assembler.oxml.checks import check_package

    def _assert(path: Path) -> None:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        if digest in validated:
            return
        result = validator.validate(str(path))
        assert result.is_valid, [f"{e.part_uri} {e.path}: {e.description}" for e in result.errors]
        bad = [
            (f.code, f.message, f.where) for f in check(str(path)) if f.severity.value == "error"
        ]
        assert not bad, bad
        assert check_package(path) == []
        validated.add(digest)

    return _assert


def copy_bank(tmp_path: Path) -> Path:
    """A fresh copy of the house bank, for a test to change, at the same path for every test.

    The path is shared so a copy's unchanged document types are the ones the process already
    compiled: they are kept by folder and modification time (``deal.types.bank_types``, as a
    batch keeps them), and ``copytree`` keeps the house bank's times. Compiling them again took
    0.75 s of each such test. A test that edits a type's file gives it a new time, so it is
    compiled afresh. Everything else (clauses, fragments) is keyed by inode and is read anew."""
    folder = tmp_path.parent / "clausebank"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(BANK, folder)
    return folder


@pytest.fixture()
def bank(tmp_path: Path) -> Path:
    """A copy of the house bank, for a test to change."""
    return copy_bank(tmp_path)


def cli(*args: str) -> Result:
    """``assemble ARGS``, in this process; an exception the command does not handle fails the test."""
    from assembler.cli.main import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def bank_cli(bank: Path, command: str, *args: str) -> Result:
    """``assemble bank COMMAND --bank BANK ARGS``."""
    return cli("bank", command, "--bank", str(bank), *args)


def new_version(
    bank: Path,
    clause: str,
    *,
    part: str = "minor",
    fragment: Path | None = None,
    approved_on: dt.date | None = None,
    effective_from: dt.date | None = None,
    change: str = "Says only that no legal partnership is created.",
) -> str:
    """Bump ``clause`` in ``bank`` (its new file replaced by ``fragment`` if given) and, with
    ``approved_on``, approve it as the Head of Legal: the new version's number."""
    from assembler.bank.clausebank import ClauseBank
    from assembler.bank.ops import approve, bump

    version = bump(ClauseBank.load(bank), clause, part)
    if fragment is not None:
        shutil.copyfile(fragment, bank / "clauses" / clause / f"{version}.docx")
    if approved_on is not None:
        ref = f"{clause}@{version}"
        approve(
            ClauseBank.load(bank), ref, "Head of Legal", approved_on, effective_from, change=change
        )
    return version


def without_key(text: str, key: str) -> str:
    """The YAML ``text`` without the block of ``key`` (its line and the lines indented under it)."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(key + ":"))
    indent = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > indent:
        end += 1
    return "".join(lines[:start] + lines[end:])


def edited(
    tmp_path: Path, *edits: tuple[str, str], base: Path = EXAMPLE, name: str = "deal.yaml"
) -> Path:
    """A copy of the deal sheet ``base`` with each (old, new) made once, in order. An ``old`` the
    text lacks fails the test, so a change to the example cannot leave a test checking nothing."""
    text = base.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, f"{base.name} has no {old!r}"
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def first_fast(values: list[str]) -> list[Any]:
    """Parameters of a test that builds a whole document for each: the first runs in the inner
    loop, the others only with ``--slow`` (each is seconds; the first covers the code path)."""
    return [values[0], *(pytest.param(v, marks=pytest.mark.slow) for v in values[1:])]


def needs_soffice() -> pytest.MarkDecorator:
    """A test that runs LibreOffice: slow (seconds a document), and skipped without it."""
    return pytest.mark.soffice


def libreoffice_resave(docx: Path, tmp_path: Path) -> Path:
    """Open ``docx`` in LibreOffice and save it again as .docx, as a user of LibreOffice would."""
    import subprocess

    saved = tmp_path / "resaved"
    command = [
        "soffice",
        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
        "--headless",
        "--convert-to",
        "docx:MS Word 2007 XML",
        "--outdir",
        str(saved),
        str(docx),
    ]
    subprocess.run(command, capture_output=True, timeout=180, check=False)
    result = saved / docx.name
    assert result.is_file(), "LibreOffice did not save the document"
    return result


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the slow tests (LibreOffice, the wheel, whole-bank checks, fuzzing, the "
        "benchmark): CI runs them all; without it the inner loop stays under a minute",
    )
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from what the engine writes now (say why in the commit)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Without ``--slow``, a command builds without the layout pass that fills the contents
    page's page numbers (``ASSEMBLER_TOC_PAGES=0``): it is on by default wherever LibreOffice is
    installed and costs about 2 s of LibreOffice a build, which made the inner loop's every
    command-line build a LibreOffice run. The layout pass has its own tests (needs_soffice), and
    ``--slow`` builds as a user's command line does."""
    if not config.getoption("--slow"):
        os.environ.setdefault("ASSEMBLER_TOC_PAGES", "0")


def is_slow(item: pytest.Item) -> bool:
    """A LibreOffice test, or one marked slow; of a parametrized test marked
    ``slow(keep_first=True)``, every case but the first: the first covers the code path in the
    inner loop, the others (each a build of a second or so) run with ``--slow``."""
    if item.get_closest_marker("soffice"):
        return True
    marker = item.get_closest_marker("slow")
    if marker is None or not marker.kwargs.get("keep_first"):
        return marker is not None
    callspec = getattr(item, "callspec", None)
    return callspec is not None and any(callspec.indices.values())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ``--slow``, leave out the slow tests; a LibreOffice test is slow, and is skipped
    (saying what to install) where LibreOffice or poppler is missing."""
    missing = shutil.which("soffice") is None or shutil.which("pdftotext") is None
    no_office = pytest.mark.skip(
        reason="LibreOffice (soffice) and pdftotext are not installed: "
        "apt-get install libreoffice-writer-nogui poppler-utils"
    )
    kept, slow = [], []
    for item in items:
        (slow if is_slow(item) and not config.getoption("--slow") else kept).append(item)
        if missing and item.get_closest_marker("soffice"):
            item.add_marker(no_office)
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = kept
