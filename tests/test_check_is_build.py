"""`assemble check` runs the build short of writing: it passes exactly when the build passes."""

from __future__ import annotations

import pytest

from assembler.api import build, check
from assembler.core.errors import AssemblerError

from conftest import BANK, EXAMPLE, first_fast

EXAMPLES = sorted((BANK / "examples").glob("*.yaml"))
#: The other examples: each is built whole, so they run only with --slow (the first covers it).
NAMES = [p.name for p in EXAMPLES if p != EXAMPLE]


def _no_manual(folder):
    """Case study A with no service operations manual: its final build once failed on E-ref-02."""
    text = EXAMPLE.read_text(encoding="utf-8")
    before = "service_operations_manual: {required: true,"
    assert before in text
    deal = folder / "no-manual.yaml"
    deal.write_text(text.replace(before, "service_operations_manual: {required: false,"))
    return deal


def _build_errors(deal, out, workspace, draft):
    try:
        build(deal, out, workspace=workspace, draft=draft)
    except AssemblerError as exc:
        return sorted({d.rule for d in exc.diagnostics if d.severity == "error"})
    return []


def _check_errors(deal, workspace, draft):
    try:
        result = check(deal, workspace, draft=draft)
    except AssemblerError as exc:  # a deal sheet that does not load stops both alike
        return sorted({d.rule for d in exc.diagnostics if d.severity == "error"})
    return sorted({d.rule for d in result.diagnostics if d.severity == "error"})


@pytest.mark.parametrize("draft", [False, True], ids=["final", "draft"])
@pytest.mark.parametrize("name", first_fast([EXAMPLE.name, *NAMES]) + ["no-manual"])
@pytest.mark.slow(keep_first=True)
def test_check_fails_exactly_when_the_build_fails(tmp_path, workspace, name, draft):
    deal = _no_manual(tmp_path) if name == "no-manual" else BANK / "examples" / name
    expected = _build_errors(deal, tmp_path / "x.docx", workspace, draft)
    assert _check_errors(deal, workspace, draft) == expected


def test_an_alliance_without_a_manual_builds_final(tmp_path, workspace):
    deal = _no_manual(tmp_path)
    assert _check_errors(deal, workspace, False) == []
    assert _build_errors(deal, tmp_path / "x.docx", workspace, False) == []


def test_check_names_the_error_a_final_build_stops_on(tmp_path, workspace):
    """A value the final build needs is missing: check fails with the build's rule id, and a
    draft check passes."""
    text = EXAMPLE.read_text(encoding="utf-8")
    deal = tmp_path / "gap.yaml"
    gap = text.replace(
        'approved_by: "[the Alliance Leadership Board or the Alliance Management Board]"', ""
    )
    assert gap != text
    deal.write_text(
        gap.replace(
            "change_flow: som_first_then_contract_variation,",
            "change_flow: som_first_then_contract_variation",
        ),
        encoding="utf-8",
    )
    final = _build_errors(deal, tmp_path / "x.docx", workspace, False)
    assert final
    assert _check_errors(deal, workspace, False) == final
    assert _check_errors(deal, workspace, True) == []
