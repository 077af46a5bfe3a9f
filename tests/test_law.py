"""Law as at the deal's date: the bank's register (clausebank/law.yaml), the E-law rules with deals
dated before and after each change, and ``law()`` in clause text."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from assembler.cli.main import main

from conftest import BANK, EXAMPLE, position_of

DEED = BANK / "examples" / "over-65s-alliance-variation-1.yaml"


def check(path) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    report = json.loads(result.output)
    return result.exit_code, report.get("errors", []) + report.get("findings", [])


def redated(tmp_path, source, date: str, *edits: tuple[str, str]):
    text = re.sub(
        r"(?m)^effective_date: \S+", f"effective_date: {date}", source.read_text(), count=1
    )
    text = text.replace("deal: over-65s-alliance.yaml", f"deal: {EXAMPLE}")  # the deed's original
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "deal.yaml"
    path.write_text(text)
    return path, text


def test_every_register_entry_has_a_source_and_a_known_successor(workspace):
    register = workspace.bank.law
    assert len(register.entries) >= 15
    for entry in register.entries.values():
        assert "legislation.gov.uk" in entry.source or "see the regimes above" in entry.source
        assert entry.successor is None or entry.successor in register.entries, entry.id
        if entry.start and entry.end:
            assert entry.start <= entry.end


@pytest.mark.parametrize(
    ("on", "body", "in_force"),
    [
        ("2022-06-30", "ccg", True),
        ("2022-07-01", "ccg", False),
        ("2022-06-30", "icb", False),
        ("2022-07-01", "icb", True),
        ("2013-03-31", "pct", True),
        ("2013-04-01", "pct", False),
    ],
)
def test_body_types_in_force_on_a_date(workspace, on, body, in_force):
    assert (body in workspace.bank.law.in_force("body", dt.date.fromisoformat(on))) is in_force


def test_a_ccg_is_a_party_only_before_1_july_2022(tmp_path):
    path, _ = redated(tmp_path, EXAMPLE, "2022-06-30")
    assert check(path) == (0, [])
    path, text = redated(tmp_path, EXAMPLE, "2022-07-01")
    code, found = check(path)
    assert code == 1
    [finding] = [f for f in found if f["rule"] == "E-law-01"]
    assert finding["line"] == int(
        position_of(text, '{id: ccg, name: "[CCG]", kind: ^ccg').split(":")[0]
    )
    assert "integrated care board" in finding["hint"] and "30 June 2022" in finding["hint"]


def test_the_example_re_dated_to_today_with_an_icb_builds_clean(tmp_path):
    path, _ = redated(tmp_path, EXAMPLE, dt.date.today().isoformat(), ("kind: ccg", "kind: icb"))
    assert check(path) == (0, [])


def test_an_icb_before_july_2022_is_named_as_not_yet_in_force(tmp_path):
    path, _ = redated(tmp_path, EXAMPLE, "2020-04-01", ("kind: ccg", "kind: icb"))
    code, found = check(path)
    assert code == 1 and [f["rule"] for f in found] == ["E-law-01"]
    assert "from 1 July 2022" in found[0]["hint"]


def test_the_2013_procurement_regulations_end_with_2023(tmp_path):
    path, _ = redated(tmp_path, DEED, "2023-12-31", ("kind: ccg", "kind: icb"))
    assert check(path) == (0, [])
    path, text = redated(tmp_path, DEED, "2024-01-01", ("kind: ccg", "kind: icb"))
    code, found = check(path)
    assert code == 1
    [finding] = [f for f in found if f["rule"] == "E-law-02"]
    assert "Provider Selection Regime" in finding["hint"]
    assert finding["line"] == int(position_of(text, "^regimes: [public").split(":")[0])


def test_the_procurement_act_2023_can_be_named_from_24_february_2025(tmp_path):
    current = "regimes: [public_contracts_regulations_2015, nhs_procurement_regulations_2013]"
    act = "regimes: [procurement_act_2023, provider_selection_regime_2023]"
    path, _ = redated(tmp_path, DEED, "2025-02-24", ("kind: ccg", "kind: icb"), (current, act))
    assert check(path) == (0, [])
    path, _ = redated(tmp_path, DEED, "2025-02-23", ("kind: ccg", "kind: icb"), (current, act))
    code, found = check(path)
    assert code == 1 and {f["rule"] for f in found} == {"E-law-02"}
    assert "24 February 2025" in found[0]["hint"]


@pytest.mark.parametrize(
    ("on", "law"),
    [
        ("2017-04-01", "the Data Protection Act 1998"),
        ("2018-05-25", "the General Data Protection Regulation ((EU) 2016/679)"),
        ("2021-01-01", "the UK GDPR and the Data Protection Act 2018"),
    ],
)
@pytest.mark.slow(keep_first=True)
def test_law_in_clause_text_is_the_law_on_the_deals_date(tmp_path, workspace, on, law):
    from assembler.api import build

    from reading import paragraphs

    path, _ = redated(
        tmp_path, EXAMPLE, on, ("kind: ccg", "kind: ccg" if on < "2022" else "kind: icb")
    )
    out = tmp_path / "deal.docx"
    build(path, out, workspace=workspace)
    text = "\n".join(t for _, t in paragraphs(out.read_bytes()))
    assert f"“Data Protection Legislation” means {law}" in text
    assert ("UK GDPR" in text) is (on >= "2021")


@pytest.mark.parametrize("nhs_bodies", [True, False])
@pytest.mark.slow(keep_first=True)
def test_the_jurisdiction_clause_keeps_the_section_9_route_between_nhs_bodies(
    tmp_path, workspace, assert_valid, nhs_bodies
):
    from assembler.api import build

    from reading import paragraphs

    text = EXAMPLE.read_text()
    if not nhs_bodies:  # the CCG is then the only health service body: no NHS contract
        text = re.sub(r"kind: nhs_(foundation_)?trust", "kind: company", text)
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    out = tmp_path / "deal.docx"
    build(deal, out, workspace=workspace)
    assert_valid(out)
    [clause] = [t for _, t in paragraphs(out.read_bytes()) if "exclusive jurisdiction" in t]
    carve_out = "section 9 of the National Health Service Act 2006 requires"
    assert (carve_out in clause) is nhs_bodies


def test_sums_due_are_carved_out_of_the_no_blame_gateway(example):
    from reading import clause_texts

    result, data = example
    [liability] = [t for h, t in clause_texts(data).items() if "claim for" in t]
    assert "payment of a sum due from one Party to another under this Agreement." in liability
    assert "Wilful Default;" in liability and "Data Protection Legislation; or" in liability


def test_a_register_entry_must_say_where_its_dates_were_checked(tmp_path):
    from assembler.bank.law import LawRegister
    from assembler.core.errors import AssemblerError

    from conftest import BANK

    text = (BANK / "law.yaml").read_text()
    first = text.index("    checked: ")
    path = tmp_path / "law.yaml"
    path.write_text(text[:first] + text[text.index("\n", first) + 1 :])
    with pytest.raises(AssemblerError) as error:
        LawRegister.load(path)
    [finding] = error.value.diagnostics
    assert "checked" in finding.message and finding.file == str(path) and finding.line


@pytest.mark.parametrize(
    ("body", "on", "successor"),
    [
        ("pct", "2026-12-04", "integrated care board (icb)"),  # through the CCG, itself abolished
        ("pct", "2020-04-01", "clinical commissioning group (ccg)"),
        ("monitor", "2026-12-04", "NHS England"),
    ],
)
def test_the_hint_names_the_successor_in_force_on_the_date(workspace, body, on, successor):
    why = workspace.bank.law.not_in_force(body, dt.date.fromisoformat(on))
    assert why and f"its successor is {successor}" in why
