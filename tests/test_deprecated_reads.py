"""`bank check` flags a clause version in force that reads a deal key under its deprecated old
name (a schema's ``x-renamed``), at the clause's file, naming the new key."""

from __future__ import annotations

import pytest

from assembler.bank.authoring import fragment_from_draft
from assembler.bank.clausebank import ClauseBank
from assembler.bank.ops import bump, check_bank
from assembler.bank.static import renamed_keys
from assembler.deal.types import bank_types

from conftest import BANK

HOUSE_STYLE = BANK / "templates" / "house-style.docx"


def findings(folder, used=None):
    """``bank check``'s E-check-13 findings, the examples reported as building with ``used``."""
    result = check_bank(
        ClauseBank.load(folder),
        folder / "templates",
        lambda trials: [dict(used or {}) if used else [] for _ in trials],
        {name: kind.schema for name, kind in bank_types(folder).items()},
    )
    return [f for f in result.findings if f.rule == "E-check-13"]


def _new_version(folder, clause_id, text):
    version = bump(ClauseBank.load(folder), clause_id, "minor")
    path = folder / "clauses" / clause_id / f"{version}.docx"
    path.write_bytes(fragment_from_draft(text, HOUSE_STYLE))
    return version


def test_every_renamed_key_of_every_type_is_known():
    old = renamed_keys(kind.schema for kind in bank_types(BANK).values())
    assert old["gain_share_participant"] == ("shares_gains", "parties[].gain_share_participant")
    assert old["risk_share_participant"][0] == "shares_losses"


@pytest.mark.slow  # reads every version of every clause of a bank
def test_a_new_version_reading_a_deprecated_key_is_located(bank):
    version = _new_version(
        bank,
        "gain-pool",
        "1.1 The Providers share gains.\n"
        "{% for p in providers|rejectattr('gain_share_participant', 'sameas', false) %}\n"
        "1.1 {{ p.name }} bears losses: {{ party('la').risk_share_participant }}.\n"
        "{% endfor %}",
    )
    found = findings(bank)
    assert [f.message.split(":")[0] for f in found] == [
        f"gain-pool@{version}, paragraph 2",
        f"gain-pool@{version}, paragraph 3",
    ]
    assert "gain_share_participant, the deprecated old name of shares_gains" in found[0].message
    assert found[0].file.endswith(f"gain-pool/{version}.docx")
    assert "read shares_gains instead" in (found[0].hint or "")
    assert "read shares_losses instead" in (found[1].hint or "")
    assert all(f.severity == "error" for f in found)


@pytest.mark.slow  # reads every version of every clause of a bank
def test_older_versions_only_when_an_example_builds_with_them():
    # gain-pool 1.1.0 and 1.2.0 read the old name; the newest (1.3.0) does not
    assert findings(BANK) == []
    found = findings(BANK, used={"gain-pool": "1.2.0"})
    assert [f.message.split(",")[0] for f in found] == ["gain-pool@1.2.0"]
