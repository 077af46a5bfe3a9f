"""oxml.numbering on small XML strings: the numbers Word would show, computed by the engine."""

from __future__ import annotations

import pytest

from assembler.oxml.ns import NS, parse_xml, qn
from assembler.oxml.numbering import Numbering, format_number

W = f'xmlns:w="{NS["w"]}"'
#: The house list's shape: "1." headings, "1.1" clauses, "(a)" and "(i)" below them.
NUMBERING = f"""<w:numbering {W}>
  <w:abstractNum w:abstractNumId="7">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
    <w:lvl w:ilvl="2"><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%3)"/></w:lvl>
    <w:lvl w:ilvl="3"><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%4)"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="8">
    <w:lvl w:ilvl="0"><w:start w:val="5"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="Part %1"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>"""
STYLES = f"""<w:styles {W}>
  <w:style w:styleId="Clause1"><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
  <w:style w:styleId="Clause2"><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
  <w:style w:styleId="Clause3"><w:pPr><w:numPr><w:ilvl w:val="2"/><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
  <w:style w:styleId="BodyText"><w:pPr><w:spacing w:after="120"/></w:pPr></w:style>
</w:styles>"""


@pytest.fixture()
def numbering() -> Numbering:
    return Numbering.read(parse_xml(NUMBERING), parse_xml(STYLES))


def test_the_styles_bound_to_lists_are_read_with_their_level(numbering: Numbering) -> None:
    assert numbering.style_links == {"Clause1": (3, 0), "Clause2": (3, 1), "Clause3": (3, 2)}
    assert numbering.num_to_abstract == {3: 7, 4: 8}


def test_labels_and_references_are_the_ones_word_shows(numbering: Numbering) -> None:
    levels = [0, 1, 2, 2, 3, 1, 2, 0, 1]
    assert [numbering.next_number(3, ilvl) for ilvl in levels] == [
        ("1.", "1"),  # a heading's trailing full stop is not part of a reference to it
        ("1.1", "1.1"),
        ("(a)", "1.1(a)"),  # the reference carries the levels the label leaves out
        ("(b)", "1.1(b)"),
        ("(i)", "1.1(b)(i)"),
        ("1.2", "1.2"),
        ("(a)", "1.2(a)"),  # a deeper level starts again under a new parent
        ("2.", "2"),
        ("2.1", "2.1"),
    ]


def test_a_level_starts_at_its_start_value(numbering: Numbering) -> None:
    assert [numbering.next_number(4, 0)[0] for _ in range(3)] == ["Part E", "Part F", "Part G"]


def test_a_restarted_list_counts_from_one_and_is_written_as_a_num(numbering: Numbering) -> None:
    numbering.next_number(3, 0)
    numbering.next_number(3, 0)
    restarted = numbering.add_restart(3)
    assert restarted == 5  # one past the highest numId
    assert numbering.next_number(restarted, 0) == ("1.", "1")
    assert numbering.next_number(3, 0) == ("3.", "3")  # the original list carries on
    num = numbering.root.find(f"{qn('w:num')}[@{qn('w:numId')}='5']")
    assert num is not None
    assert num.find(qn("w:abstractNumId")).get(qn("w:val")) == "7"
    overrides = num.findall(qn("w:lvlOverride"))
    assert [o.get(qn("w:ilvl")) for o in overrides] == ["0", "1", "2", "3"]
    assert {o.find(qn("w:startOverride")).get(qn("w:val")) for o in overrides} == {"1"}


@pytest.mark.parametrize(
    ("ppr", "style", "expected"),
    [
        ('<w:numPr><w:ilvl w:val="2"/><w:numId w:val="4"/></w:numPr>', "Clause1", (4, 2)),
        ('<w:numPr><w:numId w:val="4"/></w:numPr>', None, (4, 0)),
        ('<w:numPr><w:numId w:val="0"/></w:numPr>', "Clause1", None),  # numbering removed
        ("", "Clause2", (3, 1)),  # from the style
        ("", "BodyText", None),
        ("", None, None),
    ],
)
def test_a_paragraph_s_list_is_its_own_numpr_else_its_style_s(
    numbering: Numbering, ppr: str, style: str | None, expected: tuple[int, int] | None
) -> None:
    p = parse_xml(f"<w:p {W}><w:pPr>{ppr}</w:pPr></w:p>")
    assert numbering.list_of(p, style) == expected


@pytest.mark.parametrize(
    ("fmt", "n", "text"),
    [
        ("decimal", 12, "12"),
        ("lowerLetter", 1, "a"),
        ("lowerLetter", 26, "z"),
        ("lowerLetter", 27, "aa"),  # Word repeats the letter after z
        ("upperLetter", 54, "BBB"),
        ("lowerRoman", 4, "iv"),
        ("upperRoman", 1994, "MCMXCIV"),
        ("bullet", 3, ""),
        ("ordinalText", 2, "2"),  # a format the engine does not know prints as a number
    ],
)
def test_format_number(fmt: str, n: int, text: str) -> None:
    assert format_number(fmt, n) == text
