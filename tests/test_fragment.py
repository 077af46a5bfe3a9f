"""Importing what Word really writes: split placeholders, proofing marks, curly quotes, lists."""

from __future__ import annotations

import pytest
from jinja2.sandbox import SandboxedEnvironment

from assembler.bank.fragment import import_fragment
from assembler.core.errors import AssemblerError

from wordlike import write_docx

SPLIT = (
    '<w:p w:rsidR="00AB12CD"><w:pPr><w:pStyle w:val="Clause2"/><w:spacing w:after="0"/></w:pPr>'
    '<w:r w:rsidR="001"><w:t xml:space="preserve">The {{ party(</w:t></w:r>'
    '<w:proofErr w:type="spellStart"/>'
    '<w:r w:rsidR="002"><w:rPr><w:b/><w:lang w:val="en-GB"/></w:rPr><w:t>\u2018la\u2019</w:t></w:r>'
    '<w:proofErr w:type="spellEnd"/>'
    "<w:r><w:t>).name }} must act</w:t></w:r>"
    '<w:r><w:rPr><w:rFonts w:ascii="Comic Sans MS"/></w:rPr><w:t xml:space="preserve"> {% if x &gt; 1 %}now{% endif %}.</w:t></w:r>'
    "</w:p>"
)


def render(source: str, **names) -> str:
    return SandboxedEnvironment(autoescape=True).from_string(source).render(**names)


def test_split_placeholder_is_joined_and_renders(tmp_path):
    fragment = import_fragment(write_docx(tmp_path / "f.docx", SPLIT))
    assert "{{ party('la').name }}" in fragment.source
    assert "{% if x > 1 %}" in fragment.source
    assert "proofErr" not in fragment.source and "rsid" not in fragment.source
    out = render(fragment.source, party=lambda _id: {"name": 'Smith & "Co"'}, x=2)
    assert "The Smith &amp; &#34;Co&#34; must act now." in out.replace(
        '</w:t></w:r><w:r><w:t xml:space="preserve">', ""
    )
    assert "Comic Sans" not in fragment.source
    assert "removed direct character formatting (fonts, sizes, colours)" in fragment.notes
    assert "removed direct paragraph formatting" in fragment.notes


def test_tag_only_paragraphs_become_bare_tags(tmp_path):
    body = (
        "<w:p><w:r><w:t>{% for p in people %}</w:t></w:r></w:p>"
        '<w:p><w:pPr><w:pStyle w:val="Clause3"/></w:pPr><w:r><w:t>{{ p }}</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>{% endfor %}</w:t></w:r></w:p>"
    )
    fragment = import_fragment(write_docx(tmp_path / "f.docx", body))
    assert fragment.source.splitlines()[0] == "{% for p in people %}"
    out = render(fragment.source, people=["a", "b"])
    assert out.count('<w:pStyle w:val="Clause3"/>') == 2


def test_word_list_buttons_map_onto_house_styles(tmp_path):
    body = (
        '<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="7"/></w:numPr></w:pPr>'
        "<w:r><w:t>lettered</w:t></w:r></w:p>"
        '<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="1"/><w:numId w:val="7"/></w:numPr></w:pPr>'
        "<w:r><w:t>roman</w:t></w:r></w:p>"
    )
    fragment = import_fragment(write_docx(tmp_path / "f.docx", body, numbering=True))
    assert (
        fragment.source.count('w:val="Clause3"') == 1
        and fragment.source.count('w:val="Clause4"') == 1
    )
    assert "numPr" not in fragment.source


def test_list_format_without_a_house_style_is_rejected_with_a_reason(tmp_path):
    body = '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="8"/></w:numPr></w:pPr><w:r><w:t>I.</w:t></w:r></w:p>'
    with pytest.raises(AssemblerError) as caught:
        import_fragment(write_docx(tmp_path / "f.docx", body, numbering=True))
    assert caught.value.diagnostics[0].rule == "E-frag-08"
    assert "upperRoman" in caught.value.diagnostics[0].message


def test_tracked_changes_are_accepted(tmp_path):
    body = (
        '<w:p><w:r><w:t xml:space="preserve">keep </w:t></w:r>'
        '<w:del w:id="1" w:author="A"><w:r><w:delText>gone</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="A"><w:r><w:t>added</w:t></w:r></w:ins></w:p>'
    )
    fragment = import_fragment(write_docx(tmp_path / "f.docx", body))
    assert "keep added" in fragment.source and "gone" not in fragment.source


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"not a zip at all", "E-frag-04"),
        (b"PK\x03\x04truncated", "E-frag-04"),
    ],
)
def test_broken_packages(tmp_path, content, rule):
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    with pytest.raises(AssemblerError) as caught:
        import_fragment(path)
    assert caught.value.diagnostics[0].rule == rule


def test_external_entities_are_refused(tmp_path):
    import zipfile

    path = tmp_path / "xxe.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
        )
    with pytest.raises(AssemblerError) as caught:
        import_fragment(path)
    assert caught.value.diagnostics[0].rule == "E-frag-05"


def test_blocks_other_than_paragraphs_and_tables_are_refused_with_a_reason(tmp_path):
    path = write_docx(tmp_path / "t.docx", '<w:customXml w:element="x"><w:p/></w:customXml>')
    with pytest.raises(AssemblerError) as caught:
        import_fragment(path)
    assert caught.value.diagnostics[0].rule == "E-frag-07"


def test_a_paragraph_with_text_between_tags_keeps_its_text(tmp_path):
    body = "<w:p><w:r><w:t>{% if x %}kept text{% endif %}</w:t></w:r></w:p>"
    fragment = import_fragment(write_docx(tmp_path / "f.docx", body))
    assert "<w:p>" in fragment.source and "kept text" in render(fragment.source, x=True)


def test_fields_keep_their_text_and_moves_are_accepted(tmp_path):
    body = (
        '<w:p><w:r><w:t xml:space="preserve">See clause </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> REF _Ref1 \\r </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>4.2</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t xml:space="preserve"> on page 3</w:t></w:r></w:fldSimple>'
        '<w:moveFrom w:id="5" w:author="A"><w:r><w:t>old place</w:t></w:r></w:moveFrom>'
        '<w:moveTo w:id="6" w:author="A"><w:r><w:t>.</w:t></w:r></w:moveTo></w:p>'
    )
    fragment = import_fragment(write_docx(tmp_path / "f.docx", body))
    assert "See clause 4.2 on page 3." in fragment.source
    assert "fldChar" not in fragment.source and "instr" not in fragment.source
    assert "old place" not in fragment.source
    assert (
        "replaced Word fields with the text they showed (use ref() for references)"
        in fragment.notes
    )
