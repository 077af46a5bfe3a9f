"""Every example deal sheet builds, in a final build, into a complete document: no warning, no
Jinja left, no missing value, no drafting note, and no blank that the deal sheet did not put
there itself. LibreOffice converts each one, with its headings in order."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from assembler.api import build
from assembler.cli.main import main
from assembler.oxml.ns import qn
from assembler.oxml.text import text_of

from conftest import BANK, first_fast, needs_soffice

EXAMPLES = sorted((BANK / "examples").glob("*.yaml"))
#: deal sheets that describe an agreement as it now stands, for `assemble vary`, not to build alone
VARY_INPUTS = {"over-65s-alliance-year2.yaml"}
BUILDABLE = [e for e in EXAMPLES if e.name not in VARY_INPUTS]


class Built(dict):
    """Each example's build, made when a test first asks for it (the inner loop builds one)."""

    def __init__(self, folder, workspace):
        super().__init__()
        self.folder, self.workspace = folder, workspace

    def __missing__(self, name):
        example = BANK / "examples" / name
        self[name] = build(example, self.folder / f"{example.stem}.docx", workspace=self.workspace)
        return self[name]


@pytest.fixture(scope="module")
def built(tmp_path_factory, workspace):
    return Built(tmp_path_factory.mktemp("examples"), workspace)


def paragraphs(docx: Path) -> list[str]:
    from lxml import etree

    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return [text_of(p) for p in root.iter(qn("w:p"))]


def test_there_is_an_example_for_every_document_type():
    from assembler.deal.sheet import load_deal
    from assembler.deal.types import house_types

    types = {load_deal(e).document_type for e in BUILDABLE}
    assert types == set(house_types())


@pytest.mark.parametrize("example", first_fast(sorted(e.name for e in BUILDABLE)))
def test_the_example_is_complete_in_a_final_build(example, built, assert_valid):
    result = built[example]
    assert [str(w) for w in result.warnings] == []
    text = "\n".join(paragraphs(result.output))
    for leftover in ("{{", "}}", "{%", "%}", "[MISSING"):
        assert leftover not in text, leftover
    with zipfile.ZipFile(result.output) as package:
        assert "word/comments.xml" not in package.namelist()  # drafting notes stay in drafts
    # every [blank] is one the deal sheet itself marks as a placeholder (or the signing date)
    deal_blanks = set(re.findall(r"\[[^\]\n]+\]", (BANK / "examples" / example).read_text()))
    printed = set(re.findall(r"\[[^\]\n]+\]", text))
    assert printed - deal_blanks - {"[date]"} == set()
    assert_valid(result.output)


@pytest.mark.slow
def test_the_bank_covers_every_criterion_with_an_approved_clause():
    result = CliRunner().invoke(main, ["bank", "check", "--json"])
    import json

    findings = json.loads(result.output)["findings"]
    assert [f for f in findings if f["rule"] == "E-check-03"] == []
    assert result.exit_code == 0, [f["message"] for f in findings]


@needs_soffice()
@pytest.mark.parametrize("example", [e.name for e in BUILDABLE])
def test_libreoffice_prints_the_headings_in_order(example, built, tmp_path, workspace):
    result = built[example]
    subprocess.run(
        [
            "soffice",
            # a profile of its own: two soffice processes sharing one block each other
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(result.output),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / f"{result.output.stem}.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = re.sub(r"\s+", " ", text).lower()  # headings may print in capitals
    # after the contents: the operative part starts with the outline's heading
    position = flat.index(workspace.outline(result.plan.document_type).operative_heading.lower())
    for pc in result.plan.clauses + result.plan.schedules:
        found = flat.find(pc.title.lower(), position)
        assert found >= 0, f"{pc.number} {pc.title}"
        position = found
