"""After the .docx: the contents page's page numbers from a layout pass, a PDF, review exports
(:mod:`assembler.render.review`).

LibreOffice is the layout engine. One mechanism serves every command that writes a .docx
(:func:`finish`): it fills the contents page's page numbers in place (and the lock's hash of the
document), then writes the PDF. Without LibreOffice the .docx stays as built, with a contents page
that has no page numbers, and the caller is told what was not made.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import write_atomic
from assembler.oxml import toc
from assembler.oxml.ns import parse_xml
from assembler.package.lockfile import dump, lock_path_for, read_lock
from assembler.package.writer import Part, zip_parts
from assembler.render.renderer import Rendered
from assembler.render.review import FORMATS, export_text

#: The exporter's options: named destinations for the bookmarks, so each heading's page can be read.
PDF_FILTER = (
    'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'
)
#: The layout pass lays out entries with this page number, as wide as any real one, so filling in
#: the real numbers cannot re-wrap an entry and move a heading to another page.
WIDEST_PAGE = "999"
DESTINATION = re.compile(r'^\s*(\d+)\s+\[[^\]]*\]\s+"(.*)"\s*$')
MISSING_SOFFICE = "LibreOffice (`soffice`) is not on PATH"
INSTALL_HINT = "install it: apt-get install libreoffice-writer-nogui poppler-utils"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def configured_pages() -> bool | None:
    """``$ASSEMBLER_TOC_PAGES``: 1/true/yes/on or 0/false/no/off; None when unset."""
    value = os.environ.get("ASSEMBLER_TOC_PAGES", "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    return None


def layout_available() -> bool:
    """Whether a layout pass can run: LibreOffice to lay out, pdfinfo to read the pages."""
    return soffice() is not None and shutil.which("pdfinfo") is not None


def to_pdf(docx: Path) -> Path:
    """Write ``docx`` as a PDF beside it, through LibreOffice headless."""
    with tempfile.TemporaryDirectory() as work:
        produced = _convert(docx, Path(work))
        target = docx.with_suffix(".pdf")
        write_atomic(target, produced.read_bytes())
    return target


def _convert(docx: Path, work: Path) -> Path:
    """LibreOffice headless, with a profile of its own (two sharing one block each other). It
    exits 0 even when it fails, so the file is checked."""
    program = soffice()
    if program is None:
        raise AssemblerError(Diagnostic("E-export-01", MISSING_SOFFICE, hint=INSTALL_HINT))
    outdir = work / "pdf"
    command = [
        program,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--convert-to",
        PDF_FILTER,
        "--outdir",
        str(outdir),
        str(docx),
    ]
    subprocess.run(command, capture_output=True, timeout=300, check=False)
    produced = outdir / (docx.stem + ".pdf")
    if not produced.is_file():
        raise AssemblerError(
            Diagnostic("E-export-02", "LibreOffice did not produce a PDF", str(docx))
        )
    return produced


# -- the layout pass -----------------------------------------------------------------------------


def paginate(data: bytes) -> bytes:
    """The package ``data`` with each contents entry's page number, as LibreOffice lays it out."""
    parts = _parts(data)
    document = parse_xml(parts["word/document.xml"])
    anchors = toc.anchors(document)
    if not anchors:
        return data
    toc.fill_pages(document, dict.fromkeys(anchors, WIDEST_PAGE))
    laid_out = zip_parts({**parts, "word/document.xml": document})
    pages = heading_pages(laid_out)
    toc.fill_pages(document, pages)
    return zip_parts({**parts, "word/document.xml": document})


def heading_pages(data: bytes) -> dict[str, int]:
    """Bookmark name -> the page LibreOffice puts it on, read from the PDF's named destinations."""
    with tempfile.TemporaryDirectory() as work:
        docx = Path(work, "layout.docx")
        docx.write_bytes(data)
        pdf = _convert(docx, Path(work))
        listing = subprocess.run(
            ["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=False
        ).stdout
    pages: dict[str, int] = {}
    for line in listing.splitlines():
        found = DESTINATION.match(line)
        if found:
            pages.setdefault(_bookmark(found.group(2)), int(found.group(1)))
    return pages


def _bookmark(destination: str) -> str:
    """The bookmark a destination names: LibreOffice writes ``_`` as its code, ``#5F``."""
    return re.sub(r"^#?5F", "_", destination)


def _parts(data: bytes) -> dict[str, Part]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


# -- one mechanism for every command that writes a .docx -------------------------------------------


@dataclass
class Finished:
    """What :func:`finish` did: files written, and what it could not do and why."""

    written: list[Path] = field(default_factory=list)
    paginated: bool = False
    not_made: list[Diagnostic] = field(default_factory=list)


def finish(docx: Path, *, pages: bool, pdf: bool, laid_out: bool = False) -> Finished:
    """Fill the contents page's page numbers of the written ``docx`` (``pages``) and write its PDF
    (``pdf``; a PDF shows page numbers, so it fills them too when it can). The lock beside the
    document gets the new document's hash. What cannot be made (no LibreOffice, or LibreOffice
    failing) is said in ``not_made``, never raised: the .docx and lock are written already.
    ``laid_out``: the caller filled the page numbers before writing (:func:`paginate`)."""
    done = Finished(paginated=laid_out)
    try:
        if (pages or pdf) and not laid_out and layout_available():
            _paginate_file(docx)
            done.paginated = True
        elif pages and not laid_out:
            done.not_made.append(
                _not_made(docx, f"the contents page has no page numbers: {_no_layout()}")
            )
        if pdf and soffice() is None:
            done.not_made.append(_not_made(docx, f"no PDF: {MISSING_SOFFICE}"))
        elif pdf:
            done.written.append(to_pdf(docx))
    except AssemblerError as exc:
        failed = exc.diagnostics[0]
        done.not_made.append(
            Diagnostic("W-export-02", failed.message, str(docx), severity="warning")
        )
    return done


def _not_made(docx: Path, message: str) -> Diagnostic:
    """A layout engine is missing: what was not made, and that the document was."""
    return Diagnostic(
        "W-export-01",
        message + "; the .docx and its lock were written",
        str(docx),
        hint=INSTALL_HINT,
        severity="warning",
    )


def _paginate_file(docx: Path) -> None:
    data = docx.read_bytes()
    paged = paginate(data)
    if paged != data:
        write_atomic(docx, paged)
        _rehash_lock(docx, paged)


def _no_layout() -> str:
    return MISSING_SOFFICE if soffice() is None else "poppler's `pdfinfo` is not on PATH"


def finish_all(
    docxs: list[Path], *, pages: bool, pdf: bool, jobs: int | None = None
) -> list[Finished]:
    """:func:`finish` for many documents, ``jobs`` at a time (LibreOffice runs in processes of
    its own, so threads are enough), in the documents' order."""
    workers = max(1, min(jobs or os.cpu_count() or 1, len(docxs)))
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(lambda docx: finish(docx, pages=pages, pdf=pdf), docxs))


def _rehash_lock(docx: Path, data: bytes) -> None:
    lock_file = lock_path_for(docx)
    if not lock_file.is_file():
        return
    lock, _ = read_lock(lock_file)
    lock.setdefault("document", {})["sha256"] = hashlib.sha256(data).hexdigest()
    write_atomic(lock_file, dump(lock))


def write_review(rendered: Rendered, title: str, docx: Path, fmt: str) -> Path:
    """Markdown (``md``) or a standalone HTML page (``html``) beside ``docx``, numbered as it is."""
    target = docx.with_suffix(FORMATS[fmt])
    write_atomic(target, export_text(rendered, title, fmt).encode("utf-8"))
    return target
