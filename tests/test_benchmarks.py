"""The benchmark script (benchmarks/run.py) runs, and what it times is complete: N=10, one round.

Timings are not asserted: they belong to the script's table, measured on a quiet machine.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip(
    "docxtpl", reason="the peer routes need the bench extra: pip install -e .[bench]"
)
pytest.importorskip("docxcompose", reason="pip install -e .[bench]")

ROOT = Path(__file__).resolve().parents[1]
sys.path.append(str(ROOT))  # benchmarks/ is a folder of scripts, not an installed package

from benchmarks import completeness, mou_pack, routes, run, synthetic  # noqa: E402


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """Every route at N=10, one round, each in a fresh process; the examples too."""
    work = tmp_path_factory.mktemp("bench")
    return work, run.run_benchmark([10], 1, work)


@pytest.mark.slow  # the benchmark runs every peer route in a fresh process
def test_every_route_runs_and_its_output_is_complete(bench):
    _, report = bench
    assert {row.route for row in report.rows} == set(routes.ROUTES)
    assert len(routes.ROUTES) == 4
    assert run.results_table(report).row_count == len(run.VARIANTS)
    for row in report.rows:
        assert row.runs == 1, row
        assert row.complete, (row.variant, row.problems)
    assert all(r.size > 0 and r.rss > 0 for r in report.runs)


@pytest.mark.slow
def test_the_report_has_the_examples_and_every_target(bench):
    _, report = bench
    assert any(e["example"] == run.TARGET_EXAMPLE for e in report.examples)
    assert run.examples_table(report).row_count == len(report.examples)
    statuses = {t["target"]: t["status"] for t in report.targets}
    assert [s for name, s in statuses.items() if "N=1000" in name] == ["not measured"] * 6


def test_the_synthetic_clauses_have_what_the_issue_asks_for():
    specs = synthetic.clause_specs(12)
    styles = {style for spec in specs for style, _ in spec.paragraphs}
    assert {"Clause 2", "Clause 3", "List Bullet", "Body Text"} <= styles
    for spec in specs:
        numbered = [t for style, t in spec.paragraphs if style == "Clause 2"]
        assert 2 <= len(numbered) <= 4, spec.id
        assert "<<REF_LABEL>>" in "".join(t for _, t in spec.paragraphs)
    for name in (synthetic.PROVIDER, synthetic.COMMISSIONER):
        assert "&" in name and '"' in name


def _floor_output(bench, tmp_path: Path, spoil) -> tuple[list[str], dict]:
    """The floor route's output for an expected text changed by ``spoil``, and the true text."""
    work, _ = bench
    expected = completeness.load_expected(work / "n10")
    spoilt = json.loads(json.dumps(expected))
    spoil(spoilt)
    (tmp_path / "expected.json").write_text(json.dumps(spoilt), encoding="utf-8")
    out = tmp_path / "out.docx"
    routes.floor(tmp_path, out)
    return completeness.check_docx(out, expected), expected


@pytest.mark.slow
def test_the_checker_passes_a_complete_output(bench, tmp_path):
    problems, _ = _floor_output(bench, tmp_path, lambda e: None)
    assert problems == []


@pytest.mark.parametrize(
    ("spoil", "problem"),
    [
        (lambda e: e["clauses"].pop(), "clause headings"),
        (lambda e: e["clauses"][3]["paragraphs"].pop(), "body paragraphs missing"),
        (lambda e: e["clauses"][0]["paragraphs"].append(["Body Text", "{{ party1 }}"]), "'{{'"),
        (lambda e: e["clauses"][2].update(title="Wrong title"), "heading 'Wrong title'"),
        (
            lambda e: [
                p.__setitem__(1, p[1].replace(" & ", "  "))
                for c in e["clauses"]
                for p in c["paragraphs"]
            ],
            "party name",
        ),
    ],
    ids=["clause-missing", "paragraph-missing", "tag-left", "wrong-heading", "ampersand-dropped"],
)
@pytest.mark.slow
def test_the_checker_catches_an_incomplete_output(bench, tmp_path, spoil, problem):
    problems, _ = _floor_output(bench, tmp_path, spoil)
    assert any(problem in p for p in problems), problems


@pytest.mark.slow
def test_the_checker_reports_an_unreadable_output(bench, tmp_path):
    work, _ = bench
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    problems = completeness.check_docx(broken, completeness.load_expected(work / "n10"))
    assert problems and "cannot open" in problems[0]


@pytest.mark.slow
def test_a_failing_route_is_reported_not_timed(bench, tmp_path):
    work, _ = bench
    broken = tmp_path / "n10"
    shutil.copytree(work / "n10", broken)
    (broken / "peers" / "context.json").unlink()
    ws = synthetic.Workspace(broken, 10)
    variant = next(v for v in run.VARIANTS if v.route == "jinja2+pandoc")
    (tmp_path / "out").mkdir()
    result = run.run_variant(variant, ws, tmp_path / "out", {}, 0)
    assert result.problems and result.problems[0].startswith("exit 1")


def test_arguments():
    args = run.parse_args(["--sizes", "10,100", "--rounds", "2", "--max-b", "100"])
    assert (args.sizes, args.rounds, args.max_b) == ([10, 100], 2, 100)
    with pytest.raises(SystemExit):
        run.parse_args(["--sizes", "ten"])


@pytest.mark.slow
def test_the_mou_pack_benchmark_packs_and_builds_every_practice(capsys):
    assert mou_pack.main(["--practices", "3", "-j", "2"]) == 0
    out = capsys.readouterr().out
    assert "3 deal sheets written by `assemble pack`" in out and "3 MoUs built" in out
