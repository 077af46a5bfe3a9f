"""Build the case study A service operations manual and check what its users would check."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree

from assembler.api import build
from assembler.core.errors import AssemblerError
from assembler.plan.laidout import bookmark_name

from conftest import BANK, position_of
from reading import clause_texts, paragraphs, refs, table_rows

SOM = BANK / "examples" / "over-65s-operations-manual.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: document-structures.md part (a) B, headings 1-20, as this manual titles them
REFERENCE_LIST_B = [
    "Document control",
    "Purpose, status and precedence",
    "Governance structure",
    "Terms of reference of the Alliance Bodies",
    "Meeting procedure",
    "Delegations, reserved matters and decisions not adopted",
    "Planning cycle and work programme",
    "Performance reporting",
    "Financial management",
    "Reconciliation",
    "Information sharing and information governance",
    "Conflicts of interest protocol",
    "Risk and issue management",
    "Escalation",
    "Complaints, incidents, safeguarding and Healthwatch",
    "Quality and clinical governance",
    "Workforce",
    "Communications, engagement and publicity",
    "Joining and leaving the Alliance",
    "Review and amendment of this Manual",
]


@pytest.fixture(scope="module")
def som(tmp_path_factory, workspace):
    """The case study A manual, built once: (BuildResult, docx bytes)."""
    out = tmp_path_factory.mktemp("som") / "over-65s-operations-manual.docx"
    result = build(SOM, out, workspace=workspace)
    return result, out.read_bytes()


def variant(tmp_path, *replacements: tuple[str, str]):
    """The example deal sheet with some text replaced (each replacement must apply)."""
    text = SOM.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "deal.yaml"
    path.write_text(text)
    return path, text


def refused(path, tmp_path, workspace) -> list:
    with pytest.raises(AssemblerError) as caught:
        build(path, tmp_path / "x.docx", workspace=workspace)
    assert not (tmp_path / "x.docx").exists()
    return caught.value.diagnostics


def test_the_example_builds_without_warnings_or_leftover_template_text(som, assert_valid, tmp_path):
    result, data = som
    assert [str(w) for w in result.warnings] == []
    text = "\n".join(t for _, t in paragraphs(data))
    for leftover in ("{{", "{%", "[MISSING", "\ue000"):
        assert leftover not in text
    # list numbers come from the house list, never from typed "(b)" text
    assert not [t for _, t in paragraphs(data) if re.match(r"\(?[a-z0-9]{1,3}[.)] ", t)]
    path = tmp_path / "som.docx"
    path.write_bytes(data)
    assert_valid(path)


def test_headings_of_reference_list_b_appear_in_order(som):
    _, data = som
    headings = [t for s, t in paragraphs(data) if s == "ClauseHeading"]
    assert headings[0] == "Definitions and interpretation"
    positions = [headings.index(h) for h in REFERENCE_LIST_B]
    assert positions == sorted(positions)
    # the skeleton of contracting-model.md 3.1 fits in around them
    assert headings.index("Population, eligibility and Alliance Services") < headings.index(
        "Governance structure"
    )
    assert headings[-2:] == ["Changes to service provision", "Review and amendment of this Manual"]


def test_clauses_and_schedules_are_numbered_in_order(som):
    result, data = som
    plan = result.plan
    assert [c.number for c in plan.clauses] == [str(n) for n in range(1, len(plan.clauses) + 1)]
    assert [c.number for c in plan.schedules] == [f"Schedule {n}" for n in range(1, 7)]
    titles = [t for s, t in paragraphs(data) if s == "ScheduleTitle"]
    assert titles == [
        "Members of the Alliance and contacts",
        "Service Contracts and budgets",
        "Key performance indicators",
        "Reporting calendar",
        "Change log",
        "Revision history",
    ]


def test_cross_references_carry_the_target_number(som):
    result, data = som
    numbers = {c.clause_id: c.number for c in result.plan.clauses}
    delegations = numbers["som-delegations"]
    target = refs(result)["som-delegations.non-adoption"]
    assert re.fullmatch(rf"clause {delegations}\.\d+", target)
    # the REF field in the governance clause shows that number, pointing at its bookmark
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    instructions = [t.text for t in root.iter(f"{W}instrText")]
    assert any(bookmark_name("som-delegations.non-adoption") in i for i in instructions)
    governance = clause_texts(data)["Governance structure"]
    assert f"and {target} applies if a Party decides not to adopt a decision" in governance
    # a schedule reference reads "Schedule n"
    assert refs(result)["som-schedule-kpis"] == "Schedule 3"
    assert (
        "Schedule 3 sets out the Key Performance Indicators."
        in (clause_texts(data)["Performance reporting"])
    )


def test_a_manual_is_adopted_not_signed(som):
    _, data = som
    styles = [s for s, _ in paragraphs(data)]
    texts = [t for _, t in paragraphs(data)]
    assert "PartyEntry" not in styles and "ExecutionBlock" not in styles
    for signed in ("Parties", "Execution", "Background"):
        assert signed not in texts
    assert not any(t.startswith("DATED") for t in texts)
    assert (
        "The Parties do not sign it, and it is not a contract between them."
        in (clause_texts(data)["Purpose, status and precedence"])
    )


def test_document_control_is_on_the_cover_and_in_the_first_clause(tmp_path, workspace):
    path, _ = variant(
        tmp_path,
        ('  version: "[version number]"', '  version: "2.1"'),
        ('- {version: "[version number]"', '- {version: "2.1"'),
    )
    data = build(path, tmp_path / "som.docx", workspace=workspace).output.read_bytes()
    cover = [t for s, t in paragraphs(data)[:3]]
    assert cover[0] == "Over-65s Alliance Service Operations Manual"
    assert cover[1] == (
        "Version 2.1, in effect from 1 April 2017. Adopted by the Alliance Leadership Board "
        "under the Over-65s Health and Social Care Alliance Agreement."
    )
    control = clause_texts(data)["Document control"]
    assert control.startswith("This is version 2.1 of this Manual. It takes effect on 1 April 2017")
    assert "The Alliance Leadership Board approved this version." in control
    assert "Version 2.1, approved by the Alliance Leadership Board" in "\n".join(
        t for _, t in paragraphs(data)
    )


def test_seed_values_reach_the_text(som):
    _, data = som
    clauses = clause_texts(data)
    assert (
        "(estimated at about 50,000 people)"
        in clauses["Population, eligibility and Alliance Services"]
    )
    # dated April 2017, the manual describes as running nothing 001 reports only at the end of
    # Year 1 (Table 12): weekly case management is a blank, the shared care record is not there
    services = clauses["How the Alliance Services work together"]
    assert (
        "reviews the people on its caseload [how often the team reviews its caseload]" in services
    )
    assert "Shared care record" not in services and "single eligibility assessment" not in services
    assert "about £200,000,000" in clauses["Financial management"]
    assert (
        "[Council] is both a Commissioner and a Provider."
        in clauses["Conflicts of interest protocol"]
    )
    assert "The Parties have not yet agreed a gain and loss share" in clauses["Reconciliation"]


def test_the_other_branches_build_cleanly(tmp_path, workspace):
    """A change log, a paid indicator, an agreed gain share, ids in place of placeholders, and
    the optional sections left out: every branch of the clauses renders without a warning."""
    path, _ = variant(
        tmp_path,
        (
            "change_log: []",
            "change_log:\n"
            '  - {date: 2017-06-01, change: "A single base for reablement.", approved_by: amb,\n'
            '     contracts: [sc_la_acute, sla_la_la], variation: "[variation reference]"}\n'
            '  - {date: 2017-09-01, change: "A second change.", approved_by: alb}',
        ),
        ("      payment: monitor_only ", "      payment: paid "),
        ("gain_loss_share_agreed: false", "gain_loss_share_agreed: true"),
        (
            "variance_order: [each_party_bears_own_variance]",
            "variance_order: [underspends_offset_partner_overspends, gain_share_waterfall]",
        ),
        ('register_kept_by: "[who keeps the register]"', "register_kept_by: apm"),
        ('register_kept_by: "[who keeps the Risk Register]"', "register_kept_by: la"),
        (
            'frequency: "[frequency]", prepared_by: "[who prepares it]", to: amb',
            "frequency: monthly, prepared_by: apm, to: amb",
        ),
    )
    text = path.read_text()
    for section in ("workforce", "communications", "membership_changes", "delegations"):
        text = re.sub(rf"\n{section}:.*?\n(?=[a-z_]+:)", "\n", text, count=1, flags=re.S)
    path.write_text(text)
    result = build(path, tmp_path / "variant.docx", workspace=workspace)
    assert [str(w) for w in result.warnings] == []
    data = result.output.read_bytes()
    clauses = clause_texts(data)
    everything = "\n".join(t for _, t in paragraphs(data))
    assert "Change 2, approved on 1 September 2017" in everything
    assert "the service level agreement between [Council] as commissioner" in everything
    assert [row[-1] for row in table_rows(data) if row[-1].startswith("Yes")] == [
        "Yes, under the Service Contract concerned"
    ]  # the one paid indicator, in the KPI table
    assert (
        "The Alliance Programme Manager keeps a Register of Interests"
        in clauses["Conflicts of interest protocol"]
    )
    assert "[Council] keeps a Risk Register" in clauses["Risk and issue management"]
    assert (
        "The Parties delegate these matters"
        not in clauses["Delegations, reserved matters and decisions not adopted"]
    )
    assert (
        "Overspends and underspends are dealt with in this order:"
        in clauses["Financial management"]
    )
    assert (
        "monthly: a budget monitoring report on spending and activity against each budget, "
        "prepared by the Alliance Programme Manager for the Alliance Management Board"
    ) in clauses["Financial management"]


# -- rules the schema adds (each a located error; nothing is written) ---------------------------


def test_the_manual_may_not_prevail_over_the_agreement_or_the_contracts(tmp_path, workspace):
    path, text = variant(
        tmp_path,
        (
            "precedence: [service_contract, alliance_agreement, service_operations_manual]",
            "precedence: [service_operations_manual, service_contract, alliance_agreement]",
        ),
    )
    (error,) = refused(path, tmp_path, workspace)
    assert error.rule == "E-rule-G1"
    assert f"{error.line}:{error.col}" == position_of(text, "precedence: ^[service_operations")


def test_an_indicator_needs_a_baseline(tmp_path, workspace):
    path, text = variant(
        tmp_path, ('      baseline: "[baseline]"                        # placeholder\n', "")
    )
    (error,) = refused(path, tmp_path, workspace)
    assert error.rule == "E-key-02"
    assert "performance.kpis[0].baseline" in error.message and "G9" in error.hint
    assert f"{error.line}:{error.col}" == position_of(text, 'kpis:\n    - ^name: "Emergency (non')


def test_the_revision_history_ends_with_the_current_version(tmp_path, workspace):
    path, text = variant(
        tmp_path,
        ('  version: "[version number]"', '  version: "2.0"'),
        ('- {version: "[version number]"', '- {version: "1.0"'),
    )
    (error,) = refused(path, tmp_path, workspace)
    assert error.rule == "E-rule-SOM1"
    assert "'1.0'" in error.message and "'2.0'" in error.message
    assert f"{error.line}:{error.col}" == position_of(text, "revision_history:\n    - ^{version")


def test_the_current_version_is_not_dated_after_it_takes_effect(tmp_path, workspace):
    path, text = variant(tmp_path, ('date: "[date approved]"', "date: 2017-05-01"))
    (error,) = refused(path, tmp_path, workspace)
    assert error.rule == "E-rule-SOM1"
    assert f"{error.line}:{error.col}" == position_of(text, "date: ^2017-05-01")


def test_the_review_date_falls_after_the_manual_takes_effect(tmp_path, workspace):
    path, text = variant(
        tmp_path, ('review_date: "[date of the next review]"', "review_date: 2017-03-01")
    )
    (error,) = refused(path, tmp_path, workspace)
    assert error.rule == "E-date-01"
    assert f"{error.line}:{error.col}" == position_of(text, "review_date: ^2017-03-01")


def test_the_manual_cannot_take_effect_before_the_agreement(tmp_path, workspace):
    path, text = variant(tmp_path, ("effective_date: 2017-04-01", "effective_date: 2017-03-01"))
    (error,) = refused(path, tmp_path, workspace)
    assert error.rule == "E-date-01"
    assert f"{error.line}:{error.col}" == position_of(text, "effective_date: ^2017-03-01")


def test_the_change_log_is_in_date_order(tmp_path, workspace):
    path, text = variant(
        tmp_path,
        (
            "change_log: []",
            "change_log:\n"
            '  - {date: 2017-09-01, change: "Later.", approved_by: alb}\n'
            '  - {date: 2017-06-01, change: "Earlier.", approved_by: alb}',
        ),
    )
    (error,) = refused(path, tmp_path, workspace)
    assert error.rule == "E-date-01"
    assert f"{error.line}:{error.col}" == position_of(text, "- {date: ^2017-06-01")


def test_open_book_sharing_stays_subject_to_competition_law(tmp_path, workspace):
    path, text = variant(
        tmp_path,
        ("subject_to_competition_law: true ", "subject_to_competition_law: false"),
    )
    (error,) = refused(path, tmp_path, workspace)
    assert error.rule == "E-rule-G16"
    assert f"{error.line}:{error.col}" == position_of(text, "subject_to_competition_law: ^false")
