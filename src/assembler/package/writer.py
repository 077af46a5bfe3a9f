"""Stage 4: package the rendered body with the house style into a deterministic .docx, atomically.

Same inputs, same bytes: parts go in a fixed order with fixed zip timestamps, and no part carries a
creation time. The file appears at its final path only when it is complete (temp file, fsync, rename).
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from assembler.bank.housestyle import HouseStyle
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml import text as ox
from assembler.oxml.ns import NS, parse_xml, qn, write_xml
from assembler.render.renderer import Rendered

E: TypeAlias = etree._Element
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = {
    "word/document.xml": f"{WML}.document.main+xml",
    "word/styles.xml": f"{WML}.styles+xml",
    "word/numbering.xml": f"{WML}.numbering+xml",
    "word/settings.xml": f"{WML}.settings+xml",
    "word/fontTable.xml": f"{WML}.fontTable+xml",
    "word/header1.xml": f"{WML}.header+xml",
    "word/footer1.xml": f"{WML}.footer+xml",
    "word/comments.xml": f"{WML}.comments+xml",
    "word/footnotes.xml": f"{WML}.footnotes+xml",
    "word/theme/theme1.xml": "application/vnd.openxmlformats-officedocument.theme+xml",
    "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    "customXml/itemProps1.xml": "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
}
#: Relationship id -> (target under word/, relationship type).
DOCUMENT_RELS = {
    "rIdStyles": ("styles.xml", "styles"),
    "rIdNumbering": ("numbering.xml", "numbering"),
    "rIdSettings": ("settings.xml", "settings"),
    "rIdFonts": ("fontTable.xml", "fontTable"),
    "rIdTheme": ("theme/theme1.xml", "theme"),
    "rIdHeader": ("header1.xml", "header"),
    "rIdFooter": ("footer1.xml", "footer"),
    "rIdComments": ("comments.xml", "comments"),
    "rIdFootnotes": ("footnotes.xml", "footnotes"),
    "rIdCustomXml": ("../customXml/item1.xml", "customXml"),
}

#: A part: its bytes, or an XML tree that :func:`zip_parts` serialises straight into the package.
Part: TypeAlias = bytes | E


def docx_parts(
    rendered: Rendered, house: HouseStyle, title: str, extra: dict[str, bytes] | None = None
) -> dict[str, Part]:
    """Every part of the package, by name (``extra``: the provenance parts)."""
    parts: dict[str, Part] = dict(house.parts)
    parts.update(extra or {})
    section = rendered.body.find(qn("w:sectPr"))
    for old in section.findall(qn("w:footerReference")) + section.findall(qn("w:headerReference")):
        section.remove(old)
    section.insert(0, ox.el("w:footerReference", type="default"))
    section[0].set(qn("r:id"), "rIdFooter")
    if rendered.legend:  # a draft's legend heads every page
        section.insert(0, ox.el("w:headerReference", type="default"))
        section[0].set(qn("r:id"), "rIdHeader")
        parts["word/header1.xml"] = _header(rendered.legend)
    document = etree.Element(qn("w:document"), nsmap={"w": NS["w"], "r": NS["r"]})
    document.append(rendered.body)
    parts["word/document.xml"] = document
    parts["word/numbering.xml"] = rendered.numbering
    parts["word/settings.xml"] = _settings(house.settings)
    parts["word/footer1.xml"] = _footer()
    if rendered.comments:
        parts["word/comments.xml"] = _comments(rendered.comments)
    if rendered.footnotes:
        parts["word/footnotes.xml"] = ox.footnotes_part(rendered.footnotes)
    parts["docProps/core.xml"] = _core(title)
    parts["docProps/app.xml"] = _app()
    parts["word/_rels/document.xml.rels"] = _document_rels(parts)
    if "customXml/item1.xml" in parts:
        parts["customXml/_rels/item1.xml.rels"] = _xml(
            f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/customXmlProps" Target="itemProps1.xml"/></Relationships>'
        )
    parts["_rels/.rels"] = _package_rels(parts)
    parts["[Content_Types].xml"] = _content_types(parts)
    return parts


def zip_parts(parts: dict[str, Part]) -> bytes:
    """Zip with fixed order and timestamps, so the same parts give the same bytes.

    An XML tree is serialised straight into the compressor, never as a whole: a 1000-clause
    document's text, and lxml's growing buffer for it, were 5 MB of the build's peak memory."""
    first = ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]
    order = first + sorted(name for name in parts if name not in first)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as package:
        for name in order:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            part = parts[name]
            if isinstance(part, bytes):
                package.writestr(info, part)
            else:
                with package.open(info, "w") as stream:
                    write_xml(part, stream)
    return buffer.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` is either the old file or the complete new one."""
    write_all({path: data})


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file of one command as a transaction: each to a temporary file in its folder,
    fsynced, then renamed into place; if any step fails, the files already replaced get their old
    contents back and new ones are removed. The folders are locked (``flock``) meanwhile, so two
    commands writing the same outputs never leave a mix of the two. Files get the mode the umask
    gives, as any other program's would."""
    try:
        _write_all(files)
    except OSError as exc:
        where = exc.filename or next(iter(files), "")
        raise AssemblerError(
            Diagnostic("E-out-04", f"cannot write the output: {exc.strerror or exc}", str(where))
        ) from None


def _write_all(files: dict[Path, bytes]) -> None:
    folders = sorted({path.parent for path in files})
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as locks:
        for folder in folders:
            locks.enter_context(_folder_lock(folder))
        staged: list[tuple[Path, Path]] = []
        try:
            for path, data in files.items():
                staged.append((_stage(path, data), path))
            _swap(staged)
        finally:
            for temp, _ in staged:
                temp.unlink(missing_ok=True)
        for folder in folders:
            _fsync_folder(folder)


@contextlib.contextmanager
def all_or_nothing(paths: list[Path]) -> Iterator[None]:
    """For a command that writes its outputs in several steps (``vary``): if the block fails,
    each of ``paths`` gets back the file it had before, or is removed if it had none."""
    backups = {path: _backup(path) for path in paths}
    try:
        yield
    except BaseException:
        for path, backup in backups.items():
            _restore(path, backup)
        raise
    for backup in backups.values():
        if backup is not None:
            backup.unlink(missing_ok=True)


def _stage(path: Path, data: bytes) -> Path:
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def _swap(staged: list[tuple[Path, Path]]) -> None:
    """Rename each staged file into place, keeping the old file until all are in."""
    done: list[tuple[Path, Path | None]] = []
    try:
        for temp, path in staged:
            backup = _backup(path)
            try:
                os.replace(temp, path)
            except BaseException:
                if backup is not None:
                    backup.unlink(missing_ok=True)
                raise
            done.append((path, backup))
    except BaseException:
        for path, backup in reversed(done):
            _restore(path, backup)
        raise
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)


def _restore(path: Path, backup: Path | None) -> None:
    """Put back what ``path`` held before (nothing: remove it). A backup is a hard link, and
    rename(2) between two links of one file does nothing, leaving the backup's name behind: so
    when the file was never replaced, the backup's name is simply removed."""
    if backup is None:
        path.unlink(missing_ok=True)
    elif path.exists() and os.path.samefile(path, backup):
        backup.unlink()
    else:
        os.replace(backup, path)


def _backup(path: Path) -> Path | None:
    """A second name for the file now at ``path`` (None if there is none), to roll back to."""
    if not path.exists():
        return None
    backup = path.with_name(f".{path.name}.{os.getpid()}.{id(path)}.old")
    backup.unlink(missing_ok=True)
    try:
        os.link(path, backup)
    except OSError:  # no hard links here: copy instead
        shutil.copy2(path, backup)
    return backup


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on the folder itself (no lock file left behind); none where the
    platform has no ``flock``."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _settings(house_settings: bytes) -> E:
    """The house settings without ``w:updateFields``: every field's cached result is already right,
    and the flag made Word ask every recipient on every open to update fields from "other files"."""
    settings = parse_xml(house_settings)
    for old in settings.findall(qn("w:updateFields")):
        settings.remove(old)
    return settings


def _header(legend: str) -> E:
    header = etree.Element(qn("w:hdr"), nsmap={"w": NS["w"], "r": NS["r"]})
    header.append(ox.paragraph("Header", legend))
    return header


def _footer() -> E:
    footer = etree.Element(qn("w:ftr"), nsmap={"w": NS["w"], "r": NS["r"]})
    p = ox.paragraph("Footer")
    p.extend(ox.field_runs("PAGE", "1"))
    footer.append(p)
    return footer


def _comments(comments: list[tuple[int, str]]) -> E:
    root = etree.Element(qn("w:comments"), nsmap={"w": NS["w"]})
    for comment_id, text in comments:
        comment = ox.el("w:comment", root, id=str(comment_id), author="assembler", initials="AS")
        p = ox.paragraph("CommentText")
        annotation = ox.el("w:r")
        ox.el("w:rStyle", ox.el("w:rPr", annotation), val="CommentReference")
        ox.el("w:annotationRef", annotation)
        p.append(annotation)
        p.append(ox.run(text))
        comment.append(p)
    return root


def _core(title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>assembler</dc:creator>"
        "</cp:coreProperties>"
    ).encode()


def _app() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        b"<Application>assembler</Application></Properties>"
    )


def _document_rels(parts: dict[str, bytes]) -> bytes:
    rels = [
        f'<Relationship Id="{rel_id}" Type="{REL}/{kind}" Target="{target}"/>'
        for rel_id, (target, kind) in DOCUMENT_RELS.items()
        if posixpath.normpath(f"word/{target}") in parts
    ]
    return _xml(f'<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>')


def _package_rels(parts: dict[str, bytes]) -> bytes:
    custom = (
        f'<Relationship Id="rId4" Type="{REL}/custom-properties" Target="docProps/custom.xml"/>'
        if "docProps/custom.xml" in parts
        else ""
    )
    return _xml(
        f'<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
        f'<Relationship Id="rId2" Type="{PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
        f"{custom}</Relationships>"
    )


def _content_types(parts: dict[str, bytes]) -> bytes:
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{CONTENT_TYPES[name]}"/>'
        for name in sorted(parts)
        if name in CONTENT_TYPES
    )
    return _xml(
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode()
