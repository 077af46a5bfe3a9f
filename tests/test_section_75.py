"""The section 75 pooled-fund agreement (issue 16): a document type added as data, covering every
item of seed 002's "Checklist for pooling budgets", its rules, and parties as they are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assembler.api import build
from assembler.core.errors import AssemblerError

from conftest import BANK, libreoffice_resave, needs_soffice
from reading import paragraphs

S75 = BANK / "examples" / "place-pooled-fund-section-75.yaml"

#: seed 002 ch3, "Develop a joint funding agreement with documentation that outlines": each item,
#: as the words a reader looks for in the built agreement
CHECKLIST = {
    "aims and outcomes": [r"The aims of the Pooled Fund are", r"achieve these outcomes"],
    "functions covered": [
        r"NHS Functions of .* that this Agreement covers",
        r"Health-related Functions of",
    ],
    "benefits measured, realised and shared": [
        r"measured by",
        r"to be realised",
        r"share any gain",
    ],
    "key risks managed, shared and mitigated": [r"key risks to the Pooled Fund", r"Mitigation:"],
    "financial contributions by year": [r"for Financial Year 2027/28, the Pooled Fund is"],
    "non-financial resources": [r"non-financial resources"],
    "host partner and pooled fund manager": [r"is the Host Partner", r"as the Pooled Fund Manager"],
    "reporting and governance": [
        r"must report to the .* every quarter",
        r"establish the .* to oversee",
    ],
    "audit and accounts": [r"keep accounts of the Pooled Fund", r"audited"],
    "duration, annual review, renewal": [
        r"Initial Term of",
        r"review this Agreement each year",
        r"renew",
    ],
    "termination": [r"may end this Agreement by giving"],
    "VAT": [r"account for VAT"],
    "complaints": [r"complaint about a Service"],
    "disputes": [r"If a dispute arises"],
    "risk share, overspends and underspends": [r"An Overspend is met", r"An Underspend stays"],
    "assets, staff and contracts on exit": [
        r"Assets bought from",
        r"Staff stay",
        r"Each contract paid for",
    ],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory, workspace) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("s75") / "s75.docx"
    result = build(S75, out, workspace=workspace)
    assert not result.warnings, [w.message for w in result.warnings]
    return out, "\n".join(t for _, t in paragraphs(out.read_bytes()))


@pytest.mark.parametrize("item", CHECKLIST)
def test_the_example_covers_each_item_of_the_seed_002_checklist(built, item):
    _, text = built
    for pattern in CHECKLIST[item]:
        assert re.search(pattern, text), f"{item}: {pattern!r} not found"


def test_the_example_is_valid_and_uses_the_deal_names_in_definitions(built, assert_valid):
    out, text = built
    assert_valid(out)
    assert "“[Joint Commissioning Board]” means the board of the Partners" in text
    assert "“Pooled Fund Manager” means the officer of the Host Partner" in text
    assert "section 75 of the National Health Service Act 2006 and the NHS Bodies" in text


@needs_soffice()
def test_the_example_converts_in_libreoffice(built, tmp_path):
    out, _ = built
    assert libreoffice_resave(out, tmp_path).stat().st_size > 0


def _deal(tmp_path: Path, edit: dict[str, str]) -> Path:
    text = S75.read_text(encoding="utf-8")
    for old, new in edit.items():
        assert old in text, old
        text = text.replace(old, new)
    deal = tmp_path / "deal.yaml"
    deal.write_text(text, encoding="utf-8")
    return deal


NUMBERS = {
    'total: "[total]"': "total: 1500000",
    '{party: icb, amount: "[amount]"}': "{party: icb, amount: 1000000}",
    '{party: la, amount: "[amount]"}': "{party: la, amount: 500000}",
}


def test_totals_are_computed_from_the_contributions(tmp_path, workspace):
    deal = _deal(tmp_path, NUMBERS)
    build(deal, tmp_path / "x.docx", workspace=workspace)
    text = "\n".join(t for _, t in paragraphs((tmp_path / "x.docx").read_bytes()))
    assert "for Financial Year 2027/28, the Pooled Fund is £1,500,000" in text
    assert "Financial Year 2027/28: the Pooled Fund is £1,500,000, made up of" in text
    assert "[Integrated Care Board]: £1,000,000 in total." in text


def _errors(deal: Path, workspace) -> list[tuple[str, int | None, str]]:
    with pytest.raises(AssemblerError) as caught:
        build(deal, deal.with_suffix(".docx"), workspace=workspace)
    assert not deal.with_suffix(".docx").exists()
    return [(d.rule, d.line, d.message) for d in caught.value.diagnostics]


def test_contributions_must_add_up_to_the_year_total(tmp_path, workspace):
    deal = _deal(tmp_path, {**NUMBERS, "total: 1500000": "total: 1600000"})
    [(rule, line, message)] = _errors(deal, workspace)
    assert rule == "E-pool-01" and "£1,500,000, not £1,600,000" in message
    assert "total: 1600000" in deal.read_text().splitlines()[line - 1]


def test_the_host_has_the_host_role_and_employs_the_pooled_fund_manager(tmp_path, workspace):
    deal = _deal(
        tmp_path,
        {"roles: [commissioner, host]": "roles: [commissioner]", "employer: la}": "employer: icb}"},
    )
    rules = sorted(r for r, _, _ in _errors(deal, workspace))
    assert rules == ["E-pool-02", "E-pool-03"]


def test_partners_are_nhs_bodies_and_local_authorities(tmp_path, workspace):
    deal = _deal(
        tmp_path, {"kind: icb, roles: [commissioner]": "kind: company, roles: [commissioner]"}
    )
    rules = {r for r, _, _ in _errors(deal, workspace)}
    assert rules == {"E-pool-04"}


def test_a_party_that_shares_no_losses_bears_no_overspend(tmp_path, workspace):
    deal = _deal(
        tmp_path,
        {
            "clinical_responsibility: none, shares_gains: true, shares_losses: true}\n  - {id: la": "clinical_responsibility: full, shares_gains: true, shares_losses: false}\n  - {id: la"
        },
    )
    build(deal, tmp_path / "x.docx", workspace=workspace)
    text = "\n".join(t for _, t in paragraphs((tmp_path / "x.docx").read_bytes()))
    assert "then by [Council] in proportion to their Contributions" in text
    assert "[Integrated Care Board] does not bear any share of an Overspend." in text
    assert "[Integrated Care Board] and [Council] share any gain" in text
    assert "[Integrated Care Board] is clinically responsible for every Service it arranges" in text


# -- parties as they are (issue 16 item 5) ---------------------------------------------------


def _alliance_party(tmp_path: Path, workspace, party: str) -> list[str]:
    text = (BANK / "examples" / "over-65s-alliance.yaml").read_text(encoding="utf-8")
    text = text.replace("parties:\n", "parties:\n" + party, 1)
    text = re.sub(r"effective_date: 2017-04-01", "effective_date: 2023-04-01", text)
    text = text.replace("kind: ccg,", "kind: icb,")
    deal = tmp_path / "deal.yaml"
    deal.write_text(text, encoding="utf-8")
    out = tmp_path / "deal.docx"
    build(deal, out, workspace=workspace, draft=True)
    return [t for s, t in paragraphs(out.read_bytes()) if s in ("PartyEntry", "ExecutionBlock")]


@pytest.mark.parametrize(
    ("party", "expected", "absent"),
    [
        (
            '  - {id: uni, name: "[University]", kind: university, roles: [provider], constitution: chartered_body}\n',
            "[University], a body incorporated by Royal Charter",
            "company number",
        ),
        (
            '  - {id: uni, name: "[University]", kind: university, roles: [provider], constitution: higher_education_corporation}\n',
            "a higher education corporation established under the Education Reform Act 1988",
            "company number",
        ),
        (
            '  - {id: cic, name: "[CIC]", kind: community_interest_company, roles: [provider], registration: "123"}\n',
            "[CIC], a community interest company registered in England and Wales with company number 123",
            "charity",
        ),
        (
            '  - {id: cio, name: "[CIO]", kind: cio, roles: [provider], registration: "456"}\n',
            "[CIO], a charitable incorporated organisation registered with the Charity Commission",
            "company",
        ),
        (
            '  - {id: nhse, name: "NHS England", kind: nhs_england, roles: [commissioner]}\n',
            "NHS England, the body corporate established under section 1H",
            "company",
        ),
        (
            '  - {id: gp, name: "[Practice]", kind: gp_partnership, roles: [provider], partners: ["Dr A", "Dr B"]}\n',
            "[Practice], a general practice partnership whose partners are Dr A and Dr B",
            "company",
        ),
        (
            '  - {id: co, name: "[Life Sciences Ltd]", kind: company, roles: [observer], registration: "789"}\n',
            "[Life Sciences Ltd], a company registered in England and Wales with company number 789",
            "charity",
        ),
    ],
)
@pytest.mark.slow(keep_first=True)
def test_each_legal_form_describes_the_party_as_it_is(tmp_path, workspace, party, expected, absent):
    lines = _alliance_party(tmp_path, workspace, party)
    [entry] = [t for t in lines if expected in t]
    assert absent not in entry


def test_a_key_another_legal_form_takes_is_an_error_at_the_key(tmp_path, workspace):
    party = '  - {id: uni, name: "[University]", kind: university, roles: [provider], constitution: chartered_body, registration: "RC000123"}\n'
    with pytest.raises(AssemblerError) as caught:
        _alliance_party(tmp_path, workspace, party)
    [d] = caught.value.diagnostics
    assert (d.rule, d.line) == ("E-key-01", 21) and "parties[0].registration" in d.message
    assert "university" in d.message


def test_a_gp_partnership_names_its_partners(tmp_path, workspace):
    party = '  - {id: gp, name: "[Practice]", kind: gp_partnership, roles: [provider]}\n'
    with pytest.raises(AssemblerError) as caught:
        _alliance_party(tmp_path, workspace, party)
    assert [d.rule for d in caught.value.diagnostics] == ["E-key-02"]
    assert "parties[0].partners" in caught.value.diagnostics[0].message


def test_an_alliance_can_say_its_commissioners_pool_their_budgets(
    tmp_path, workspace, assert_valid
):
    text = (BANK / "examples" / "over-65s-alliance.yaml").read_text(encoding="utf-8")
    pooled = (
        'pooled_budget: {name: "[Place] Better Care Fund", host: la,\n'
        '                agreement: "the Section 75 Partnership Agreement for the [Place] Better Care Fund"}\n'
    )
    deal = tmp_path / "deal.yaml"
    deal.write_text(text.replace("precedence:", pooled + "precedence:", 1), encoding="utf-8")
    out = tmp_path / "deal.docx"
    result = build(deal, out, workspace=workspace)
    assert not result.warnings
    assert_valid(out)
    text = "\n".join(t for _, t in paragraphs(out.read_bytes()))
    assert (
        "[CCG] and [Council] pool their budgets for the Alliance Services in the [Place] Better "
        "Care Fund, a pooled fund under section 75 of the National Health Service Act 2006"
    ) in text
    assert "“Section 75 Agreement” means the Section 75 Partnership Agreement" in text


def test_a_split_share_adds_up_to_100(tmp_path, workspace):
    split = "{basis: split, split: [{party: icb, pct: 60}, {party: la, pct: 30}]}"
    deal = _deal(tmp_path, {"sharing: {basis: pro_rata_to_contributions}": f"sharing: {split}"})
    [(rule, line, message)] = _errors(deal, workspace)
    assert rule == "E-pool-05" and message.startswith("benefits.sharing.split")
    assert "split: [{party: icb, pct: 60}" in deal.read_text().splitlines()[line - 1]


def test_a_split_that_names_a_partner_twice_is_one_error_at_the_split(tmp_path, workspace):
    split = "{basis: split, split: [{party: icb, pct: 50}, {party: icb, pct: 40}]}"
    deal = _deal(tmp_path, {"sharing: {basis: pro_rata_to_contributions}": f"sharing: {split}"})
    [(rule, line, message)] = _errors(deal, workspace)
    assert rule == "E-pool-05" and message.startswith("benefits.sharing.split: a split share")
    assert "split: [{party: icb, pct: 50}" in deal.read_text().splitlines()[line - 1]


def test_a_partner_that_may_not_pool_is_named_in_the_message(tmp_path, workspace):
    deal = _deal(
        tmp_path, {"kind: icb, roles: [commissioner]": "kind: company, roles: [commissioner]"}
    )
    messages = sorted(m for _, _, m in _errors(deal, workspace))
    assert messages == [
        "parties: a section 75 arrangement is between at least one NHS body and one local "
        "authority",
        "parties[0].kind: a company cannot be a partner to a section 75 arrangement",
    ]
