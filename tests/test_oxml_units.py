"""The oxml functions on small XML strings (the python-docx habit): what each does to a paragraph,
run, table or package part, checked on the XML a reader would look at."""

from __future__ import annotations

from typing import TypeAlias

from lxml import etree

from assembler.oxml import body as wb
from assembler.oxml import fragment as wx
from assembler.oxml import fragment_paragraphs as wp
from assembler.oxml import fragment_tables as wt
from assembler.oxml import package as wpkg
from assembler.oxml import text as ox
from assembler.oxml.ns import NS, parse_xml
from assembler.oxml.styles import REQUIRED, Style, rename_styles, style_ids

E: TypeAlias = etree._Element
W = NS["w"]


def xml(inner: str, tag: str = "w:body") -> E:
    return parse_xml(f'<{tag} xmlns:w="{W}" xmlns:w14="urn:w14">{inner}</{tag}>')


def short(element: E) -> str:
    """The element's XML without namespace declarations, for comparing with a literal."""
    text = etree.tostring(element, encoding="unicode").replace("ns0:", "w:")
    for declared in (f' xmlns:w="{W}"', f' xmlns:ns0="{W}"', ' xmlns:w14="urn:w14"'):
        text = text.replace(declared, "")
    return text


# -- fragments -------------------------------------------------------------------------------------


def test_list_formats_follow_each_num_to_its_abstract_definition() -> None:
    numbering = xml(
        '<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:numFmt w:val="lowerRoman"/>'
        '</w:lvl><w:lvl w:ilvl="1"/></w:abstractNum>'
        '<w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num><w:num w:numId="4"/>',
        "w:numbering",
    )
    assert wx.list_formats(numbering) == {("3", "0"): "lowerRoman", ("3", "1"): "decimal"}


def test_style_names_and_footnote_texts() -> None:
    styles = xml('<w:style w:styleId="InternetLink"><w:name w:val="Internet Link"/></w:style>')
    assert wx.style_names(styles) == {"InternetLink": "Internet Link"}
    notes = xml(
        '<w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:t>See  the</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>Act.</w:t></w:r></w:p></w:footnote>"
    )
    assert wx.footnote_texts(notes) == {"1": "See the Act."}


def test_clean_drops_noise_and_word_2010_markup_and_says_so() -> None:
    body = xml(
        '<w:p w14:paraId="1A" w:rsidR="00AB"><w:proofErr/><w:bookmarkStart w:id="0" w:name="_GoBack"/>'
        "<w:r><w:rPr/></w:r><w:r><w:t>Text</w:t></w:r><w14:x/></w:p>"
    )
    assert wx.clean(body[0]) is True
    assert short(body[0]) == "<w:p><w:r><w:t>Text</w:t></w:r></w:p>"
    assert wx.clean(xml("<w:p><w:r><w:t>x</w:t></w:r></w:p>")[0]) is False


def test_accept_revisions_keeps_insertions_and_field_results_only() -> None:
    p = xml(
        "<w:p><w:ins><w:r><w:t>new </w:t></w:r></w:ins><w:del><w:r><w:delText>old</w:delText>"
        '</w:r></w:del><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>REF x'
        '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>9.2</w:t>'
        '</w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )[0]
    notes: list[str] = []
    wp.accept_revisions(p, notes)
    assert ox.text_of(p) == "new 9.2"
    assert "accepted tracked changes" in notes and wp.FIELDS_NOTE in notes


def test_set_only_style_replaces_direct_paragraph_formatting() -> None:
    p = xml('<w:p><w:pPr><w:pStyle w:val="Normal"/><w:jc w:val="center"/></w:pPr></w:p>')[0]
    assert wp.paragraph_style(p) == "Normal"
    assert wp.set_only_style(p, "BodyText") is True
    assert short(p) == '<w:p><w:pPr><w:pStyle w:val="BodyText"/></w:pPr></w:p>'
    assert wp.set_only_style(p, "BodyText") is False


def test_list_key_and_drop_list() -> None:
    p = xml('<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/></w:numPr></w:pPr></w:p>')[
        0
    ]
    assert wp.list_key(p) == ("5", "1")
    wp.drop_list(p)
    assert wp.list_key(p) is None


def test_clean_run_keeps_bold_maps_the_character_style_and_reports_fonts() -> None:
    r = xml(
        '<w:r><w:rPr><w:rStyle w:val="Emph"/><w:rFonts w:ascii="Arial"/><w:b/></w:rPr>'
        "<w:t>x</w:t></w:r>"
    )[0]
    assert wp.clean_run(r, lambda style: "DefinedTerm" if style == "Emph" else None) is True
    assert short(r) == '<w:r><w:rPr><w:rStyle w:val="DefinedTerm"/><w:b/></w:rPr><w:t>x</w:t></w:r>'
    lang_only = xml('<w:r><w:rPr><w:lang w:val="en-GB"/></w:rPr><w:t>x</w:t></w:r>')[0]
    assert wp.clean_run(lang_only, lambda style: style) is False
    assert short(lang_only) == "<w:r><w:t>x</w:t></w:r>"


def test_merge_runs_joins_alike_runs_and_a_split_tag() -> None:
    p = xml(
        "<w:p><w:r><w:t>{{ par</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>ty }}</w:t></w:r>"
        "<w:r><w:rPr><w:b/></w:rPr><w:t> and</w:t></w:r></w:p>"
    )[0]
    wp.merge_runs(p, lambda text: text.count("{{") > text.count("}}"))
    assert [ox.text_of(r) for r in p] == ["{{ party }} and"]


def test_a_table_gets_the_house_style_a_grid_and_a_header_row() -> None:
    tbl = xml(
        '<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/></w:tblPr><w:tr><w:trPr><w:tblHeader '
        'w:val="false"/></w:trPr><w:tc><w:tcPr><w:gridSpan w:val="2"/><w:shd/></w:tcPr><w:p/>'
        "</w:tc></w:tr><w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    )[0]
    assert wt.set_table_style(tbl, "HouseTable") is True
    wt.ensure_grid(tbl, 9000)
    for row in wt.rows_of(tbl):
        wt.clean_row(row)
        for cell in wb.cells_of(row):
            wt.clean_cell(cell)
    assert not wt.has_header_row(tbl)  # a header switched off is no header
    wt.repeat_as_header(wt.rows_of(tbl)[0])
    assert wt.has_header_row(tbl)
    text = short(tbl)
    assert '<w:tblStyle w:val="HouseTable"/>' in text and 'w:val="Grid"' not in text
    assert text.count('<w:gridCol w:w="4500"/>') == 2
    assert "<w:shd/>" not in text and '<w:gridSpan w:val="2"/>' in text


def test_foreign_content_and_alternate_content() -> None:
    assert wx.foreign_content(xml("<w:p><w:r><w:drawing/></w:r></w:p>")[0]) == "an image"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    body = parse_xml(
        f'<w:body xmlns:w="{W}" xmlns:mc="{mc}"><w:p><mc:AlternateContent><mc:Choice/>'
        "<mc:Fallback><w:r><w:t>text</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p></w:body>"
    )
    assert not wx.has_alternate_without_fallback(body)
    assert wx.resolve_alternate_content(body) is True
    assert ox.text_of(body) == "text"


def test_kind_of_names_what_a_block_is() -> None:
    body = xml("<w:p/><w:tbl/><w:sdt/><w14:p/>")
    assert [wx.kind_of(b) for b in body] == ["p", "tbl", "sdt", "p of another namespace"]


# -- bodies and text -------------------------------------------------------------------------------


def test_body_blocks_styles_and_section() -> None:
    document = xml(
        '<w:body><w:p><w:pPr><w:pStyle w:val="ClauseHeading"/></w:pPr></w:p><w:tbl/><w:sectPr/>'
        "</w:body>",
        "w:document",
    )
    body = wb.body_of(document)
    assert body is not None and wb.section_of(body) is not None
    assert [wb.block_style(b) for b in wb.blocks_of(body)] == ["ClauseHeading", None]
    wb.clear(body)
    assert [b.tag for b in body] == [f"{{{W}}}sectPr"]
    assert [wb.is_paragraph(b) for b in wb.parse_blocks("<w:p/><w:tbl/>")] == [True, False]


def test_replace_run_keeps_a_tab_after_the_new_runs() -> None:
    p = xml("<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>a[x]</w:t><w:tab/></w:r></w:p>")[0]
    r = ox.run_of(ox.texts_of(p)[0])
    rpr = ox.run_props(r)
    ox.replace_run(
        r, [ox.run("a", rpr=rpr), ox.run("[x]", rpr=ox.with_char_style(rpr, "Placeholder"))]
    )
    assert [ox.text_of(r) for r in p] == ["a", "[x]", " "]
    assert short(p[1]).startswith('<w:r><w:rPr><w:rStyle w:val="Placeholder"/><w:b/></w:rPr>')


def test_comment_anchor_spans_the_paragraph() -> None:
    p = ox.paragraph("ClauseHeading", "Term")
    ox.comment_anchor(p, 3, "CommentReference")
    names = [etree.QName(c).localname for c in p]
    assert names == ["pPr", "commentRangeStart", "r", "commentRangeEnd", "r"]
    assert 'w:rStyle w:val="CommentReference"' in short(p) and 'w:id="3"' in short(p)


def test_space_before_and_restyle() -> None:
    p = ox.paragraph("ExecutionBlock", "Signed")
    ox.space_before(p, 480)
    ox.restyle(p, "Recital")
    assert short(p).startswith(
        '<w:p><w:pPr><w:pStyle w:val="Recital"/><w:spacing w:before="480"/></w:pPr>'
    )


def test_markup_run_reads_escaped_text() -> None:
    assert ox.text_of(ox.markup_run("A &amp; B")) == "A & B"


# -- the package -----------------------------------------------------------------------------------


def test_point_section_puts_the_header_before_the_footer() -> None:
    body = xml('<w:sectPr><w:footerReference w:type="even"/><w:pgSz/></w:sectPr>')
    wpkg.point_section(body, footer="rIdFooter", header="rIdHeader")
    refs = [(etree.QName(c).localname, c.get(f"{{{NS['r']}}}id")) for c in body[0]]
    assert refs == [
        ("headerReference", "rIdHeader"),
        ("footerReference", "rIdFooter"),
        ("pgSz", None),
    ]


def test_content_types_override_only_the_parts_present() -> None:
    types = wpkg.content_types({"word/document.xml": b"", "word/comments.xml": b"", "x.bin": b""})
    text = types.decode()
    assert 'PartName="/word/document.xml"' in text and 'PartName="/word/comments.xml"' in text
    assert "footnotes" not in text and "x.bin" not in text


def test_settings_drop_update_fields() -> None:
    settings = wpkg.settings(
        f'<w:settings xmlns:w="{W}"><w:updateFields w:val="true"/><w:zoom/></w:settings>'.encode()
    )
    assert [etree.QName(c).localname for c in settings] == ["zoom"]


# -- styles ----------------------------------------------------------------------------------------


def test_style_enum_values_are_the_house_style_ids() -> None:
    assert Style.BODY_TEXT == "BodyText" and f"{Style.CLAUSE_2}" == "Clause2"
    assert Style.HEADER not in REQUIRED and Style.HOUSE_TABLE in REQUIRED


def test_rename_styles_rewrites_paragraph_character_and_table_styles() -> None:
    body = xml(
        '<w:p><w:pPr><w:pStyle w:val="ClauseHeading"/></w:pPr><w:r><w:rPr><w:rStyle '
        'w:val="DefinedTerm"/></w:rPr></w:r></w:p><w:tbl><w:tblPr><w:tblStyle w:val="Other"/>'
        "</w:tblPr></w:tbl>"
    )
    rename_styles([body], {"ClauseHeading": "Heading1", "DefinedTerm": "Term"})
    vals = [e.get(f"{{{W}}}val") for e in body.iter() if e.get(f"{{{W}}}val")]
    assert vals == ["Heading1", "Term", "Other"]
    styles = xml('<w:style w:styleId="Heading1"/><w:style w:styleId="Term"/>', "w:styles")
    assert style_ids(styles) == {"Heading1", "Term"}
