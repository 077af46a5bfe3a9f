"""A per-user cache of what does not change between builds: the parsed clause bank, imported
fragments and compiled clause templates.

Profiling the example build showed these three as the largest costs of a one-document command
(about 100, 30 and 55 ms of 0.45 s). Each entry is keyed by what it was made from: the bank by the
stamp (name, size, times) of every file under it; a fragment by its file's; a compiled template by
the hash of its source and the Jinja version. A stale or unreadable entry
is simply rebuilt, so the cache can never change a result, only its speed. ``ASSEMBLER_CACHE``
names the folder; ``ASSEMBLER_CACHE=off`` turns the cache off.

Entries are unpickled or unmarshalled into code, so each carries an HMAC under a random key kept
in the folder, readable by its owner only: an entry someone else wrote or changed is rebuilt,
never loaded. A folder (or key) that others could write is not used at all.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import CodeType
from typing import Any, TypeVar

T = TypeVar("T")
#: What loading an entry written by another version raises: a class renamed or moved (Attribute-,
#: ImportError), its fields changed (TypeError), another pickle or marshal format (the rest).
STALE: tuple[type[Exception], ...] = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    AttributeError,
    ImportError,
    LookupError,
)

#: Bump when a cached type changes shape, so old entries are not unpickled into new code.
FORMAT = "3"


def cache_dir() -> Path | None:
    setting = os.environ.get("ASSEMBLER_CACHE")
    if setting == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "assembler"


def _key(*parts: object) -> str:
    text = "\0".join(map(str, (FORMAT, sys.version_info[:2], *parts)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamp(path: Path) -> tuple[str, int, int, int, int]:
    """(path, inode, size, modification and change times): any write or ``touch``, even one that
    restores the modification time, changes the change time. Hashing contents instead cost 7% of
    a 1000-clause build."""
    info = path.stat()
    return (str(path), info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def tree_stamp(root: Path) -> list[tuple[str, int, int, int, int]]:
    """Every file under ``root`` (dot-files and dot-folders aside), stamped.

    Walked with ``os.scandir`` rather than ``Path.rglob``: pathlib's per-path objects made this
    walk 100 ms of a 1000-clause build, more than the bank it guards took to load from the cache.
    """
    stamps = []
    folders = [str(root)]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    folders.append(entry.path)
                elif entry.is_file():
                    info = entry.stat()
                    stamps.append(
                        (entry.path, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
                    )
    return sorted(stamps)


def _private(path: Path) -> bool:
    """Owned by this user and writable by no one else."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _secret(folder: Path) -> bytes | None:
    """The cache's HMAC key, made on first use; None if the folder or key is not ours alone."""
    path = folder / "key"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(folder):
            return None
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(os.urandom(32))
        if not _private(path) or path.stat().st_mode & 0o044:
            return None
        key = path.read_bytes()
    except (OSError, AttributeError):  # AttributeError: os.getuid on Windows
        return None
    return key if len(key) == 32 else None


def _mac(secret: bytes, kind: str, key: str, data: bytes) -> bytes:
    return hmac.new(secret, f"{kind}/{key}\0".encode() + data, hashlib.sha256).digest()


def _read(kind: str, key: str) -> bytes | None:
    folder = cache_dir()
    secret = _secret(folder) if folder is not None else None
    if folder is None or secret is None:
        return None
    try:
        stored = (folder / kind / key).read_bytes()
    except OSError:
        return None
    mac, data = stored[:32], stored[32:]
    return data if hmac.compare_digest(mac, _mac(secret, kind, key, data)) else None


def _write(kind: str, key: str, data: bytes) -> None:
    folder = cache_dir()
    secret = _secret(folder) if folder is not None else None
    if folder is None or secret is None:
        return
    target = folder / kind / key
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = target.with_name(f".{key}.{os.getpid()}")
        temporary.write_bytes(_mac(secret, kind, key, data) + data)
        os.replace(temporary, target)
    except OSError:
        pass  # a read-only home or a full disk only makes the next build slower


def _pickle(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def cached(
    kind: str,
    key_parts: list[Any],
    make: Callable[[], T],
    dumps: Callable[[Any], bytes] = _pickle,
    loads: Callable[[bytes], Any] = pickle.loads,
) -> T:
    """The stored result of ``make()`` for these key parts, making and storing it if needed."""
    key = _key(kind, *key_parts)
    data = _read(kind, key)
    if data is not None:
        try:
            stored: T = loads(data)  # our own cache, in the user's own folder
            return stored
        except STALE:
            pass  # written by another version of the engine or Python: rebuild it
    value = make()
    _write(kind, key, dumps(value))
    return value


def memo(
    kind: str, key_parts: list[Any], keys: Iterable[str], compute: Callable[[str], int]
) -> dict[str, int]:
    """``compute(k)`` for each of ``keys``, remembered across processes in one table per key
    parts; the table grows by the keys it lacked, and is rewritten only when it did."""
    key = _key(kind, *key_parts)
    data = _read(kind, key)
    try:
        table = marshal.loads(data) if data is not None else {}
    except (EOFError, ValueError, TypeError):
        table = {}
    if not isinstance(table, dict):
        table = {}
    missing = {k for k in keys if k not in table}
    if missing:
        table.update((k, compute(k)) for k in missing)
        _write(kind, key, marshal.dumps(table))
    return table


def _code(data: bytes) -> CodeType:
    code = marshal.loads(data)
    if not isinstance(code, CodeType):
        raise TypeError("not compiled code")
    return code


def compiled_code(source: str, flavour: str, compile_source: Callable[[str], CodeType]) -> CodeType:
    """Jinja's compiled code for a template source (marshalled, as Jinja's own bytecode cache does:
    code objects do not pickle)."""
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    return cached("code", [flavour, digest], lambda: compile_source(source), marshal.dumps, _code)
