"""`assemble new`: a starter deal sheet per document type that loads, builds as a draft, and
tells the user every option."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assembler.cli import main
from assembler.dealsheet import load_deal
from assembler.doctypes import SCHEMAS


@pytest.mark.parametrize("document_type", sorted(SCHEMAS))
def test_the_starter_loads_and_builds_as_a_draft(tmp_path, document_type):
    target = tmp_path / "deal.yaml"
    result = CliRunner().invoke(main, ["new", document_type, "-o", str(target)])
    assert result.exit_code == 0, result.output
    deal = load_deal(target)
    assert deal.document_type == document_type
    text = target.read_text()
    for key, field in SCHEMAS[document_type].fields.items():
        if key == "choices" and "# Alternatives" not in text:
            continue  # offered only when the outline has alternatives
        prefix = "" if field.required else "# "
        assert f"\n{prefix}{key}:" in text, key  # every top-level key is offered
    if document_type == "deed_of_variation":
        return  # its starter names an original agreement that does not exist yet
    out = tmp_path / "draft.docx"
    built = CliRunner().invoke(main, ["build", str(target), "-o", str(out), "--draft"])
    assert built.exit_code == 0, built.output
    assert out.is_file()


def test_the_starter_lists_the_alternatives_and_the_criteria_they_serve(tmp_path):
    target = tmp_path / "aa.yaml"
    CliRunner().invoke(main, ["new", "alliance_agreement", "-o", str(target)])
    text = target.read_text()
    assert "# choices:" in text
    assert "#   liability: transition" not in text
    assert "no-blame-with-carve-outs: Liability; serves liability_in_partnerships" in text
    assert "decision_rule: unanimous_only" in text  # an enum shows its first allowed value
    assert "one of unanimous_only, unanimous_then_majority_if_decision_required" in text


def test_new_never_overwrites_and_rejects_unknown_types(tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("deal_id: keep-me\n")
    result = CliRunner().invoke(main, ["new", "alliance_agreement", "-o", str(target)])
    assert result.exit_code == 1 and "E-out-05" in result.output
    assert target.read_text() == "deal_id: keep-me\n"
    result = CliRunner().invoke(main, ["new", "aliance_agreement", "-o", str(tmp_path / "x")])
    assert result.exit_code == 1 and "did you mean 'alliance_agreement'" in result.output
