"""Through LibreOffice: signature pages that hold together, whatever the number of parties."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from assembler.api import build
from assembler.cli.main import main
from assembler.package.export import to_pdf
from assembler.package.lockfile import lock_path_for

from conftest import BANK, EXAMPLE, needs_soffice

MOU = BANK / "examples" / "ooh-transformation-mou.yaml"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def pdf_pages(pdf: Path, layout: bool = False) -> list[list[str]]:
    """Each page's non-empty lines, as pdftotext reads them."""
    text = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        [line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")
    ]


def with_parties(count: int, deal: Path = MOU) -> dict:
    """The deal sheet with ``count`` parties: the first of its own, then more like its last;
    with fewer than its own, references to the parties left out go to those kept."""
    data = YAML(typ="safe").load(deal.read_text())
    own = data["parties"]
    kept = own[:count] + [
        {**own[-1], "id": f"party_{i}", "name": f"[Party {i}]"} for i in range(len(own), count)
    ]
    ids = [p["id"] for p in kept]
    gone = [p["id"] for p in own if p["id"] not in ids]
    to_kept = {old: ids[i % len(ids)] for i, old in enumerate(gone)}

    def remap(node):
        if isinstance(node, dict):
            return {key: remap(value) for key, value in node.items()}
        if isinstance(node, list):
            out: list = []
            for item in map(remap, node):
                party = item.get("party") if isinstance(item, dict) else item
                if (
                    isinstance(party, str)
                    and party in ids
                    and any(party == (o.get("party") if isinstance(o, dict) else o) for o in out)
                ):
                    continue  # two references that now name the same party
                out.append(item)
            return out
        return to_kept.get(node, node) if isinstance(node, str) else node

    data = remap({key: value for key, value in data.items() if key != "parties"})
    data["parties"] = kept
    if gone:
        data.pop("related_documents", None)  # each names two parties of its own
    return data


@needs_soffice()
@pytest.mark.parametrize("count", [2, 6, 12, 20])
def test_no_signature_block_splits_and_no_heading_stands_alone(
    count, tmp_path, workspace, assert_valid
):
    deal = tmp_path / "deal.yaml"
    stream = io.StringIO()
    YAML().dump(with_parties(count), stream)
    deal.write_text(stream.getvalue())
    result = build(deal, tmp_path / "mou.docx", workspace=workspace, draft=True)
    assert_valid(result.output)
    pages = pdf_pages(to_pdf(result.output))
    first = next(i for i, page in enumerate(pages) if "Execution" in page)
    heading = pages[first].index("Execution")
    signing = [pages[first][heading + 1 :]] + pages[first + 1 :]
    assert any(line.startswith("Signed by") for line in signing[0]), "the heading stands alone"
    starts = [sum(line.startswith("Signed by") for line in page) for page in signing]
    ends = [sum(line.startswith("Date:") for line in page) for page in signing]
    assert sum(starts) == count
    assert starts == ends, f"a block splits across pages: starts {starts}, ends {ends}"


# -- the contents page's page numbers --------------------------------------------------------------


def contents(docx: Path) -> list[tuple[str, str | None]]:
    """Each contents entry's text and the page number its PAGEREF field shows (None if none)."""
    from assembler.oxml.ns import parse_xml, qn
    from assembler.oxml.text import style_of, text_of

    with zipfile.ZipFile(docx) as package:
        document = parse_xml(package.read("word/document.xml"))
    entries = []
    for p in document.iter(qn("w:p")):
        if style_of(p) != "TOC1":
            continue
        instructions = "".join(t.text or "" for t in p.iter(qn("w:instrText")))
        text = text_of(p).strip()
        if "PAGEREF" in instructions:
            text, _, page = text.rpartition(" ")
            entries.append((text.strip(), page))
        else:
            entries.append((text, None))
    return entries


def heading_page(pages: list[list[str]], entry: str) -> int:
    """The page (from 1) on which LibreOffice printed the heading a contents entry names."""
    if entry.startswith("Schedule "):
        wanted = re.compile(re.escape(entry.split(":")[0]) + "$")
    else:
        number, title = entry.split(" ", 1)
        wanted = re.compile(rf"{re.escape(number)}\s+{re.escape(title)}$")
    found = [i + 1 for i, page in enumerate(pages) if any(wanted.match(line) for line in page)]
    assert len(found) == 1, (entry, found)
    return found[0]


def assert_contents_pages_match(docx: Path) -> None:
    """Every contents entry has a page number, the page LibreOffice prints its heading on."""
    entries = contents(docx)
    assert len(entries) > 5 and all(page for _, page in entries), entries
    pages = pdf_pages(to_pdf(docx), layout=True)
    for entry, page in entries:
        assert heading_page(pages, entry) == int(page or 0), entry


@needs_soffice()
def test_contents_page_numbers_are_the_pages_libreoffice_prints_the_headings_on(
    tmp_path, assert_valid
):
    out = tmp_path / "one" / "over-65s-alliance.docx"
    result = run("build", str(EXAMPLE), "-o", str(out))  # the CLI lays out by default
    assert result.exit_code == 0, result.output
    assert_valid(out)
    assert_contents_pages_match(out)
    lock = json.loads(lock_path_for(out).read_text().split("\n", 1)[1])
    assert lock["document"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    # the same inputs (and LibreOffice) give the same bytes
    again = tmp_path / "two" / "over-65s-alliance.docx"
    assert run("build", str(EXAMPLE), "-o", str(again)).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


@needs_soffice()
@pytest.mark.parametrize("name", ["ooh-transformation-mou", "over-65s-operations-manual"])
def test_the_api_lays_out_on_request_and_writes_the_pdf(name, tmp_path, workspace, monkeypatch):
    monkeypatch.delenv("ASSEMBLER_TOC_PAGES", raising=False)
    deal = BANK / "examples" / f"{name}.yaml"
    plain = build(deal, tmp_path / "plain" / f"{name}.docx", workspace=workspace)
    assert all(page is None for _, page in contents(plain.output))  # off by default
    paged = build(deal, tmp_path / f"{name}.docx", workspace=workspace, toc_pages=True, pdf=True)
    assert paged.exports == [paged.output.with_suffix(".pdf")] and not paged.not_made
    assert_contents_pages_match(paged.output)


def test_without_libreoffice_the_docx_is_written_and_the_pdf_is_not(
    tmp_path, monkeypatch, assert_valid
):
    from assembler.package import export

    monkeypatch.setattr(export, "soffice", lambda: None)
    out = tmp_path / "mou.docx"
    result = run("build", str(MOU), "-o", str(out), "--pdf")
    assert result.exit_code == 3, result.output
    assert f"{out}: warning W-export-01: no PDF: LibreOffice" in result.output
    assert "nothing was written" not in result.output
    assert out.is_file() and lock_path_for(out).is_file() and not out.with_suffix(".pdf").exists()
    assert_valid(out)
    entries = contents(out)  # a contents page without page numbers, and no prompt to update
    assert entries and all(page is None for _, page in entries)
    with zipfile.ZipFile(out) as package:
        assert "updateFields" not in package.read("word/settings.xml").decode()
    # the same for batch
    batch = run("batch", str(MOU), "-o", str(tmp_path / "batch"), "--pdf")
    assert batch.exit_code == 3, batch.output
    assert (tmp_path / "batch" / "ooh-transformation-mou.docx").is_file()


@needs_soffice()
def test_batch_and_vary_write_pdfs(tmp_path):
    batch = run("batch", str(MOU), "-o", str(tmp_path / "batch"), "--pdf")
    assert batch.exit_code == 0, batch.output
    pdf = tmp_path / "batch" / "ooh-transformation-mou.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert all(page for _, page in contents(pdf.with_suffix(".docx")))
    signed = tmp_path / "signed.docx"
    assert run("build", str(EXAMPLE), "-o", str(signed), "--no-toc-pages").exit_code == 0
    varied = tmp_path / "variation-1.docx"
    year2 = BANK / "examples" / "over-65s-alliance-year2.yaml"
    result = run("vary", str(lock_path_for(signed)), str(year2), "-o", str(varied), "--pdf")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert "variation-1.pdf" in written and len(written) == 2, written


def execution_blocks(docx: Path) -> list[tuple[str, str]]:
    """Each execution block's first and last lines, from the document."""
    from assembler.oxml.ns import parse_xml, qn
    from assembler.oxml.text import style_of, text_of

    with zipfile.ZipFile(docx) as package:
        document = parse_xml(package.read("word/document.xml"))
    blocks: list[list[str]] = []
    for p in document.iter(qn("w:p")):
        if style_of(p) != "ExecutionBlock":
            continue
        if p.find(f"{qn('w:pPr')}/{qn('w:spacing')}") is not None or not blocks:
            blocks.append([])  # the first line of a block has space before it
        blocks[-1].append(" ".join(text_of(p).split()))
    return [(block[0], block[-1]) for block in blocks]


@needs_soffice()
def test_deed_execution_blocks_of_every_legal_form_stay_whole(tmp_path, workspace):
    deal = tmp_path / "deed.yaml"
    data = with_parties(14, BANK / "examples" / "over-65s-alliance-variation-1.yaml")
    data["original"]["deal"] = str(EXAMPLE)  # the agreement it varies, where it is
    stream = io.StringIO()
    YAML().dump(data, stream)
    deal.write_text(stream.getvalue())
    result = build(deal, tmp_path / "deed.docx", workspace=workspace, draft=True)
    blocks = execution_blocks(result.output)
    assert len(blocks) == 14
    pages = [" ".join(" ".join(page).split()) for page in pdf_pages(to_pdf(result.output))]
    text, starts = "", []
    for page in pages:
        starts.append(len(text))
        text += page + " "

    def page_of(position: int) -> int:
        return max(i for i, start in enumerate(starts) if start <= position)

    cursor = text.index("Execution")
    for first, last in blocks:
        begin = text.index(first[:40], cursor)
        end = text.index(last[:25], begin + len(first[:40]))
        assert page_of(begin) == page_of(end), f"the block {first[:40]!r} splits across pages"
        cursor = end
