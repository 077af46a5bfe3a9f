"""The conformed copy of an agreement as varied: the signed front matter, the operative text with
every change a deed makes as a Word tracked change attributed to the deed, the execution blocks as
executed, under a legend and a list of the changes; and its redline PDF."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from assembler.core.files import write_atomic
from assembler.oxml import text as ox
from assembler.oxml.body import (
    block_style,
    blocks_of,
    body_of,
    new_body,
    paragraphs_of,
    replace_body,
    section_of,
)
from assembler.oxml.numbering import Numbering
from assembler.oxml.redline import marked_up
from assembler.oxml.styles import Style
from assembler.oxml.text import E
from assembler.oxml.tracked import Revisions, conform, renamed
from assembler.package import provenance
from assembler.package.export import to_pdf
from assembler.package.writer import docx_parts, zip_parts
from assembler.pipeline.build import (
    Assembled,
    BuildResult,
    write_document,
)
from assembler.pipeline.workspace import Workspace
from assembler.plan.planner import Plan
from assembler.render.renderer import Rendered
from assembler.template.sandbox import longdate

#: The legend at the head of a conformed copy (document-structures.md 5.7): it is not an
#: execution version, and says which deeds it incorporates.
LEGEND = (
    "Conformed copy incorporating the amendments made by {deed}. "
    "For reference only: the executed documents prevail."
)


#: A signing line of an execution block: the conformed copy shows the blocks as executed.
SIGNING_LINE = "....."


def _deed_name(record: dict[str, Any]) -> str:
    made = record.get("made")
    when = longdate(dt.date.fromisoformat(made)) if made else "[ ]"
    return f"Deed of Variation No. {record['number']} dated {when}"


def instructions(deed: BuildResult) -> list[str]:
    """The deed's amendment instructions as printed, one per amendment, in order."""
    title = next(pc.title for pc in deed.plan.clauses if pc.clause_id == "dov-amendments")
    found: list[str] = []
    inside = False
    with zipfile.ZipFile(deed.output) as package:  # our own output, just written
        root = etree.fromstring(package.read("word/document.xml"))
    for p in paragraphs_of(root):
        style, text = ox.style_of(p), ox.text_of(p)
        if style == Style.CLAUSE_HEADING:
            inside = text == title
        elif inside and style == Style.CLAUSE_2:
            found.append(text)
    return found


def preface(
    records: list[dict[str, Any]], printed: list[str], changes: list[dict[str, Any]], plan: Plan
) -> list[E]:
    """The legend and the list of changes (provision, instruction) that head a conformed copy."""
    *earlier, latest = records
    legend = LEGEND.format(deed=_deed_name(latest))
    if earlier:
        legend += " It also incorporates, without marking them, the amendments made by " + (
            ", ".join(_deed_name(r) for r in earlier) + "."
        )
    numbers = {pc.slot: pc.number for pc in plan.clauses + plan.schedules}
    paragraphs = [
        ox.paragraph(None, legend, bold=True),
        ox.paragraph(None, f"Changes made by {_deed_name(latest)}", bold=True),
    ]
    for change, instruction in zip(changes, printed, strict=False):
        number = numbers.get(change["at"], "")
        where = number if number.startswith("Schedule") else f"Clause {number}"
        paragraphs.append(ox.paragraph(None, f"{where}: {instruction}"))
    return paragraphs


def write_conformed(
    old: Assembled,
    varied: Assembled,
    output: Path,
    ws: Workspace,
    record: dict[str, Any],
    preface: list[E],
    by_law: dict[str, str],
) -> Path:
    """The agreement as varied: the signed cover, parties and recitals as they were, the
    operative provisions with every change the deed makes as a tracked change attributed to the
    deed, and the execution blocks as executed (no signing lines), under a legend."""
    revisions = Revisions(
        f"Deed of Variation No. {record['number']}",
        f"{record['date']}T00:00:00Z",
        links=Numbering.read(varied.rendered.numbering, ws.house.styles).style_links,
    )
    front, operative, execution = parts(old.rendered)
    _, new_operative, _ = parts(varied.rendered)
    body = new_body([*preface, *front])
    signed = renamed(_body_of(operative), by_law)  # a successor by law is not the deed's change
    body.extend(conform(signed, _body_of(new_operative), revisions))
    body.extend(p for p in execution if SIGNING_LINE not in ox.text_of(p))
    ending = section_of(varied.rendered.body)
    if ending is not None:
        body.append(copy.deepcopy(ending))
    rendered = type(varied.rendered)(**{**varied.rendered.__dict__, "body": body})
    embedded = provenance.package_parts(varied.lock, varied.deal.path.read_bytes())
    data = zip_parts(docx_parts(rendered, ws.house, varied.plan.title, embedded))
    return write_document(
        Assembled(varied.deal, varied.plan, rendered, data, varied.lock, []), output
    )


def redline_pdf(conformed: str | Path, output: str | Path | None = None) -> Path:
    """A PDF of a conformed copy with its changes marked (insertions underlined, deletions struck
    through) and the new numbering throughout: what a lawyer sends with the deed. Written to
    OUTPUT, by default beside the conformed copy as NAME-redline.pdf. Needs LibreOffice."""
    conformed = Path(conformed)
    target = (
        Path(output)
        if output
        else conformed.with_name(conformed.stem.removesuffix("-conformed") + "-redline.pdf")
    )
    with zipfile.ZipFile(conformed) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    replace_body(root, marked_up(body_of(root)))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with tempfile.TemporaryDirectory() as work:
        docx = Path(work, target.stem + ".docx")
        with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, data)
        write_atomic(target, to_pdf(docx).read_bytes())
    return target


def parts(rendered: Rendered) -> tuple[list[E], list[E], list[E]]:
    """A rendered body cut into its front matter (cover, contents, parties, recitals), its
    operative provisions (clauses and schedules) and its execution blocks."""
    children = blocks_of(rendered.body)
    styles = [block_style(c) for c in children]
    start = styles.index(Style.CLAUSE_HEADING) if Style.CLAUSE_HEADING in styles else 0
    end = len(children)
    if Style.EXECUTION_BLOCK in styles:  # the heading above the first block starts the execution
        end = styles.index(Style.EXECUTION_BLOCK)
        while end > start and styles[end] != Style.SCHEDULE_HEADING:
            end -= 1
    return children[:start], children[start:end], children[end:]


def _body_of(elements: list[E]) -> E:
    return new_body(copy.deepcopy(e) for e in elements)
