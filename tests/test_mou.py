"""Build the case study C memorandum of understanding and check what a lawyer would check."""

from __future__ import annotations

import re
import subprocess

import pytest

from assembler.api import build
from assembler.core.errors import AssemblerError

from conftest import BANK, needs_soffice, position_of
from reading import clause_texts, paragraphs, refs

MOU = BANK / "examples" / "ooh-transformation-mou.yaml"
BINDING = "Legally binding provisions"


@pytest.fixture(scope="module")
def mou(tmp_path_factory, workspace):
    """The case study C MoU, built once: (BuildResult, docx bytes)."""
    out = tmp_path_factory.mktemp("mou") / "ooh-transformation-mou.docx"
    result = build(MOU, out, workspace=workspace)
    return result, out.read_bytes()


def test_it_builds_without_warnings_or_leftover_template_text(mou, assert_valid, tmp_path):
    result, data = mou
    assert [str(w) for w in result.warnings] == []
    text = "\n".join(t for _, t in paragraphs(data))
    for leftover in ("{{", "{%", "[MISSING", "\ue000"):
        assert leftover not in text
    path = tmp_path / "mou.docx"
    path.write_bytes(data)
    assert_valid(path)


def test_it_says_it_is_not_binding_and_lists_the_binding_carve_outs(mou):
    result, data = mou
    text = "\n".join(t for _, t in paragraphs(data))
    binding = refs(result)["mou-binding-provisions"]
    assert binding == f"clause {result.plan.clauses[15].number}" == "clause 16"
    assert (
        f"Except for {binding}, which is legally binding, this Memorandum is not legally binding"
        in text
    )
    assert "does not create a partnership, a joint venture or an agency" in text
    assert "No Partner is committed to enter into the Future Contract" in text
    carve_outs = clause_texts(data)[BINDING]
    assert "Each Partner must keep confidential the Confidential Information" in carve_outs
    assert "Each Partner keeps ownership of the intellectual property" in carve_outs
    assert "Each Partner must pay its own costs" in carve_outs
    assert "governed by the law of England and Wales" in carve_outs


def test_must_is_used_only_in_the_binding_provisions(mou):
    _, data = mou
    for heading, body in clause_texts(data).items():
        plain = body.replace("\u201cmust\u201d", "")  # the interpretation clause quotes the word
        assert "shall" not in plain.lower(), heading
        if heading != BINDING:
            assert not re.search(r"\bmust\b", plain), (heading, plain)
    assert "intend" in clause_texts(data)["Governance"]


def test_clauses_and_cross_references_carry_the_right_numbers(mou):
    result, data = mou
    plan = result.plan
    assert [c.number for c in plan.clauses] == [str(n) for n in range(1, 18)]
    assert plan.clauses[0].title == "Definitions and interpretation"
    assert [s.title for s in plan.schedules] == ["The Partners", "Deliverables"]
    numbers = refs(result)
    assert numbers["mou-binding-provisions.confidentiality"] == "clause 16.2"
    assert numbers["mou-binding-provisions.foi"] == "clause 16.2(a)"  # 1 / 1.1 / (a)
    assert numbers["mou-duration-and-review.gates"] == "clause 13.6"
    assert numbers["mou-schedule-deliverables"] == "Schedule 2"
    information = clause_texts(data)["Information sharing and data protection"]
    assert "set out in clause 16.2, which is legally binding; clause 16.2(a) deals" in information
    definitions = [t for s, t in paragraphs(data) if s == "Definition"]
    assert any(
        d.startswith("\u201cDecision Gate\u201d means each point listed in clause 13.6")
        for d in definitions
    )


def test_each_partner_signs_and_it_is_not_a_deed(mou):
    result, data = mou
    texts = [t for _, t in paragraphs(data)]
    joined = "\n".join(texts)
    assert texts[0] == "DATED [date]"
    assert "THIS MEMORANDUM OF UNDERSTANDING is dated [date]" in texts
    assert not result.plan.is_deed
    assert "deed" not in joined.lower()
    for name in ("[CCG]", "[Council]", "[Community NHS Trust]", "[GP Federation]",
                 "[Acute NHS FT 1]", "[Acute NHS FT 2]"):  # fmt: skip
        assert f"for and on behalf of {name}" in joined, name
    assert joined.count("Signature: ....") == 6


def test_the_deliverables_schedule_names_dates_and_leads(mou):
    _, data = mou
    texts = [t for _, t in paragraphs(data)]
    assert "Deliverable 6" in texts
    assert (
        "What: the redesign of the clinical pathways for cardiology, frail elderly care and "
        "diabetes." in texts
    )
    assert "Due by: the end of the first year of the Transition Period." in texts
    assert "Lead: [Community NHS Trust] and [GP Federation]." in texts


def _refused(tmp_path, workspace, text: str) -> list:
    deal = tmp_path / "mou.yaml"
    deal.write_text(text)
    with pytest.raises(AssemblerError) as caught:
        build(deal, tmp_path / "mou.docx", workspace=workspace)
    assert not (tmp_path / "mou.docx").exists()
    return caught.value.diagnostics


def _at(d) -> str:
    return f"{d.line}:{d.col}"


def test_g23_refuses_a_binding_memorandum(tmp_path, workspace):
    text = MOU.read_text().replace("binding: false ", "binding: true ")
    found = _refused(tmp_path, workspace, text)
    assert [(d.rule, _at(d)) for d in found] == [
        ("E-rule-G23", position_of(text, "binding: ^true"))
    ]


def test_g23_refuses_a_memorandum_without_deliverables_or_decision_gates(tmp_path, workspace):
    text = re.sub(
        r"^deliverables:.*\n((  |    ).*\n)+", "deliverables: []\n", MOU.read_text(), flags=re.M
    )
    text = re.sub(r"^decision_gates:.*\n(  .*\n)+", "decision_gates: []\n", text, flags=re.M)
    found = _refused(tmp_path, workspace, text)
    assert [(d.rule, _at(d)) for d in found] == [
        ("E-rule-G23", position_of(text, "deliverables: ^[]")),
        ("E-rule-G23", position_of(text, "decision_gates: ^[]")),
    ]
    assert "needs named deliverables with dates" in found[0].message


def test_a_deliverable_without_a_date_is_refused_with_the_guidance(tmp_path, workspace):
    due = '    due: "[date]"                                  # placeholder\n'
    model = "  - workstream: outcome_based_payment_model        # src: 001 ch5, ch8\n"
    text = MOU.read_text().replace(model + due, model)
    found = _refused(tmp_path, workspace, text)
    assert [(d.rule, _at(d)) for d in found] == [
        ("E-key-02", position_of(text, "  - ^workstream: outcome_based_payment_model"))
    ]
    assert "deliverables[2].due" in found[0].message and "G23" in found[0].hint


def test_g22_and_g23_refuse_a_memorandum_without_review_or_sunset_dates(tmp_path, workspace):
    text = re.sub(
        r"^    - \{at: \"\[date of (first|second) review\]\"\}.*\n", "", MOU.read_text(), flags=re.M
    )
    text = text.replace("  review_dates:\n", "  review_dates: []\n")
    text = re.sub(r"^  sunset: .*\n", "", text, flags=re.M)
    found = _refused(tmp_path, workspace, text)
    where = position_of(text, "  review_dates: ^[]")
    assert sorted((d.rule, _at(d)) for d in found) == [
        ("E-rule-G22", where),
        ("E-rule-G23", where),
    ]


def test_g22_refuses_a_context_review_without_a_policy_or_leadership_trigger(tmp_path, workspace):
    text = re.sub(
        r"^  triggers: \[.*\n.*\n",
        "  triggers: [partner_financial_position_change]\n",
        MOU.read_text(),
        flags=re.M,
    )
    found = _refused(tmp_path, workspace, text)
    assert [(d.rule, _at(d)) for d in found] == [
        ("E-rule-G22", position_of(text, "  triggers: ^[partner_financial_position_change]"))
    ]
    assert "change of policy or of leadership" in found[0].message


def test_a_decision_gate_after_the_sunset_date_is_refused(tmp_path, workspace):
    text = (
        MOU.read_text()
        .replace('sunset: "[date on which this Memorandum lapses]"', "sunset: 2018-03-31")
        .replace('{at: "[date of first decision gate]"}', "{at: 2018-04-30}")
    )
    found = _refused(tmp_path, workspace, text)
    assert [(d.rule, _at(d)) for d in found] == [
        ("E-date-01", position_of(text, "  - {at: ^2018-04-30}"))
    ]


PERIOD = '  period_years: "[the length of the Transition Period, ending by April 2018]"'


@pytest.mark.parametrize(
    ("start", "years", "refused"),
    [
        ("2016-12-01", 2, True),  # ends 30 November 2018: after the April 2018 target
        ("2016-12-01", 1, False),
        ("2016-04-01", 2, False),  # ends 31 March 2018, as 001 ch8 and ch5 have it
        ("2016-05-01", 2, False),  # ends 30 April 2018, within the target month
        ("2016-06-01", 2, True),  # ends 31 May 2018
    ],
)
@pytest.mark.slow(keep_first=True)
def test_a_transition_period_that_ends_after_its_target_is_refused(
    tmp_path, workspace, start, years, refused
):
    text = (
        MOU.read_text()
        .replace(PERIOD, f"  period_years: {years}")
        .replace("effective_date: 2016-12-01", f"effective_date: {start}")
    )
    assert f"period_years: {years}" in text and f"effective_date: {start}" in text
    deal = tmp_path / "mou.yaml"
    deal.write_text(text)
    if refused:
        found = _refused(tmp_path, workspace, text)
        assert [(d.rule, _at(d)) for d in found] == [
            ("E-date-01", position_of(text, f"  period_years: ^{years}"))
        ]
        assert "after the target of April 2018" in found[0].message
    else:
        build(deal, tmp_path / "mou.docx", workspace=workspace)


@needs_soffice()
def test_libreoffice_prints_the_numbers(mou, tmp_path):
    from assembler.package.export import to_pdf

    _, data = mou
    path = tmp_path / "mou.docx"
    path.write_bytes(data)
    pdf = to_pdf(path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert "16. Legally binding provisions" in [re.sub(r"\s+", " ", line) for line in lines]
    assert any(re.match(r"^16\.2\s+Each Partner must keep confidential", line) for line in lines)
    assert any(re.match(r"^\(a\)\s+where the law requires it", line) for line in lines)
    assert any(re.match(r"^8\.6\s+Each Partner remains responsible", line) for line in lines)


GOVERNED = "are governed by the law of England and Wales"
SECTION_9 = "section 9 of the National Health Service Act 2006"


@pytest.mark.parametrize(
    ("binding", "nhs_bodies", "carve_out"),
    [
        ("[confidentiality, costs]", True, True),
        ("[intellectual_property]", False, False),
        ("[confidentiality, intellectual_property, costs, governing_law]", True, True),
    ],
)
@pytest.mark.slow(keep_first=True)
def test_whatever_is_binding_has_governing_law_and_the_section_9_route(
    tmp_path, workspace, assert_valid, binding, nhs_bodies, carve_out
):
    text = MOU.read_text()
    old = "binding_clauses: [confidentiality, intellectual_property, costs, governing_law]"
    assert old in text
    text = text.replace(old, f"binding_clauses: {binding}")
    if not nhs_bodies:  # one NHS body among companies and a council: no NHS contract between them
        text = re.sub(r"kind: nhs_(foundation_)?trust", "kind: company", text)
    deal = tmp_path / "mou.yaml"
    deal.write_text(text)
    result = build(deal, tmp_path / "mou.docx", workspace=workspace)
    assert_valid(result.output)
    binding_clause = clause_texts(result.output.read_bytes())["Legally binding provisions"]
    assert GOVERNED in binding_clause
    assert (SECTION_9 in binding_clause) is carve_out


UNI_AND_INDUSTRY = """\
  - {id: uni, name: "[University]", kind: charity, roles: [observer], address: "[address]",
     signatory: "[name of authorised signatory]", position: "[position]",
     advises_on: "the evaluation of the new pathways"}
  - {id: industry, name: "[Industry Partner]", kind: company, roles: [observer],
     registration: "[company number]", address: "[address]",
     signatory: "[name of authorised signatory]", position: "[position]"}
related_documents:
"""


def test_partners_that_neither_commission_nor_provide_say_what_they_do(tmp_path, workspace):
    """A university that advises and an industry partner that leads a deliverable are not
    "observers", and the background does not say every partner commissions or provides care."""
    text = MOU.read_text().replace("related_documents:\n", UNI_AND_INDUSTRY, 1)
    text = text.replace('owners: ["[lead Partner]"]', "owners: [industry]", 1)
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    result = build(deal, tmp_path / "mou.docx", workspace=workspace)
    texts = clause_texts(result.output.read_bytes())
    roles = next(t for h, t in texts.items() if "Roles" in h)
    assert (
        "[University] takes part as a Partner that neither commissions nor provides the "
        "Services. It intends to advise the other Partners on the evaluation of the new pathways."
        in roles
    )
    assert re.search(
        r"\[Industry Partner\] takes part as a Partner that neither commissions nor "
        r"provides the Services\. It intends to lead the work on [^,]+, as shown in Schedule \d",
        roles,
    )
    body = "\n".join(t for _, t in paragraphs(result.output.read_bytes()))
    assert "The Partners are the main bodies that commission and provide" not in body
    assert "[University] and [Industry Partner] neither commission nor provide care" in body


def test_a_partner_that_does_nothing_stated_is_warned(tmp_path):
    import json

    from click.testing import CliRunner

    from assembler.cli.main import main

    text = MOU.read_text().replace("related_documents:\n", UNI_AND_INDUSTRY, 1)
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    report = json.loads(CliRunner().invoke(main, ["check", str(deal), "--json"]).output)
    line = int(position_of(text, "  - ^{id: industry").split(":")[0])
    assert [(f["rule"], f["line"]) for f in report["findings"] if f["rule"] == "W-mou-role-01"] == [
        ("W-mou-role-01", line)
    ]
