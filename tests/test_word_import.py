"""Clauses as today's Word and LibreOffice save them: Word 2010+ markup, tables with row loops,
styles the house lacks, and the edit round trip through LibreOffice."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from jinja2.sandbox import SandboxedEnvironment
from ruamel.yaml import YAML

from assembler.api import Workspace, build
from assembler.bank.clausebank import ClauseBank
from assembler.bank.fragment import import_fragment
from assembler.bank.ops import approve, bump, new_clause, plain_text
from assembler.core.errors import AssemblerError
from assembler.oxml.checks import check_package
from assembler.package.export import to_pdf

from conftest import BANK, EXAMPLE, copy_bank, needs_soffice, new_version
from reading import table_rows
from wordlike import FIXTURES, W, docx_bytes, with_document, write_docx

MANUAL = BANK / "examples" / "over-65s-operations-manual.yaml"
KPIS = "som-schedule-kpis"
#: Short, distinct indicators, so each table row is one line of the PDF text.
INDICATORS = [("Falls admissions", "monthly"), ("Delayed discharges", "quarterly"),
              ("Care home placements", "annually")]  # fmt: skip


def word365_fragment(tmp_path: Path) -> Path:
    """The KPI schedule as Word 365 saves it (tests/fixtures/word365-kpi-table.xml), in the
    package of the bank's own fragment."""
    bank_fragment = BANK / "clauses" / KPIS / "1.0.0.docx"
    xml = (FIXTURES / "word365-kpi-table.xml").read_bytes()
    return with_document(bank_fragment, xml, tmp_path / "word365.docx")


def render(source: str, **names) -> str:
    return SandboxedEnvironment(autoescape=True).from_string(source).render(**names)


def test_word365_markup_is_dropped_once_and_recorded(tmp_path):
    fragment = import_fragment(word365_fragment(tmp_path))
    for mark in ("w14", "paraId", "mc:", "rsid", "proofErr", "_GoBack", "lang", "xmlns"):
        assert mark not in fragment.source, mark
    assert "{{ body('alb').name }} at the intervals shown." in fragment.source  # the fallback
    assert "{{ k.name }}" in fragment.source  # joined across runs and a grammar mark
    assert "dropped markup a clause cannot carry" in " ".join(fragment.notes)
    assert "resolved Word 2010+ alternate content to its fallback" in fragment.notes


def test_alternate_content_without_a_fallback_is_refused(tmp_path):
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    body = (
        f'<w:p><mc:AlternateContent xmlns:mc="{mc}"><mc:Choice Requires="wps">'
        "<w:r><w:t>shape</w:t></w:r></mc:Choice></mc:AlternateContent></w:p>"
    )
    with pytest.raises(AssemblerError) as caught:
        import_fragment(write_docx(tmp_path / "f.docx", body))
    assert caught.value.diagnostics[0].rule == "E-frag-11"
    assert "no fallback" in caught.value.diagnostics[0].message


def row(*cells: str, header: bool = False) -> str:
    props = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    return (
        f"<w:tr>{props}"
        + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in cells)
        + "</w:tr>"
    )


def table(*rows: str) -> str:
    return (
        '<w:tbl><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>'
        + "".join(rows)
        + "</w:tbl>"
    )


def test_a_row_loop_repeats_the_rows_between_its_tags(tmp_path):
    body = table(
        row("Partner", "Year 1", header=True),
        row("{%tr for p in partners %}", ""),
        row("{{ p.name }}", "{{ p.amount }}"),
        row("{%tr endfor %}", ""),
        row("{%tr if total %}", ""),
        row("Total", "{{ total }}"),
        row("{%tr endif %}", ""),
    )
    fragment = import_fragment(write_docx(tmp_path / "t.docx", body))
    out = render(
        fragment.source,
        partners=[{"name": "A", "amount": 1}, {"name": "B", "amount": 2}],
        total=None,
    )
    assert out.count("<w:tr>") == 3  # the header and one row per partner; the total dropped
    assert "tblHeader" in out and "HouseTable" in out and "{%" not in out
    assert re.search(r"A</w:t>.*1</w:t>.*B</w:t>.*2</w:t>", out)


def test_docxtpl_paragraph_tags_are_read_as_ours(tmp_path):
    body = "<w:p><w:r><w:t>{%p if x %}</w:t></w:r></w:p><w:p><w:r><w:t>shown</w:t></w:r></w:p><w:p><w:r><w:t>{%p endif %}</w:t></w:r></w:p>"
    fragment = import_fragment(write_docx(tmp_path / "f.docx", body))
    assert "shown" in render(fragment.source, x=True) and "shown" not in render(
        fragment.source, x=False
    )


STYLES = (
    f'<w:styles xmlns:w="{W}"><w:style w:type="character" w:styleId="InternetLink">'
    '<w:name w:val="Internet Link"/></w:style><w:style w:type="paragraph" w:styleId="Titre1">'
    '<w:name w:val="heading 1"/></w:style></w:styles>'
)
LINKED = '<w:p><w:r><w:rPr><w:rStyle w:val="InternetLink"/><w:b/></w:rPr><w:t>see the link</w:t></w:r></w:p>'


def test_a_style_the_house_lacks_is_refused_by_name_or_mapped_by_the_bank(tmp_path):
    path = tmp_path / "f.docx"
    path.write_bytes(docx_bytes(LINKED, extra={"word/styles.xml": STYLES.encode()}))
    with pytest.raises(AssemblerError) as caught:
        import_fragment(path)
    assert caught.value.diagnostics[0].rule == "E-frag-10"
    assert "'Internet Link'" in caught.value.diagnostics[0].message
    fragment = import_fragment(path, {"Internet Link": None})
    assert "rStyle" not in fragment.source and "<w:b/>" in fragment.source
    heading = '<w:p><w:pPr><w:pStyle w:val="Titre1"/></w:pPr><w:r><w:t>Titre</w:t></w:r></w:p>'
    path.write_bytes(docx_bytes(heading, extra={"word/styles.xml": STYLES.encode()}))
    with pytest.raises(AssemblerError) as caught:
        import_fragment(path)
    assert "'heading 1'" in caught.value.diagnostics[0].message
    assert 'w:val="BodyText2"' in import_fragment(path, {"heading 1": "BodyText2"}).source


def test_footnotes_and_images_are_refused_with_a_reason(tmp_path):
    body = '<w:p><w:r><w:t>text</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
    with pytest.raises(AssemblerError) as caught:
        import_fragment(write_docx(tmp_path / "f.docx", body))
    assert caught.value.diagnostics[0].rule == "E-frag-09"
    assert "a footnote" in caught.value.diagnostics[0].message


def test_the_package_check_finds_undefined_styles_lists_and_relationships(tmp_path, example):
    _, data = example
    source = tmp_path / "good.docx"
    source.write_bytes(data)
    with zipfile.ZipFile(source) as package:
        document = package.read("word/document.xml").decode()
        broken = document.replace('w:val="Clause2"', 'w:val="NoSuchStyle"', 1)
        broken = broken.replace(
            "<w:body>",
            f'<w:body><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="999"/></w:numPr></w:pPr><w:hyperlink xmlns:r="{ROOT_R}" r:id="rId99"/></w:p>',
            1,
        )
        bad = with_document(source, broken.encode(), tmp_path / "bad.docx")
    problems = " ".join(check_package(bad))
    assert "'NoSuchStyle'" in problems and "'999'" in problems and "'rId99'" in problems
    assert check_package(source) == []


ROOT_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def bank_with_version(tmp_path: Path, fragment: Path, clause: str = KPIS) -> Path:
    """A copy of the house bank whose ``clause`` has a new approved version made of ``fragment``."""
    bank = copy_bank(tmp_path)
    new_version(
        bank,
        clause,
        fragment=fragment,
        approved_on=dt.date(2026, 1, 1),
        effective_from=dt.date(2015, 1, 1),
        change="Imported from Word.",
    )
    return bank


def deal_with_indicators(tmp_path: Path) -> Path:
    yaml = YAML()
    deal = yaml.load(MANUAL.read_text(encoding="utf-8"))
    template = deal["performance"]["kpis"][0]
    kpis = []
    for name, frequency in INDICATORS:
        kpi = dict(template)
        kpi.update(name=name, frequency=frequency)
        kpis.append(kpi)
    deal["performance"]["kpis"] = kpis
    target = tmp_path / "manual.yaml"
    with target.open("w", encoding="utf-8") as stream:
        yaml.dump(deal, stream)
    return target


@pytest.mark.slow
def test_a_word365_table_schedule_builds_valid_with_one_row_per_kpi(tmp_path, assert_valid):
    bank = bank_with_version(tmp_path, word365_fragment(tmp_path))
    entry = (bank / "clauses" / KPIS / "clause.yaml").read_text(encoding="utf-8")
    assert "imported:" in entry and "alternate content" in entry  # recorded once, at approval
    clause_bank = ClauseBank.load(bank)
    shown = plain_text(clause_bank, clause_bank.clause(KPIS).versions[-1])  # bank show and diff
    assert "{% for k in deal.performance.kpis %}" in shown and "{% endfor %}" in shown
    assert "| {{ k.name }} | {{ k.frequency }} | {% if k.payment == 'paid' %}yes" in " ".join(shown)
    result = build(
        deal_with_indicators(tmp_path),
        tmp_path / "manual.docx",
        workspace=Workspace.open(bank, BANK / "templates"),
    )
    assert not [w for w in result.warnings if w.rule == "W-frag-01"]
    assert_valid(result.output)
    tables = docx.Document(str(result.output)).tables
    kpi_table = next(t for t in tables if t.rows[0].cells[0].text == "Indicator")
    rows = [[c.text for c in r.cells] for r in kpi_table.rows]
    assert rows[2:] == [[name, freq, "no"] for name, freq in INDICATORS]
    assert rows[0][0] == "Indicator" and rows[0][1] == rows[0][2] == "Reporting"  # merged


@needs_soffice()
def test_libreoffice_prints_one_table_row_per_kpi(tmp_path):
    bank = bank_with_version(tmp_path, word365_fragment(tmp_path))
    result = build(
        deal_with_indicators(tmp_path),
        tmp_path / "manual.docx",
        workspace=Workspace.open(bank, BANK / "templates"),
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(to_pdf(result.output)), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name, frequency in INDICATORS:
        rows = [line for line in text.splitlines() if name in line]
        assert len(rows) == 1 and re.search(rf"{name}\s+{frequency}\s+no", rows[0]), rows


def libreoffice(source: Path, target_format: str, tmp_path: Path) -> Path:
    """Convert ``source`` with LibreOffice headless, as a user's save would."""
    out = tmp_path / f"lo-{target_format.split(':')[0]}"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", target_format, "--outdir", str(out), str(source)],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    result = out / f"{source.stem}.{target_format.split(':')[0]}"
    assert result.is_file(), f"LibreOffice did not convert {source.name}"
    return result


LIBREOFFICE_HTML = """<html><body>
<p>The {{ party(<b>'la'</b>).name }} must <i>act</i> in good faith. See <a href="https://www.legislation.gov.uk/">the legislation</a>.</p>
<table border="1">
<tr><th rowspan="2">Partner</th><th colspan="2">Contribution</th></tr>
<tr><th>Year 1</th><th>Year 2</th></tr>
<tr><td colspan="3">{%tr for p in parties %}</td></tr>
<tr><td>{{ p.name }}</td><td>{{ placeholder('amount') }}</td><td>{{ placeholder('amount') }}</td></tr>
<tr><td colspan="3">{%tr endfor %}</td></tr>
</table>
</body></html>"""


@needs_soffice()
def test_a_libreoffice_fragment_with_a_table_link_and_merged_cells_builds_valid(
    tmp_path, assert_valid
):
    html = tmp_path / "relationship.html"
    html.write_text(LIBREOFFICE_HTML, encoding="utf-8")
    fragment = libreoffice(html, "docx:MS Word 2007 XML", tmp_path)
    bank = bank_with_version(tmp_path, fragment, "relationship")
    folder = new_clause(
        ClauseBank.load(bank),
        "lo-clause",
        "From LibreOffice",
        fragment,
        "alliance_agreement",
        BANK / "templates" / "house-style.docx",
    )
    recorded = YAML().load((folder / "clause.yaml").read_text(encoding="utf-8"))["versions"][0]
    assert "mapped style 'Table Contents' to TableText (bank.yaml)" in recorded["imported"]
    result = build(
        EXAMPLE,
        tmp_path / "a.docx",
        workspace=Workspace.open(bank, BANK / "templates"),
    )
    assert not [w for w in result.warnings if w.rule == "W-frag-01"]
    assert_valid(result.output)
    document = docx.Document(str(result.output))
    texts = [p.text for p in document.paragraphs]
    assert any(t.endswith("must act in good faith. See the legislation.") for t in texts)
    parties = YAML().load(EXAMPLE.read_text(encoding="utf-8"))["parties"]
    assert [r.cells[0].text for r in document.tables[-1].rows][2:] == [p["name"] for p in parties]


def edit_in_libreoffice(fragment: Path, old: bytes, new: bytes, tmp_path: Path) -> None:
    """Open ``fragment`` in LibreOffice, replace ``old`` with ``new`` in its text, and save it back
    as .docx: a LibreOffice save, with the .odt edited in between as a user's typing would be."""
    odt = libreoffice(fragment, "odt", tmp_path)
    edited = tmp_path / "edited" / f"{fragment.stem}.odt"
    edited.parent.mkdir()
    with zipfile.ZipFile(odt) as source, zipfile.ZipFile(edited, "w") as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "content.xml":
                assert old in data
                data = data.replace(old, new)
            out.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    shutil.copyfile(libreoffice(edited, "docx:MS Word 2007 XML", tmp_path), fragment)


@needs_soffice()
def test_the_libreoffice_edit_round_trip_shows_only_the_edit(tmp_path, assert_valid):
    from click.testing import CliRunner

    from assembler.cli.main import main

    def cli(*args: str) -> str:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    bank = copy_bank(tmp_path)
    cli("bank", "bump", "--bank", str(bank), "relationship")
    fragment = bank / "clauses" / "relationship" / "1.1.0.docx"
    edit_in_libreoffice(fragment, b"its own employees", b"its own staff", tmp_path)
    diff = cli("bank", "diff", "--bank", str(bank), "relationship@1.0.0", "relationship@1.1.0")
    changed = [line for line in diff.splitlines() if "[-" in line or "{+" in line]
    assert len(changed) == 1 and "[-employees,-]{+staff,+}" in changed[0], diff
    approved = cli(
        "bank", "approve", "--bank", str(bank), "relationship@1.1.0", "--by", "Head of Legal",
        "--on", "2026-01-01", "--effective-from", "2015-01-01", "--change", "Staff, not employees.",
    )  # fmt: skip
    assert "approved relationship@1.1.0" in approved
    result = build(EXAMPLE, tmp_path / "a.docx", workspace=Workspace.open(bank, BANK / "templates"))
    assert [c.version for c in result.plan.clauses if c.clause_id == "relationship"] == ["1.1.0"]
    assert not [w for w in result.warnings if w.rule == "W-frag-01"]
    assert_valid(result.output)
    texts = [p.text for p in docx.Document(str(result.output)).paragraphs]
    assert any("responsible for its own staff, contractors" in t for t in texts)


def test_content_controls_around_rows_and_cells_give_way_to_their_content(tmp_path):
    body = table(
        row("Partner", "Amount", header=True),
        "<w:sdt><w:sdtPr><w:alias w:val='repeating'/></w:sdtPr><w:sdtContent>"
        + row("{{ name }}", "1")
        + "</w:sdtContent></w:sdt>",
    )
    fragment = import_fragment(write_docx(tmp_path / "t.docx", body))
    assert "sdt" not in fragment.source and render(fragment.source, name="A").count("<w:tr>") == 2
    assert "removed content controls, keeping their text" in fragment.notes


def test_the_house_manual_tables_have_one_row_per_kpi_and_report(tmp_path, workspace, assert_valid):
    result = build(MANUAL, tmp_path / "manual.docx", workspace=workspace)
    assert not result.warnings
    assert_valid(result.output)
    deal = YAML().load(MANUAL.read_text(encoding="utf-8"))
    tables = {t.rows[0].cells[0].text: t for t in docx.Document(str(result.output)).tables}
    kpis = [r.cells[0].text.split("\n")[0] for r in tables["Indicator"].rows[1:]]
    assert kpis == [k["name"] for k in deal["performance"]["kpis"]]
    reports = [r.cells[0].text for r in tables["Report"].rows[1:]]
    assert sorted(reports) == sorted(
        r["report"][:1].upper() + r["report"][1:] for r in deal["reporting_calendar"]
    )
    assert reports[0].startswith("A reconciliation")  # quarterly first; intervals not agreed last


NUMBERED_CELLS = (
    '<w:p><w:pPr><w:pStyle w:val="Clause2"/></w:pPr><w:r><w:t>The Parties share the table below.</w:t></w:r></w:p>'
    + table(
        row("Item", "Rule", header=True),
        row("First", "{{ label('cell') }}A numbered rule in a cell."),
    ).replace(
        "<w:p><w:r><w:t>{{ label('cell') }}",
        "<w:p><w:pPr><w:pStyle w:val=\"Clause2\"/></w:pPr><w:r><w:t>{{ label('cell') }}",
    )
    + "<w:p><w:pPr><w:pStyle w:val=\"Clause2\"/></w:pPr><w:r><w:t>See {{ ref('relationship.cell') }}.</w:t></w:r></w:p>"
)


@pytest.mark.slow
def test_numbering_and_cross_references_reach_into_table_cells(tmp_path, assert_valid):
    bank = bank_with_version(
        tmp_path, write_docx(tmp_path / "cells.docx", NUMBERED_CELLS), "relationship"
    )
    result = build(EXAMPLE, tmp_path / "a.docx", workspace=Workspace.open(bank, BANK / "templates"))
    assert_valid(result.output)
    number = next(c.number for c in result.plan.clauses if c.clause_id == "relationship")
    texts = [p.text for p in docx.Document(str(result.output)).paragraphs]
    assert f"See clause {number}.2." in texts  # .1 before the table, .2 the rule in the cell


def test_rows_in_a_loop_are_not_header_rows_and_nested_tables_loop_too(tmp_path):
    inner = table(row("{%tr for x in xs %}", ""), row("{{ x }}", ""), row("{%tr endfor %}", ""))
    body = table(
        row("{%tr for p in people %}", ""),
        row("{{ p }}", "x").replace("<w:p><w:r><w:t>x</w:t></w:r></w:p>", inner + "<w:p/>"),
        row("{%tr endfor %}", ""),
    )
    source = import_fragment(write_docx(tmp_path / "t.docx", body)).source
    out = render(source, people=["a", "b"], xs=[1, 2, 3])
    assert "tblHeader" not in out  # the only rows repeat: none can be the header
    assert out.count("<w:tr>") == 2 + 2 * 3 and "{%" not in out


def test_a_text_draft_of_a_fragment_with_a_table_is_refused(tmp_path):
    from assembler.bank.authoring import draft_from_fragment

    with pytest.raises(AssemblerError) as caught:
        draft_from_fragment((BANK / "clauses/som-schedule-kpis/1.1.0.docx").read_bytes())
    assert caught.value.diagnostics[0].rule == "E-frag-12"


ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:text>
<text:p>The Parties meet quarterly.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation>
<text:note-body><text:p>As guidance G14 suggests.</text:p></text:note-body></text:note></text:p>
</office:text></office:body></office:document-content>"""
ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"""


@needs_soffice()
def test_a_libreoffice_footnote_becomes_a_footnote_of_the_document(tmp_path, assert_valid):
    odt = tmp_path / "noted.odt"
    with zipfile.ZipFile(odt, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        package.writestr("META-INF/manifest.xml", ODT_MANIFEST)
        package.writestr("content.xml", ODT_CONTENT, compress_type=zipfile.ZIP_DEFLATED)
    fragment = libreoffice(odt, "docx:MS Word 2007 XML", tmp_path)
    with zipfile.ZipFile(fragment) as package:
        assert "word/footnotes.xml" in package.namelist()  # LibreOffice wrote a real footnote
    bank = bank_with_version(tmp_path, fragment, "relationship")
    clause_bank = ClauseBank.load(bank)
    shown = plain_text(clause_bank, clause_bank.clause("relationship").versions[-1])
    assert shown == ["The Parties meet quarterly.[footnote: As guidance G14 suggests.]"]
    result = build(EXAMPLE, tmp_path / "a.docx", workspace=Workspace.open(bank, BANK / "templates"))
    assert_valid(result.output)
    with zipfile.ZipFile(result.output) as package:
        notes = package.read("word/footnotes.xml").decode()
        document = package.read("word/document.xml").decode()
    assert "As guidance G14 suggests." in notes and document.count("w:footnoteReference") == 1
    texts = [p.text for p in docx.Document(str(result.output)).paragraphs]
    assert "The Parties meet quarterly." in texts


def test_footnotes_are_numbered_in_reading_order_and_a_missing_one_is_refused(tmp_path):
    notes = (
        f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        "<w:footnote w:id=\"7\"><w:p><w:r><w:t>Second: {{ party('la').name }}.</w:t></w:r></w:p></w:footnote>"
        '<w:footnote w:id="3"><w:p><w:r><w:t>First.</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    body = (
        '<w:p><w:r><w:t>One</w:t></w:r><w:r><w:footnoteReference w:id="3"/></w:r>'
        '<w:r><w:t xml:space="preserve"> two</w:t></w:r><w:r><w:footnoteReference w:id="7"/></w:r></w:p>'
    )
    path = tmp_path / "f.docx"
    path.write_bytes(docx_bytes(body, extra={"word/footnotes.xml": notes.encode()}))
    source = import_fragment(path).source
    assert source.index("First.") < source.index("Second: {{ party('la').name }}.")
    missing = body.replace('w:id="7"', 'w:id="8"')
    path.write_bytes(docx_bytes(missing, extra={"word/footnotes.xml": notes.encode()}))
    with pytest.raises(AssemblerError) as caught:
        import_fragment(path)
    assert caught.value.diagnostics[0].rule == "E-frag-09"
    assert "its text is missing" in caught.value.diagnostics[0].message


@pytest.mark.slow
def test_a_draft_says_what_import_changed_until_approval_records_it(tmp_path):
    bank = copy_bank(tmp_path)
    version = bump(ClauseBank.load(bank), "relationship", "minor")
    fonts = '<w:p><w:r><w:rPr><w:rFonts w:ascii="Arial"/></w:rPr><w:t>The Parties are independent.</w:t></w:r></w:p>'
    write_docx(bank / "clauses" / "relationship" / f"{version}.docx", fonts)

    def frag_warnings(draft: bool) -> list[str]:
        workspace = Workspace.open(bank, BANK / "templates")
        result = build(EXAMPLE, tmp_path / "a.docx", draft=draft, workspace=workspace)
        return [w.message for w in result.warnings if w.rule == "W-frag-01"]

    assert frag_warnings(draft=True) == [
        f"clause relationship@{version}: removed direct character formatting (fonts, sizes, colours)"
    ]
    approve(
        ClauseBank.load(bank),
        f"relationship@{version}",
        "Head of Legal",
        dt.date(2026, 1, 1),
        dt.date(2015, 1, 1),
        change="Imported from Word.",
    )
    assert frag_warnings(draft=False) == []


@pytest.mark.slow
def test_a_bare_table_without_grid_or_properties_builds_valid(tmp_path, assert_valid):
    bare = (
        "<w:p><w:r><w:t>The Parties agree the contacts below.</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Party</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Contact</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>{%tr for p in parties %}</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>{{ p.name }}</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>{%tr endfor %}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    bank = bank_with_version(tmp_path, write_docx(tmp_path / "bare.docx", bare), "relationship")
    result = build(EXAMPLE, tmp_path / "a.docx", workspace=Workspace.open(bank, BANK / "templates"))
    assert_valid(result.output)
    rows = table_rows(result.output.read_bytes())
    assert rows[0] == ["Party", "Contact"] and len(rows) == 1 + len(
        YAML().load(EXAMPLE.read_text())["parties"]
    )


@needs_soffice()
def test_libreoffice_numbers_a_paragraph_in_a_cell_as_the_engine_does(tmp_path):
    bank = bank_with_version(
        tmp_path, write_docx(tmp_path / "cells.docx", NUMBERED_CELLS), "relationship"
    )
    result = build(EXAMPLE, tmp_path / "a.docx", workspace=Workspace.open(bank, BANK / "templates"))
    number = next(c.number for c in result.plan.clauses if c.clause_id == "relationship")
    text = subprocess.run(
        ["pdftotext", "-layout", str(to_pdf(result.output)), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(rf"First\s+{number}\.2\s+A numbered rule in a cell\.", text)
    assert re.search(rf"{number}\.3\s+See clause {number}\.2\.", text)
