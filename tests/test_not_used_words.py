"""The words a deed of variation leaves in an omitted place are the house style's: the deed's
instruction quotes them ("marked "Intentionally left blank."") and the conformed copy prints them,
from one entry of ``templates/house-style.yaml`` (``not_used_clause``, ``not_used_provision``)."""

from __future__ import annotations

import shutil

import pytest
from test_vary import conformed_texts, deed_text, without_first_year_aims_with_eligibility

from assembler.api import Workspace, build, rebuild
from assembler.variation.vary import vary

from conftest import EXAMPLE

CLAUSE_WORD, PROVISION_WORD = "Intentionally left blank", "Intentionally left blank."


@pytest.fixture
def blank_bank(bank):
    """A copy of the house bank whose house style holds an omitted place with other words."""
    style = bank / "templates" / "house-style.yaml"
    text = style.read_text()
    for old, new in (
        ("not_used_clause: Not used", f"not_used_clause: {CLAUSE_WORD}"),
        ("not_used_provision: Not used.", f"not_used_provision: {PROVISION_WORD}"),
    ):
        assert old in text
        text = text.replace(old, new)
    style.write_text(text)
    return bank


@pytest.mark.slow  # builds an agreement and varies it
def test_the_deed_and_the_conformed_copy_use_the_house_words(tmp_path, blank_bank, assert_valid):
    ws = Workspace.open(blank_bank, blank_bank / "templates")
    deal = tmp_path / "signed.yaml"
    shutil.copy(EXAMPLE, deal)
    lock = build(deal, tmp_path / "signed.docx", workspace=ws).lock
    # year 2: a provision omitted (the first-year aims) and a clause (wilful default)
    new = without_first_year_aims_with_eligibility(tmp_path, deal)
    new.write_text(new.read_text().replace("sanction: exclusion", 'sanction: "[to be agreed]"'))
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    _, old = rebuild(lock, ws)
    numbers = {pc.slot: pc.number for pc in old.plan.clauses}
    deed = "\n".join(deed_text(result.deed.output))
    assert (
        f"Omit clause {numbers['objectives']}.2, leaving its number in place marked "
        f"\u201c{PROVISION_WORD}\u201d\n" in deed + "\n"
    )
    assert (
        f"Omit clause {numbers['wilful-default']} (Wilful default and exclusion), leaving its "
        f"number in place marked \u201c{CLAUSE_WORD}\u201d." in deed
    )
    assert f"carries the words \u201c{CLAUSE_WORD}\u201d" in deed
    accepted = conformed_texts(result.conformed, accept=True)
    assert PROVISION_WORD in accepted and CLAUSE_WORD in accepted
    everything = deed + "\n".join(accepted + conformed_texts(result.conformed, accept=False))
    assert "Not used" not in everything
    assert_valid(result.deed.output)
    assert_valid(result.conformed)
