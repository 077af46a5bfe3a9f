"""Reading input files with a size bound, so a huge or unreadable file is a located error; writing
outputs atomically, all of a command's files or none, so a failure never leaves half a result."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
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


# -- atomic writes ---------------------------------------------------------------------------------


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


_BACKUP_NUMBERS = itertools.count()


def _backup(path: Path) -> Path | None:
    """A second name for the file now at ``path`` (None if there is none), to roll back to."""
    if not path.exists():
        return None
    # a number of its own for each backup: a write inside an all_or_nothing block backs up the
    # same file again, and a name shared with the block's backup would be removed under it
    backup = path.with_name(f".{path.name}.{os.getpid()}.{next(_BACKUP_NUMBERS)}.old")
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
