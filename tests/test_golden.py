"""Golden documents: what the engine writes for each example, as canonical XML a reviewer can read.

Each example's `document.xml`, `numbering.xml`, `styles.xml`, `footnotes.xml` and lock are kept
under `tests/golden/<name>/` as canonical XML (attributes sorted, one element a line) and JSON. A
change to what the engine writes fails here with a unified diff of the part that changed; when the
change is meant, regenerate with `python -m pytest tests/test_golden.py --update-golden` and say why
in the commit. The lock's `document.sha256` makes the comparison byte-for-byte: a rebuild that
differs in any byte of the .docx differs there too.
"""

from __future__ import annotations

import difflib
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from assembler.api import build
from assembler.variation.vary import vary

from conftest import BANK

GOLDEN = Path(__file__).parent / "golden"
PARTS = ("document", "numbering", "styles", "footnotes")
EXAMPLES = {
    "over-65s-alliance": "over-65s-alliance.yaml",
    "mh-rehab-alliance": "mh-rehab-alliance.yaml",
    "over-65s-operations-manual": "over-65s-operations-manual.yaml",
    "ooh-transformation-mou": "ooh-transformation-mou.yaml",
    "over-65s-alliance-variation-1": "over-65s-alliance-variation-1.yaml",
    "over-65s-alliance-year2": "over-65s-alliance-year2.yaml",
}


def canonical_xml(data: bytes) -> str:
    """One element a line, attributes in sorted order: a diff shows the element that changed."""
    root = etree.fromstring(data, etree.XMLParser(remove_blank_text=True))
    for element in root.iter():
        if isinstance(element.tag, str):
            ordered = sorted(element.attrib.items())
            element.attrib.clear()
            element.attrib.update(ordered)
    return etree.tostring(root, pretty_print=True, encoding="unicode")


def canonical_lock(lock_file: Path) -> str:
    """The lock, as JSON with sorted keys."""
    lock: dict[str, Any] = json.loads(
        "\n".join(ln for ln in lock_file.read_text().splitlines() if not ln.startswith("#"))
    )
    return json.dumps(lock, indent=1, sort_keys=True) + "\n"


def snapshots(docx: Path) -> dict[str, str]:
    """The canonical parts of ``docx`` and its lock, by file name."""
    found: dict[str, str] = {}
    with zipfile.ZipFile(docx) as package:
        names = set(package.namelist())
        for part in PARTS:
            name = f"word/{part}.xml"
            if name in names:
                found[f"{part}.xml"] = canonical_xml(package.read(name))
    found["lock.json"] = canonical_lock(docx.with_suffix(".lock.yaml"))
    return found


def compare(name: str, docx: Path, update: bool) -> None:
    """Compare ``docx`` with its golden copy (or rewrite that copy), failing with a unified diff."""
    folder = GOLDEN / name
    made = snapshots(docx)
    if update:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for file, text in made.items():
            (folder / file).write_text(text)
        return
    assert folder.is_dir(), f"no golden copy of {name}: run pytest --update-golden"
    kept = {f.name: f.read_text() for f in folder.iterdir()}
    assert sorted(made) == sorted(kept), f"{name}: parts differ: {sorted(made)} vs {sorted(kept)}"
    for file, text in made.items():
        if text != kept[file]:
            diff = difflib.unified_diff(
                kept[file].splitlines(),
                text.splitlines(),
                f"golden/{name}/{file}",
                f"built/{name}/{file}",
                lineterm="",
                n=2,
            )
            pytest.fail("\n".join(list(diff)[:200]), pytrace=False)


@pytest.fixture()
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def examples(tmp_path: Path) -> Path:
    """A copy of the examples to build beside: the lock, and the copy of it inside the .docx, name
    the deal sheet by its path from the output, which must not depend on the checkout."""
    copy = tmp_path / "examples"
    shutil.copytree(BANK / "examples", copy)
    return copy


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_matches_its_golden_document(
    name: str, tmp_path: Path, workspace: Any, update_golden: bool
) -> None:
    source = examples(tmp_path)
    out = source / f"{name}.docx"
    build(source / EXAMPLES[name], out, workspace=workspace, toc_pages=False)
    compare(name, out, update_golden)


def test_deed_and_conformed_copy_match_their_golden_documents(
    tmp_path: Path, workspace: Any, update_golden: bool
) -> None:
    source = examples(tmp_path)
    signed = source / "signed.docx"
    build(source / EXAMPLES["over-65s-alliance"], signed, workspace=workspace, toc_pages=False)
    out = source / "variation-1.docx"
    result = vary(
        signed.with_suffix(".lock.yaml"),
        source / EXAMPLES["over-65s-alliance-year2"],
        out,
        workspace=workspace,
    )
    compare("vary-deed", out, update_golden)
    compare("vary-conformed", result.conformed, update_golden)


def test_a_changed_part_fails_with_a_readable_diff(tmp_path: Path) -> None:
    """The comparison itself can fail: a golden copy edited by one word is reported as a diff."""
    folder = GOLDEN / "over-65s-alliance"
    docx = tmp_path / "x.docx"
    with zipfile.ZipFile(docx, "w") as package:
        for part in PARTS:
            source = folder / f"{part}.xml"
            if source.is_file():
                text = source.read_text()
                if part == "document":
                    text = text.replace("Alliance", "Aliance", 1)
                package.writestr(f"word/{part}.xml", text)
    lock = json.loads((folder / "lock.json").read_text())
    docx.with_suffix(".lock.yaml").write_text(json.dumps(lock))
    with pytest.raises(pytest.fail.Exception, match=r"(?s)-.*Alliance.*\+.*Aliance"):
        compare("over-65s-alliance", docx, update=False)
