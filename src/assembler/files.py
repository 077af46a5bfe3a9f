"""Reading input files with a size bound, so a huge or unreadable file is a located error."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import AssemblerError, Diagnostic


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``; E-file-01 if it cannot be read, E-file-02 if larger than ``limit``,
    E-file-03 if it is not a regular file. Opened without blocking and checked before reading, so
    a FIFO never hangs the command and ``/dev/zero`` is never read into memory."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise AssemblerError(
            Diagnostic("E-file-01", f"cannot read the {what}: {exc.strerror}", str(path))
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
