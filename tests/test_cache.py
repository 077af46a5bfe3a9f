"""The build cache changes speed, never results: a cached build gives the same bytes, an edit is
seen at once, and a damaged cache is rebuilt."""

from __future__ import annotations

import marshal
import os

import pytest

from assembler.api import Workspace, build
from assembler.core import cache
from assembler.core.errors import AssemblerError

from conftest import BANK, EXAMPLE


@pytest.mark.slow
def test_a_cached_build_gives_the_same_bytes_and_a_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSEMBLER_CACHE", str(tmp_path / "cache"))
    first = build(EXAMPLE, tmp_path / "a.docx").output.read_bytes()
    kinds = sorted(p.name for p in (tmp_path / "cache").iterdir() if p.is_dir())
    assert kinds == ["bank", "code", "forms", "fragment", "outline", "syllables"]
    assert build(EXAMPLE, tmp_path / "b.docx").output.read_bytes() == first
    for entry in (tmp_path / "cache").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    assert build(EXAMPLE, tmp_path / "c.docx").output.read_bytes() == first
    monkeypatch.setenv("ASSEMBLER_CACHE", "off")
    assert build(EXAMPLE, tmp_path / "d.docx").output.read_bytes() == first


@pytest.mark.slow
def test_an_edited_fragment_is_seen_at_once(tmp_path, monkeypatch):
    """Same size, same second: the cache is keyed by content, not by modification time."""
    import shutil

    monkeypatch.setenv("ASSEMBLER_CACHE", str(tmp_path / "cache"))
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)
    build(EXAMPLE, tmp_path / "a.docx", workspace=Workspace.open(bank, BANK / "templates"))
    fragment = bank / "clauses" / "relationship" / "1.0.0.docx"
    data = fragment.read_bytes()
    stat = fragment.stat()
    fragment.write_bytes(data[:-30] + bytes(b ^ 1 for b in data[-30:]))  # same size
    os.utime(fragment, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time
    with pytest.raises(AssemblerError) as refused:  # read again, not served from the cache
        build(EXAMPLE, tmp_path / "b.docx", workspace=Workspace.open(bank, BANK / "templates"))
    assert [(d.rule, d.file) for d in refused.value.diagnostics] == [("E-frag-04", str(fragment))]


@pytest.mark.slow
def test_a_tampered_entry_is_never_loaded(tmp_path, monkeypatch):
    """Entries unmarshal into code: one written or swapped by anyone else is rebuilt, not run."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ASSEMBLER_CACHE", str(cache))
    first = build(EXAMPLE, tmp_path / "a.docx").output.read_bytes()
    sentinel = tmp_path / "ran"
    payload = marshal.dumps(compile(f"open({str(sentinel)!r}, 'w')", "evil", "exec"))
    entries = sorted((cache / "code").iterdir())
    swapped = entries[1].read_bytes()
    entries[0].write_bytes(swapped)  # a genuine entry under another key
    for entry in entries[1:]:
        entry.write_bytes(entry.read_bytes()[:32] + payload)  # its MAC, another body
    assert build(EXAMPLE, tmp_path / "b.docx").output.read_bytes() == first
    assert not sentinel.exists()


@pytest.mark.slow
def test_a_cache_others_can_write_is_not_used(tmp_path, monkeypatch):
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    monkeypatch.setenv("ASSEMBLER_CACHE", str(cache))
    build(EXAMPLE, tmp_path / "a.docx")
    assert list(cache.iterdir()) == []
    cache.chmod(0o700)
    build(EXAMPLE, tmp_path / "b.docx")
    assert (cache / "key").stat().st_mode & 0o777 == 0o600


def test_an_entry_from_another_version_is_rebuilt_and_a_bug_is_not_hidden(tmp_path, monkeypatch):
    """A stored class that has moved (as every module did in the layering) is made again; an
    error that is not a stale entry's is the engine's, and surfaces."""
    monkeypatch.setenv("ASSEMBLER_CACHE", str(tmp_path / "cache"))
    moved = b"cassembler.no_such_module\nThing\n."  # a pickle naming a class that is gone
    assert cache.cached("moved", ["k"], lambda: 1, dumps=lambda _: moved) == 1
    assert cache.cached("moved", ["k"], lambda: 2) == 2  # stored again, readable
    assert cache.cached("moved", ["k"], lambda: 3) == 2

    def broken(data: bytes) -> object:
        raise RuntimeError("a fault in the loader")

    with pytest.raises(RuntimeError, match="a fault in the loader"):
        cache.cached("moved", ["k"], lambda: 4, loads=broken)
