"""The one reader for every .docx the engine opens: fragments, ``verify``, ``lint``, ``vary`` and
``build --locked``. Documents come back from other parties, so the package is checked before
anything is inflated (member names, duplicates, count, declared sizes, compression ratio), each
part is read with a bound whatever its header says, and XML goes through :func:`parse_xml`,
which refuses a DTD anywhere in any encoding. Every problem is a located diagnostic whose rule id
names the caller's family (``E-frag-04`` for a fragment, ``E-docx-04`` for a document).
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TypeAlias

from lxml import etree

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.files import read_bounded
from assembler.oxml.ns import UnsafeXML, parse_xml

E: TypeAlias = etree._Element

#: A signed agreement with its embedded lock is a few hundred KB; a fragment is smaller still.
MAX_PACKAGE_BYTES = 50_000_000
#: Bounds on what the package may inflate to (zip bombs).
MAX_PART_BYTES = 20_000_000
MAX_TOTAL_BYTES = 100_000_000
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 2_000


@dataclass(frozen=True)
class WordPackage:
    """A checked .docx: its members' headers, read part by part with bounds."""

    where: str
    family: str
    archive: zipfile.ZipFile

    @classmethod
    def open(cls, path: Path, family: str = "docx", limit: int = MAX_PACKAGE_BYTES) -> WordPackage:
        """Read ``path`` (bounded, regular files only) and check it as a package."""
        return cls.from_bytes(read_bounded(path, limit, "Word file"), str(path), family)

    @classmethod
    def from_bytes(cls, raw: bytes, where: str, family: str = "docx") -> WordPackage:
        try:
            archive = zipfile.ZipFile(BytesIO(raw))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as exc:
            raise _error(family, "04", f"not a readable .docx (zip) file: {exc}", where) from None
        package = cls(where, family, archive)
        package._check_members()
        return package

    def _fail(self, number: str, message: str) -> AssemblerError:
        return _error(self.family, number, message, self.where)

    def _check_members(self) -> None:
        members = self.archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise self._fail("02", f"the package has more than {MAX_MEMBERS:,} parts")
        seen: set[str] = set()
        total = 0
        for info in members:
            name = info.filename
            if (
                not name
                or name.startswith(("/", "\\"))
                or "\\" in name
                or "\0" in name
                or ".." in name.split("/")
            ):
                raise self._fail("04", f"the package has a part with an unsafe name: {name!r}")
            if name.casefold() in seen:  # part names are case-insensitive
                raise self._fail("04", f"the package has two parts named {name}")
            seen.add(name.casefold())
            total += info.file_size
            if info.file_size > MAX_PART_BYTES or (
                info.file_size > 100_000
                and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                raise self._fail("02", f"{name} expands too far (zip bomb?)")
        if total > MAX_TOTAL_BYTES:
            raise self._fail("02", "the package expands too far (zip bomb?)")

    @property
    def names(self) -> list[str]:
        return self.archive.namelist()

    def read(self, part: str, *, required: bool = True) -> bytes | None:
        """The bytes of ``part``; E-*-03 if it is missing and required."""
        try:
            info = self.archive.getinfo(part)
        except KeyError:
            if not required:
                return None
            raise AssemblerError(
                Diagnostic(
                    f"E-{self.family}-03",
                    f"the package has no {part}",
                    self.where,
                    hint="is this a Word document?",
                )
            ) from None
        try:
            with self.archive.open(info) as stream:
                data = stream.read(MAX_PART_BYTES + 1)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,  # damaged compressed data
            EOFError,
            NotImplementedError,  # an unknown compression method
            RuntimeError,  # an encrypted member
        ) as exc:
            raise self._fail("04", f"{part} cannot be read: {exc}") from None
        if len(data) > MAX_PART_BYTES:
            raise self._fail("02", f"{part} is too large")
        return data

    def xml(self, part: str, *, required: bool = True) -> E | None:
        """``part`` parsed: E-*-05 for a DTD or entities, E-*-06 if it is not well-formed."""
        data = self.read(part, required=required)
        return None if data is None else parse_part(data, self.where, part, self.family)


def parse_part(data: bytes, where: str, part: str, family: str = "docx") -> E:
    """Parse one part's XML with located errors."""
    try:
        return parse_xml(data)
    except UnsafeXML as exc:
        raise _error(family, "05", f"{part}: {exc}", where) from None
    except etree.XMLSyntaxError as exc:
        raise AssemblerError(
            Diagnostic(
                f"E-{family}-06",
                f"{part} is not well-formed XML: {exc.msg}",
                where,
                exc.lineno,
                exc.offset,
            )
        ) from None


def _error(family: str, number: str, message: str, where: str) -> AssemblerError:
    return AssemblerError(
        Diagnostic(f"E-{family}-{number}", message, where, hint="save it again from Word as .docx")
    )
