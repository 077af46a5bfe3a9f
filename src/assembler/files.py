"""Reading input files with a size bound, so a huge or unreadable file is a located error."""

from __future__ import annotations

from pathlib import Path

from .errors import AssemblerError, Diagnostic


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``; E-file-01 if it cannot be read, E-file-02 if larger than ``limit``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise AssemblerError(
            Diagnostic("E-file-01", f"cannot read the {what}: {exc.strerror}", str(path))
        ) from None
    if len(raw) > limit:
        raise AssemblerError(
            Diagnostic("E-file-02", f"the {what} is larger than {limit // 1_000_000} MB", str(path))
        )
    return raw
