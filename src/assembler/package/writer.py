"""Stage 4: package the rendered body with the house style into a deterministic .docx, atomically.

Same inputs, same bytes: parts go in a fixed order with fixed zip timestamps, and no part carries a
creation time. The file appears at its final path only when it is complete (temp file, fsync, rename).
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from assembler.bank.housestyle import HouseStyle
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml import package as wpkg
from assembler.oxml import text as ox
from assembler.oxml.ns import write_xml
from assembler.oxml.styles import rename_styles
from assembler.render.renderer import Rendered

E: TypeAlias = etree._Element
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: The parts whose paragraphs and runs name styles.
STORY_PARTS = (
    "word/document.xml",
    "word/header1.xml",
    "word/footer1.xml",
    "word/comments.xml",
    "word/footnotes.xml",
)
#: A part: its bytes, or an XML tree that :func:`zip_parts` serialises straight into the package.
Part: TypeAlias = bytes | E


def docx_parts(
    rendered: Rendered, house: HouseStyle, title: str, extra: dict[str, bytes] | None = None
) -> dict[str, Part]:
    """Every part of the package, by name (``extra``: the provenance parts)."""
    parts: dict[str, Part] = dict(house.parts)
    parts.update(extra or {})
    if rendered.legend:  # a draft's legend heads every page
        parts["word/header1.xml"] = wpkg.header(rendered.legend)
    wpkg.point_section(
        rendered.body, footer="rIdFooter", header="rIdHeader" if rendered.legend else None
    )
    parts["word/document.xml"] = wpkg.document(rendered.body)
    parts["word/numbering.xml"] = rendered.numbering
    parts["word/settings.xml"] = wpkg.settings(house.settings)
    parts["word/footer1.xml"] = wpkg.footer()
    if rendered.comments:
        parts["word/comments.xml"] = wpkg.comments(rendered.comments)
    if rendered.footnotes:
        parts["word/footnotes.xml"] = ox.footnotes_part(rendered.footnotes)
    _house_style_ids(parts, house.style_ids)
    parts["docProps/core.xml"] = wpkg.core_properties(title)
    parts["docProps/app.xml"] = wpkg.app_properties()
    parts["word/_rels/document.xml.rels"] = wpkg.document_rels(parts)
    if "customXml/item1.xml" in parts:
        parts["customXml/_rels/item1.xml.rels"] = wpkg.custom_xml_rels()
    parts["_rels/.rels"] = wpkg.package_rels(parts)
    parts["[Content_Types].xml"] = wpkg.content_types(parts)
    return parts


def _house_style_ids(parts: dict[str, Part], ids: dict[str, str]) -> None:
    """The story parts in the house style's own style ids, where they differ from the engine's.
    The parts are copied first: the rendered body is read again in the engine's ids (a conformed
    copy, the review exports)."""
    for name in STORY_PARTS if ids else ():
        part = parts.get(name)
        if part is not None and not isinstance(part, bytes):
            parts[name] = copy.deepcopy(part)
            rename_styles([parts[name]], ids)


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
