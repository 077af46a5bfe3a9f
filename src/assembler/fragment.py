"""Import a Word fragment: read the .docx safely and normalise what Word writes into a Jinja template.

Word splits ``{{ party('la').name }}`` over several runs (spell-check marks, revision ids, a change of
formatting half way), curls the quotes inside tags, and writes list numbering as direct formatting.
The importer fixes all of that on the element tree and reports what it changed. docxtpl's
``patch_xml`` does the run joining with regular expressions over the XML text, which silently drops
the formatting of every run inside a tag and mis-handles ``<`` and ``>`` in tags; we do it on the tree.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from .errors import AssemblerError, Diagnostic
from .oxml.ns import qn
from .oxml.reader import WordPackage, parse_part
from .oxml.text import text_of

E: TypeAlias = etree._Element

#: Bounds on a fragment package: a clause is a few kilobytes of XML.
MAX_FRAGMENT_BYTES = 5_000_000

#: House paragraph styles a fragment may use, and what other common styles become.
FRAGMENT_STYLES = {
    "Clause2", "Clause3", "Clause4", "BodyText", "BodyText2", "ListBullet",
    "ScheduleClause1", "SchedulePart", "Definition",
}  # fmt: skip
STYLE_ALIASES = {None: "BodyText", "Normal": "BodyText", "ListParagraph": "BodyText2"}
#: House styles that carry their own list numbering.
LISTED_STYLES = {"Clause2", "Clause3", "Clause4", "ListBullet", "ScheduleClause1"}
#: Direct list formatting (Word's list buttons) mapped onto house styles by number format.
LIST_FORMATS = {
    "decimal": "Clause2",
    "lowerLetter": "Clause3",
    "lowerRoman": "Clause4",
    "bullet": "ListBullet",
}
#: Run properties kept from a fragment; fonts, sizes and colours come from the house style.
KEPT_RUN_PROPS = ("w:rStyle", "w:b", "w:i", "w:u", "w:caps", "w:smallCaps", "w:vertAlign")
#: Elements Word writes that carry no content: spelling marks, revision-save ids and so on.
NOISE = ("w:proofErr", "w:lastRenderedPageBreak", "w:softHyphen")

TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
BLOCK_ONLY = re.compile(r"^\s*(\{%(?:(?!%\}).)*%\}\s*)+$", re.S)
CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(slots=True)
class Fragment:
    """A fragment ready to compile: Jinja source over WordprocessingML, and what import changed."""

    source: str
    notes: list[str] = field(default_factory=list)
    #: The Word paragraph number of each line of ``source`` (for locating template errors).
    paragraphs: list[int] = field(default_factory=list)


def read_part(path: Path, part: str, *, required: bool = True) -> bytes | None:
    """One part of a .docx package, through the engine's one hardened reader."""
    return WordPackage.open(path, "frag", MAX_FRAGMENT_BYTES).read(part, required=required)


def _parse(data: bytes, path: Path, part: str) -> E:
    return parse_part(data, str(path), part, "frag")


def import_fragment(path: Path) -> Fragment:
    """Read ``path`` and return its body as a normalised Jinja template over paragraph XML."""
    document = _parse(read_part(path, "word/document.xml") or b"", path, "word/document.xml")
    numbering_data = read_part(path, "word/numbering.xml", required=False)
    list_formats = (
        _list_formats(_parse(numbering_data, path, "word/numbering.xml")) if numbering_data else {}
    )
    body = document.find(qn("w:body"))
    if body is None:
        raise AssemblerError(Diagnostic("E-frag-03", "word/document.xml has no body", str(path)))
    notes: list[str] = []
    pieces: list[str] = []
    numbers: list[int] = []
    for index, block in enumerate(body, start=1):
        if block.tag == qn("w:sectPr"):
            continue
        if block.tag != qn("w:p"):
            local = etree.QName(block).localname
            raise AssemblerError(
                Diagnostic(
                    "E-frag-07",
                    f"block {index} is a <w:{local}>; fragments hold paragraphs only",
                    str(path),
                    hint="move tables and content controls into a schedule the engine builds",
                )
            )
        _normalise_paragraph(block, list_formats, notes, path, index)
        text = text_of(block)
        if BLOCK_ONLY.match(text):
            pieces.append(text.strip().translate(CURLY))
        elif text.strip():
            pieces.append(_jinja_safe(etree.tostring(block, encoding="unicode")).replace("\n", " "))
        else:
            continue
        numbers.append(index)
    return Fragment(_strip_namespaces("\n".join(pieces)), sorted(set(notes)), numbers)


def _list_formats(numbering: E) -> dict[tuple[str, str], str]:
    """(numId, ilvl) -> numFmt for the fragment's own list definitions."""
    abstract = {}
    for node in numbering.iter(qn("w:abstractNum")):
        for lvl in node.iter(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            key = (node.get(qn("w:abstractNumId")), lvl.get(qn("w:ilvl")))
            abstract[key] = fmt.get(qn("w:val")) if fmt is not None else "decimal"
    formats = {}
    for num in numbering.iter(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is None:
            continue
        for (abstract_id, ilvl), fmt in abstract.items():
            if abstract_id == ref.get(qn("w:val")):
                formats[(num.get(qn("w:numId")), ilvl)] = fmt
    return formats


#: Content that lives in other parts of the package (media, notes) and would dangle if copied.
REFUSED = {
    "w:drawing": "an image",
    "w:pict": "an image",
    "w:object": "an embedded object",
    "w:footnoteReference": "a footnote",
    "w:endnoteReference": "an endnote",
    "w:altChunk": "an embedded document",
}


def _refuse_foreign_content(p: E, path: Path, index: int) -> None:
    for tag, what in REFUSED.items():
        if p.find(f".//{qn(tag)}") is not None:
            raise AssemblerError(
                Diagnostic(
                    "E-frag-09",
                    f"paragraph {index} holds {what}, which a clause fragment cannot carry",
                    str(path),
                    hint="keep clause text only; put images and notes in the house style or a schedule",
                )
            )


def _normalise_paragraph(
    p: E, list_formats: dict[tuple[str, str], str], notes: list[str], path: Path, index: int
) -> None:
    _refuse_foreign_content(p, path, index)
    for noise in NOISE:
        for node in p.iter(qn(noise)):
            node.getparent().remove(node)
    for node in list(p.iter(qn("w:bookmarkStart"), qn("w:bookmarkEnd"))):
        node.getparent().remove(node)  # Word's _GoBack and stray bookmarks; the engine adds its own
    for node in p.iter():
        for attr in [a for a in node.attrib if "rsid" in a]:
            del node.attrib[attr]
    _unwrap_tracked_and_hyperlinks(p, notes)
    _normalise_style(p, list_formats, notes, path, index)
    for r in p.iter(qn("w:r")):
        _clean_run_props(r, notes)
    _merge_runs(p)


def _unwrap_tracked_and_hyperlinks(p: E, notes: list[str]) -> None:
    """Accept tracked insertions, drop tracked deletions, keep the text of smart tags and links."""
    for deleted in list(p.iter(qn("w:del"))):
        deleted.getparent().remove(deleted)
        notes.append("accepted tracked changes")
    for wrapper in list(
        p.iter(qn("w:ins"), qn("w:smartTag"), qn("w:hyperlink"), qn("w:sdtContent"))
    ):
        parent = wrapper.getparent()
        position = parent.index(wrapper)
        for child in list(wrapper):
            if child.tag in (qn("w:smartTagPr"), qn("w:sdtPr")):
                continue
            parent.insert(position, child)
            position += 1
        parent.remove(wrapper)
    for sdt in list(p.iter(qn("w:sdt"), qn("w:commentRangeStart"), qn("w:commentRangeEnd"))):
        sdt.getparent().remove(sdt)
    for r in list(p.iter(qn("w:r"))):
        if r.find(qn("w:commentReference")) is not None:
            r.getparent().remove(r)
            notes.append("removed comments (drafting notes belong in clause.yaml)")


def _normalise_style(
    p: E, list_formats: dict[tuple[str, str], str], notes: list[str], path: Path, index: int
) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.SubElement(p, qn("w:pPr"))
        p.insert(0, ppr)
    style_el = ppr.find(qn("w:pStyle"))
    style = style_el.get(qn("w:val")) if style_el is not None else None
    numpr = ppr.find(qn("w:numPr"))
    if numpr is not None and style in LISTED_STYLES:
        # LibreOffice (and Word after some edits) repeats the style's own list as direct
        # formatting; the house style already numbers the paragraph.
        ppr.remove(numpr)
        numpr = None
    if numpr is not None:
        num_id = numpr.find(qn("w:numId"))
        ilvl = numpr.find(qn("w:ilvl"))
        key = (
            num_id.get(qn("w:val")) if num_id is not None else "0",
            ilvl.get(qn("w:val")) if ilvl is not None else "0",
        )
        fmt = list_formats.get(key)
        mapped = LIST_FORMATS.get(fmt or "")
        if mapped is None:
            raise AssemblerError(
                Diagnostic(
                    "E-frag-08",
                    f"paragraph {index} has direct list numbering ({fmt or 'unknown format'}) "
                    "that has no house style",
                    str(path),
                    hint="apply the Clause 2/3/4 or List Bullet style instead of the list button",
                )
            )
        style = mapped
        notes.append("mapped direct list numbering onto house styles")
    style = STYLE_ALIASES.get(style, style)
    if style not in FRAGMENT_STYLES:
        notes.append(f"replaced unknown style {style!r} with Body Text")
        style = "BodyText"
    if any(child.tag not in (qn("w:pStyle"), qn("w:rPr")) for child in ppr):
        notes.append("removed direct paragraph formatting")
    for child in list(ppr):
        ppr.remove(child)
    etree.SubElement(ppr, qn("w:pStyle")).set(qn("w:val"), style)


def _clean_run_props(r: E, notes: list[str]) -> None:
    rpr = r.find(qn("w:rPr"))
    if rpr is None:
        return
    kept = {qn(name) for name in KEPT_RUN_PROPS}
    dropped = [child for child in rpr if child.tag not in kept]
    for child in dropped:
        rpr.remove(child)
    if any(etree.QName(c).localname not in ("lang", "noProof") for c in dropped):
        notes.append("removed direct character formatting (fonts, sizes, colours)")
    if len(rpr) == 0:
        r.remove(rpr)


def _props_key(r: E) -> bytes:
    rpr = r.find(qn("w:rPr"))
    return etree.tostring(rpr) if rpr is not None else b""


def _merge_runs(p: E) -> None:
    """Join neighbouring plain-text runs with the same formatting, then join any runs a tag spans."""
    runs = [r for r in p if r.tag == qn("w:r") and _is_text_run(r)]
    previous = None
    for r in runs:
        if (
            previous is not None
            and r.getprevious() is previous
            and _props_key(r) == _props_key(previous)
        ):
            _append_text(previous, _run_text(r))
            p.remove(r)
            continue
        previous = r
    _join_split_tags(p)


def _join_split_tags(p: E) -> None:
    """A tag still spread over runs with different formatting goes whole into its first run."""
    runs = [r for r in p if r.tag == qn("w:r") and _is_text_run(r)]
    i = 0
    while i < len(runs):
        text = _run_text(runs[i])
        open_at = _unclosed_tag(text)
        j = i + 1
        while open_at is not None and j < len(runs):
            text += _run_text(runs[j])
            p.remove(runs[j])
            j += 1
            open_at = _unclosed_tag(text)
        _set_text(runs[i], text)
        runs = runs[: i + 1] + runs[j:]
        i += 1


def _unclosed_tag(text: str) -> int | None:
    """Index of a ``{{``/``{%``/``{#`` without its closer, or None."""
    position = 0
    while True:
        starts = [
            (text.find(o, position), c) for o, c in (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))
        ]
        starts = [(s, c) for s, c in starts if s >= 0]
        if not starts:
            return None
        start, closer = min(starts)
        end = text.find(closer, start + 2)
        if end < 0:
            return start
        position = end + 2


def _is_text_run(r: E) -> bool:
    return all(child.tag in (qn("w:rPr"), qn("w:t")) for child in r)


def _run_text(r: E) -> str:
    return "".join(t.text or "" for t in r.iter(qn("w:t")))


def _set_text(r: E, text: str) -> None:
    for t in list(r.iter(qn("w:t"))):
        r.remove(t)
    t = etree.SubElement(r, qn("w:t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _append_text(r: E, text: str) -> None:
    _set_text(r, _run_text(r) + text)


def _jinja_safe(xml: str) -> str:
    """Inside tags, undo XML escaping (``&gt;``) and Word's curly quotes, so Jinja reads them."""
    return TAG.sub(lambda m: html.unescape(m.group(0)).translate(CURLY), xml)


def _strip_namespaces(xml: str) -> str:
    return re.sub(r' xmlns:\w+="[^"]*"', "", xml)
