"""A draft says so on its cover and on every page, with the date and what built it; a service
operations manual carries a document-control box on its cover."""

from __future__ import annotations

import re
import subprocess
import zipfile

from ruamel.yaml import YAML

from assembler import __version__
from assembler.api import build
from assembler.oxml.ns import parse_xml, qn
from assembler.oxml.text import style_of, text_of
from assembler.package.export import to_pdf

from conftest import BANK, EXAMPLE, needs_soffice

MANUAL = BANK / "examples" / "over-65s-operations-manual.yaml"


def part(docx, name: str) -> str:
    with zipfile.ZipFile(docx) as package:
        return package.read(name).decode() if name in package.namelist() else ""


def cover(docx) -> list[str]:
    """The texts of the cover: every paragraph (tables' too) before the contents heading."""
    body = parse_xml(part(docx, "word/document.xml").encode())
    texts = []
    for p in body.iter(qn("w:p")):
        if style_of(p) == "TOCHeading":
            break
        texts.append(text_of(p))
    return texts


def test_a_draft_carries_its_legend_on_the_cover_and_in_the_header(
    tmp_path, workspace, assert_valid
):
    draft = build(EXAMPLE, tmp_path / "draft.docx", workspace=workspace, draft=True)
    assert_valid(draft.output)
    plan = draft.plan
    legend = (
        f"DRAFT as at 1 April 2017 \u00b7 clause bank {plan.bank_id} {plan.bank_version} "
        f"\u00b7 assembler {__version__}"
    )
    assert legend in cover(draft.output)
    header = part(draft.output, "word/header1.xml")
    assert legend in header
    assert 'w:headerReference w:type="default"' in part(draft.output, "word/document.xml")
    final = build(EXAMPLE, tmp_path / "final.docx", workspace=workspace)
    assert not part(final.output, "word/header1.xml")
    assert not any("DRAFT" in text for text in cover(final.output))


@needs_soffice()
def test_every_page_of_a_draft_says_draft(tmp_path, workspace):
    draft = build(MANUAL, tmp_path / "manual.docx", workspace=workspace, draft=True)
    text = subprocess.run(
        ["pdftotext", str(to_pdf(draft.output)), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) > 5 and all("DRAFT as at 1 April 2017" in page for page in pages)


def test_a_manual_has_a_document_control_box_from_the_deal_sheet(tmp_path, workspace, assert_valid):
    data = YAML(typ="safe").load(MANUAL.read_text())
    control = data["document_control"]
    control.update(version="2.1", owner="Alliance Director")
    control["revision_history"][-1].update(version="2.1", date="2017-03-01")
    del control["review_date"]
    deal = tmp_path / "manual.yaml"
    YAML().dump(data, deal)
    result = build(deal, tmp_path / "manual.docx", workspace=workspace)
    assert_valid(result.output)
    texts = cover(result.output)
    rows = [(texts[i], texts[i + 1]) for i in range(len(texts) - 1)]
    assert ("Version", "2.1") in rows
    assert ("Owner", "Alliance Director") in rows
    assert ("Approved by", "Alliance Leadership Board, 1 March 2017") in rows
    assert ("In effect from", "1 April 2017") in rows
    review = dict(rows)["Next review"]
    assert re.fullmatch(r"\[date of the next review\] \(.+\)", review), review
    # the absent value is a blank the drafter sees: highlighted as a placeholder
    body = part(result.output, "word/document.xml")
    assert re.search(
        r'<w:rStyle w:val="Placeholder"/></w:rPr><w:t>\[date of the next review\]</w:t>', body
    )
