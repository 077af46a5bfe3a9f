"""The four routes, one function each. Run one per fresh process, so that imports count:

    python benchmarks/routes.py ROUTE WORKDIR OUT

WORKDIR is a workspace written by :mod:`synthetic`. Only the standard library is imported at the
top; each route imports what it needs, so no route pays for another's libraries.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path


def engine(work: Path, out: Path) -> None:
    """(a) this engine, through its Python API, as ``assemble build`` does."""
    from assembler.api import build

    build(work / "deal.yaml", out, bank=work / "clausebank", templates=work / "templates")


def docxtpl_compose(work: Path, out: Path) -> None:
    """(b) what a user would pick today: docxtpl renders each clause template (autoescape, or `&`
    is dropped), docxcompose appends each to a master."""
    from docx import Document
    from docxcompose.composer import Composer
    from docxtpl import DocxTemplate

    context = _context(work)
    folder = work / "peers" / "docxtpl"
    composer = Composer(Document(str(folder / "master.docx")))
    for path in sorted(folder.glob("clause-*.docx")):
        template = DocxTemplate(str(path))
        template.render(context, autoescape=True)
        composer.append(template.docx)
    composer.save(str(out))


def pandoc_markdown(work: Path, out: Path) -> None:
    """(c) Jinja2 into Markdown, converted by pandoc with the house style as reference document
    (`-smart`, or pandoc curls the quotes in party names)."""
    import jinja2
    import pypandoc

    context = _context(work)
    folder = work / "peers" / "markdown"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)), undefined=jinja2.StrictUndefined
    )
    parts = [f'::: {{custom-style="Title"}}\n{context["title"]}\n:::']
    parts += [env.get_template(p.name).render(context) for p in sorted(folder.glob("clause-*.md"))]
    pypandoc.convert_text(
        "\n\n".join(parts),
        "docx",
        format="markdown-smart",
        outputfile=str(out),
        extra_args=[f"--reference-doc={work / 'templates' / 'house-style.docx'}"],
    )


def floor(work: Path, out: Path) -> None:
    """(d) the floor: already-resolved text as minimal WordprocessingML, zipped (deflate 6)."""
    import zipfile
    from xml.sax.saxutils import escape

    expected = json.loads((work / "expected.json").read_text(encoding="utf-8"))
    paragraphs = [("Title", expected["title"])]
    for clause in expected["clauses"]:
        paragraphs.append(("Clause Heading", clause["title"]))
        paragraphs.extend((style, text) for style, text in clause["paragraphs"])
    body = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style.replace(" ", "")}"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
        for style, text in paragraphs
    )
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="{name.replace(" ", "")}">'
        f'<w:name w:val="{name}"/></w:style>'
        for name in sorted({style for style, _ in paragraphs})
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        for name, xml in _floor_parts(body, styles).items():
            package.writestr(name, xml)


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PKG = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"


def _floor_parts(body: str, styles: str) -> dict[str, str]:
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    return {
        "[Content_Types].xml": f'{head}<Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{WML}.document.main+xml"/>'
        f'<Override PartName="/word/styles.xml" ContentType="{WML}.styles+xml"/></Types>',
        "_rels/.rels": f'{head}<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{OFFICE}/officeDocument" Target="word/document.xml"/>'
        "</Relationships>",
        "word/_rels/document.xml.rels": f'{head}<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{OFFICE}/styles" Target="styles.xml"/></Relationships>',
        "word/document.xml": f'{head}<w:document xmlns:w="{W}"><w:body>{body}</w:body>'
        "</w:document>",
        "word/styles.xml": f'{head}<w:styles xmlns:w="{W}">{styles}</w:styles>',
    }


def _context(work: Path) -> dict:
    return json.loads((work / "peers" / "context.json").read_text(encoding="utf-8"))


#: Route name -> function, in the order the table prints them.
ROUTES: dict[str, Callable[[Path, Path], None]] = {
    "engine": engine,
    "docxtpl+docxcompose": docxtpl_compose,
    "jinja2+pandoc": pandoc_markdown,
    "floor": floor,
}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ROUTES:
        print(f"usage: routes.py {{{'|'.join(ROUTES)}}} WORKDIR OUT", file=sys.stderr)
        return 2
    route, work, out = argv
    ROUTES[route](Path(work), Path(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
