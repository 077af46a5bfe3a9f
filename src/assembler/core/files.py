"""Reading input files with a size bound, so a huge or unreadable file is a located error."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from assembler.core.errors import AssemblerError, Diagnostic


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``; E-file-01 if it cannot be read, E-file-02 if larger than ``limit``,
    E-file-03 if it is not a regular file. Opened without blocking and checked before reading, so
    a FIFO never hangs the command and ``/dev/zero`` is never read into memory."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise AssemblerError(
            Diagnostic("E-file-01", f"cannot read the {what}: {reason}", repr(str(path))[1:-1])
        ) from None
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise AssemblerError(
                Diagnostic(
                    "E-file-03",
                    f"the {what} is not a regular file (a folder, FIFO or device)",
                    str(path),
                )
            )
        try:
            raw = stream.read(limit + 1)
        except OSError as exc:
            raise AssemblerError(
                Diagnostic("E-file-01", f"cannot read the {what}: {exc.strerror}", str(path))
            ) from None
    if len(raw) > limit:
        raise AssemblerError(
            Diagnostic("E-file-02", f"the {what} is larger than {limit // 1_000_000} MB", str(path))
        )
    return raw


def read_text(path: Path, limit: int, what: str) -> str:
    """``read_bounded``, decoded as UTF-8 (a byte-order mark is fine); E-file-04 at the line of
    the first byte that is not UTF-8."""
    raw = read_bounded(path, limit, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AssemblerError(
            Diagnostic(
                "E-file-04",
                f"the {what} is not UTF-8 text",
                str(path),
                raw[: exc.start].count(b"\n") + 1,
                hint="save it as UTF-8",
            )
        ) from None


def check_outputs(outputs: list[Path], inputs: list[Path]) -> None:
    """Refuse, before any work starts, outputs that cannot be written or would destroy something:
    a folder (E-out-01), a file on the way to it (E-out-04), an input
    (E-out-02, also through a link), or the same file as another output (E-out-07)."""
    found: list[Diagnostic] = []
    seen: dict[Path, Path] = {}
    for output in outputs:
        where = str(output)
        resolved = output.resolve()
        if output.is_dir():
            found.append(
                Diagnostic(
                    "E-out-01",
                    "the output path is a folder",
                    where,
                    hint="give a file name such as out/agreement.docx",
                )
            )
            continue
        blocker = next((p for p in output.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            found.append(
                Diagnostic(
                    "E-out-04",
                    f"the output cannot be written: {blocker} is a file, not a folder",
                    where,
                )
            )
            continue
        source = next((i for i in inputs if _same(resolved, i)), None)
        if source is not None:
            found.append(
                Diagnostic(
                    "E-out-02",
                    f"the output would overwrite an input ({source})",
                    where,
                    hint="write to another file name",
                )
            )
        elif resolved in seen:
            found.append(
                Diagnostic(
                    "E-out-07",
                    f"two outputs of this command are the same file ({seen[resolved]})",
                    where,
                )
            )
        seen[resolved] = output
    if found:
        raise AssemblerError(found)


def _same(output: Path, source: Path) -> bool:
    """``output`` is ``source``, or lies inside it when it is a folder (the bank, say)."""
    resolved = source.resolve()
    if output == resolved or (source.is_dir() and resolved in output.parents):
        return True
    try:
        return output.exists() and os.path.samefile(output, resolved)
    except OSError:
        return False
