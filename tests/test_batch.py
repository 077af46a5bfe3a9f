"""`assemble batch`: many deal sheets on a process pool; one bad sheet never stops the others."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assembler.cli.main import main

from conftest import EXAMPLE, position_of


def _pack(folder, count=3):
    folder.mkdir()
    text = EXAMPLE.read_text()
    for i in range(count):
        (folder / f"deal-{i}.yaml").write_text(text.replace("csa-over65-alliance", f"deal-{i}"))
    bad = text.replace("decision_rule: unanimous_then", "decision_rule: mostly_then")
    (folder / "bad.yaml").write_text(bad)
    (folder / "broken.yaml").write_text("deal_id: [unclosed\n")
    return bad


@pytest.mark.slow  # a process pool and three builds
def test_a_bad_deal_sheet_is_reported_and_the_others_are_built(tmp_path, assert_valid):
    bad = _pack(tmp_path / "in")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(out), "-j", "2"])
    assert result.exit_code == 1, result.output
    built = sorted(p.name for p in out.glob("*.docx"))
    assert built == ["deal-0.docx", "deal-1.docx", "deal-2.docx"]
    for name in built:
        assert_valid(out / name)
    assert not (out / "bad.docx").exists() and not (out / "broken.docx").exists()
    where = position_of(bad, "decision_rule: ^mostly")
    output = result.output.replace("\n", " ")
    assert f"bad.yaml:{where}: error E-enum-01" in output
    assert "broken.yaml:2:1: error E-yaml-01" in output or "E-yaml-01" in output
    assert "3 built, 2 failed" in output
    # piped, not a terminal: one plain line per deal sheet instead of a progress bar
    assert result.output.count("ok ") >= 3 and "FAILED" in result.output


@pytest.mark.slow  # a process pool and four builds
def test_each_document_matches_its_single_build(tmp_path):
    """Workers share the parent's workspace; the result must be the same bytes as a lone build."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"d{i}.yaml").write_text(EXAMPLE.read_text())
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["batch", str(folder), "-o", str(out)]).exit_code == 0
    lone = tmp_path / "lone" / "d2.docx"  # at the same depth: the lock names "../in/d2.yaml"
    assert (
        CliRunner().invoke(main, ["build", str(folder / "d2.yaml"), "-o", str(lone)]).exit_code == 0
    )
    assert (out / "d2.docx").read_bytes() == lone.read_bytes()


def test_nothing_to_build_and_clashing_names_are_errors(tmp_path):
    result = CliRunner().invoke(
        main, ["batch", str(tmp_path / "*.yaml"), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 1 and "E-batch-01" in result.output
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.yaml").write_text(EXAMPLE.read_text())
    result = CliRunner().invoke(
        main, ["batch", str(tmp_path / "*/same.yaml"), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 1 and "E-batch-02" in result.output


def _slow_square(ws, n: int) -> tuple[int, int]:
    """A job that finishes out of order (the larger, the sooner), and says which process ran it."""
    import os
    import time

    time.sleep(0.02 * (5 - n))
    return n * n, os.getpid()


def test_fork_map_keeps_the_items_order_in_workers_and_in_this_process(workspace):
    import os

    from assembler.batches.run import fork_map

    items = [1, 2, 3, 4]
    in_workers = fork_map(_slow_square, items, workspace, jobs=2)
    assert [square for square, _ in in_workers] == [1, 4, 9, 16]
    assert all(pid != os.getpid() for _, pid in in_workers)  # the workers shared the workspace
    here = fork_map(_slow_square, items, workspace, jobs=1)
    assert here == [(n * n, os.getpid()) for n in items]
    assert fork_map(_slow_square, [], workspace) == []
