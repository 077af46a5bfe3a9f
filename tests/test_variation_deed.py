"""The deed of variation (document-structures.md 5, (a) D): case study A's year-2 deed, built and
read as the receiving lawyer would, and small deals that exercise each amendment operation.

Every number the deed prints is the original agreement's own: the expected numbers here come from
planning the original deal sheet, never from a hard-coded clause number."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
import pytest

from assembler.api import build, plan_deal
from assembler.core.errors import AssemblerError
from assembler.template.sandbox import longdate

from conftest import BANK, position_of

DEED = BANK / "examples" / "over-65s-alliance-variation-1.yaml"
ORIGINAL = BANK / "examples" / "over-65s-alliance.yaml"


def _safe_load(text: str):
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(text)


def paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style id, text) of every paragraph."""
    document = docx.Document(io.BytesIO(path.read_bytes()))
    return [(p.style.style_id, p.text) for p in document.paragraphs]


@pytest.fixture(scope="module")
def original(workspace):
    """The original agreement's plan: clause id or slot -> (number, title)."""
    plan = plan_deal(ORIGINAL, workspace)
    found = {}
    for pc in plan.clauses + plan.schedules:
        if pc.clause_id:
            found[pc.clause_id] = found[pc.slot] = (pc.number, pc.title)
    return plan, found


def number(original, at: str) -> str:
    """ "clause 6" / "Schedule 6": what original.ref prints."""
    n = original[1][at][0]
    return n if n.startswith("Schedule") else f"clause {n}"


@pytest.fixture(scope="module")
def deed(tmp_path_factory, workspace):
    out = tmp_path_factory.mktemp("deed") / "dov.docx"
    result = build(DEED, out, workspace=workspace)
    return result, paragraphs(out)


def test_the_example_builds_as_a_final_deed_without_warnings(deed):
    result, paras = deed
    assert [str(w) for w in result.warnings] == []
    assert not [str(w) for w in result.warnings if w.rule.startswith("W-")]
    text = "\n".join(t for _, t in paras)
    for leftover in ("{{", "{%", "[MISSING", "[ref:", "\ue000"):
        assert leftover not in text
    assert result.plan.is_deed and not result.plan.draft


def test_it_passes_the_validators(deed, assert_valid):
    assert_valid(deed[0].output)


def test_a_draft_build_carries_the_drafting_notes(tmp_path, workspace):
    result = build(DEED, tmp_path / "draft.docx", workspace=workspace, draft=True)
    assert [str(w) for w in result.warnings] == []
    with zipfile.ZipFile(result.output) as package:
        comments = package.read("word/comments.xml").decode()
    used = {pc.clause_id: pc.version for pc in result.plan.all_clauses()}
    assert f"dov-amendments@{used['dov-amendments']}" in comments
    assert f"dov-procurement@{used['dov-procurement']}" in comments


def test_the_title_names_the_original_agreement_and_its_date(deed, original):
    _, paras = deed
    cover = [t for s, t in paras[: [t for _, t in paras].index("Contents")]]
    title = next(t for s, t in paras if s == "Title")
    assert title == "Deed of Variation No. 1"
    date = longdate(_safe_load(DEED.read_text())["original"]["date"])
    assert date == "1 April 2017"
    assert f"relating to the {original[0].title} dated {date}" in cover
    assert "THIS DEED OF VARIATION is dated [date]" in [t for _, t in paras]


def test_the_recitals_cite_the_original_and_its_variation_clause_by_its_real_number(deed, original):
    _, paras = deed
    recitals = [t for s, t in paras if s == "Recital"]
    assert recitals[0].endswith(
        f"{original[0].title} dated 1 April 2017, under which they work together as the Alliance."
    )
    assert recitals[1].startswith("The parties to the Agreement have not varied it before.")
    power = number(original, "variation")  # the original's "Changing this Agreement" clause
    assert original[1]["variation"][1] == "Changing this Agreement"
    assert recitals[2] == (
        f"{power.capitalize()} of the Agreement allows the parties to the Agreement to vary it. "
        "The Parties make this Deed under that clause."
    )
    assert (
        "It has not been possible to achieve all the objectives of the transition period"
        in recitals[3]
    )
    assert recitals[-1].startswith("The Parties have therefore agreed to vary the Agreement")


def test_each_amendment_is_a_complete_instruction_against_the_original_numbering(deed, original):
    _, paras = deed
    instructions = [t for s, t in paras if s == "Clause2"]
    term, scope = number(original, "term"), number(original, "scope")
    objectives, finance = number(original, "objectives"), number(original, "finance")
    governance, transition = number(original, "governance"), number(original, "transition")
    n = objectives.split()[-1]
    expected = [
        f"After {term} insert:",
        f"In {scope} (Scope of the Alliance), for “people aged 65 and over living in the "
        "area of [Council] (estimated at about 50,000 people)” substitute “the whole "
        "population living in the area of [Council]”.",
        f"For {objectives} (Objectives) substitute:",
        f"After {governance} insert:",
        f"After {finance} insert:",
        f"In {finance} (Financial arrangements), after “is set out in {transition}” insert “, "
        "which from 1 April 2018 sets out the plan for developing the payment arrangements”.",
        f"For {transition} (Transition plan) substitute the Schedule set out in "
        "paragraph 1 of Schedule 1 to this Deed.",
    ]
    for line in expected:
        assert line in instructions, line
    texts = [t for _, t in paras]
    start = texts.index(f"“{n} Objectives")  # the replacement, numbered as in the Agreement
    assert texts[start + 1].startswith(f"{n}.1 The objective of the Alliance is to deliver")
    assert texts[start + 4].endswith(f"take effect only as {finance} and {finance}A provide.")
    f = finance.split()[-1]
    assert f"“{f}A Payment arrangements from 1 April 2018" in texts
    assert any(t.startswith(f"{f}A.1 In the first year of this Agreement") for t in texts)


def test_quoted_words_appear_exactly_once_in_the_signed_original(tmp_path, workspace, original):
    """A "words" amendment is precise only if its words are in that clause of the original, once."""
    out = tmp_path / "original.docx"
    build(ORIGINAL, out, workspace=workspace)
    by_number: dict[str, list[str]] = {}
    current = None
    clause = 0
    for style, text in paragraphs(out):
        if style == "ClauseHeading":
            clause += 1
            current = f"clause {clause}"
        elif style == "ScheduleHeading" and text.startswith("Schedule"):
            current = text
        elif style == "ScheduleHeading" or style == "PartHeading":
            current = None
        elif current:
            by_number.setdefault(current, []).append(text)
    amendments = _safe_load(DEED.read_text())["amendments"]
    checked = 0
    for a in amendments:
        for key in ("words_from", "after"):
            if key in a:
                words = re.sub(r"\[ref:([a-z-]+)\]", lambda m: number(original, m.group(1)), a[key])
                body = "\n".join(by_number[number(original, a["at"])])
                assert body.count(words) == 1, (a["at"], words)
                checked += 1
    assert checked == 3


def test_the_replacement_schedule_is_in_the_annex(deed, original):
    _, paras = deed
    texts = [t for _, t in paras]
    transition = number(original, "transition")
    i = texts.index(f"New {transition} of the Agreement")
    assert paras[i][0] == "ScheduleClause1"
    assert texts[i + 2 : i + 4] == [f"“{transition}", "Payment development plan"]
    assert texts[-1 - texts[::-1].index("Execution") - 1].endswith("continue to apply.”")


def test_every_party_executes_it_as_a_deed(deed):
    result, paras = deed
    texts = [t for _, t in paras]
    blocks = [t for s, t in paras if s == "ExecutionBlock"]
    execution = texts[texts.index("Execution") :]
    assert execution[1] == (
        "Each Party has executed this Deed as a deed and delivers it on the date stated at the "
        "beginning of it."
    )
    names = [p["name"] for p in _safe_load(DEED.read_text())["parties"]]
    assert len(names) == 6
    for name in names:
        opening = [b for b in blocks if name in b and "deed" in b]
        assert len(opening) == 1, name
    assert "acting by a director in the presence of a witness" in "\n".join(blocks)
    assert "Witness name and address: [name and address of witness]" in blocks


# -- small deals, one operation at a time ---------------------------------------------------------

PARTIES = """\
parties:
  - {id: ccg, name: "[CCG]", kind: ccg, roles: [commissioner], change: continuing,
     address: "[address]", signatory: "[signatory]", position: "[position]"}
  - {id: trust, name: "[Trust]", kind: nhs_trust, roles: [provider], change: continuing,
     address: "[address]", signatory: "[signatory]", position: "[position]"}
"""


def small_deal(amendments: str, *, extra: str = "", parties: str = PARTIES) -> str:
    return (
        "deal_id: t\n"
        "document_type: deed_of_variation\n"
        'title: "Deed of Variation No. 1"\n'
        "effective_date: 2018-04-01\n"
        f"original: {{deal: {ORIGINAL.as_posix()}, date: 2017-04-01}}\n"
        "previous_variations: []\n"
        "variation_power: variation\n"
        'reasons: ["The Parties wish to change the Agreement."]\n'
        "timing: retrospective\n"
        + parties
        + "services_change: false\n"
        + extra
        + "amendments:\n"
        + amendments
    )


def build_small(tmp_path, workspace, text: str, allow: tuple[str, ...] = ()) -> list:
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    result = build(deal, tmp_path / "deed.docx", workspace=workspace)
    assert [w.message for w in result.warnings if w.message not in allow] == []
    return paragraphs(tmp_path / "deed.docx")


def clause2(paras) -> list[str]:
    return [t for s, t in paras if s == "Clause2"]


def test_replace_clause_gives_the_exact_instruction_and_numbered_text(
    tmp_path, workspace, original
):
    paras = build_small(
        tmp_path,
        workspace,
        small_deal(
            "  - op: replace_clause\n"
            "    at: roles\n"
            '    text: ["Each Party takes part as set out in [ref:members].", "(a) first;",'
            ' "(b) second.", "> Text under the list.", "The Parties review their roles yearly.",'
            ' "\u201cRole\u201d means a role in the Alliance."]\n'
        ),
    )
    roles = number(original, "roles")
    n = roles.split()[-1]
    title = original[1]["roles"][1]
    assert f"For {roles} ({title}) substitute:" in clause2(paras)
    texts = [t for _, t in paras]
    i = texts.index(f"“{n} {title}")
    members = number(original, "members")
    assert texts[i + 1 : i + 7] == [
        f"{n}.1 Each Party takes part as set out in {members}.",
        "(a) first;",
        "(b) second.",
        "Text under the list.",  # "> ": unnumbered text
        f"{n}.2 The Parties review their roles yearly.",
        "“Role” means a role in the Alliance.”",  # a definition is not numbered
    ]
    assert [s for s, _ in paras][i + 2] == "BodyText2"  # a list item is indented, not numbered
    # a retrospective deed says so
    assert any("the variations take effect on the Variation Date" in t for t in clause2(paras))


def test_substitute_words_gives_the_exact_instruction(tmp_path, workspace, original):
    paras = build_small(
        tmp_path,
        workspace,
        small_deal(
            "  - op: substitute_words\n"
            "    at: scope\n"
            '    words_from: "older people\'s mental health services"\n'
            '    words_to: "mental health services"\n'
            "  - op: substitute_words\n"
            "    at: scope\n"
            '    after: "is set out in [ref:service-contracts]"\n'
            '    words_to: ", as updated from time to time"\n'
        ),
    )
    scope = number(original, "scope")
    lines = clause2(paras)
    start = lines.index(next(t for t in lines if t.startswith(f"In {scope} ")))
    assert lines[start : start + 2] == [
        f"In {scope} (Scope of the Alliance), for “older people's mental health services” "
        "substitute “mental health services”.",
        f"In {scope} (Scope of the Alliance), after “is set out in "
        f"{number(original, 'service-contracts')}” insert “, as updated from time to time”.",
    ]


def test_delete_clause_not_used_gives_the_exact_instruction(tmp_path, workspace, original):
    paras = build_small(
        tmp_path,
        workspace,
        small_deal("  - {op: delete_clause_not_used, at: accountability}\n"),
    )
    clause = number(original, "accountability")
    title = original[1]["accountability"][1]
    assert f"Omit {clause} ({title}), leaving its number in place marked “Not used”." in clause2(
        paras
    )
    texts = [t for _, t in paras]
    assert "Schedule 1" not in texts  # no annex without a replacement schedule
    assert "Procurement record" not in texts  # services_change: false


def test_insert_definition_goes_into_the_original_definitions_list(tmp_path, workspace, original):
    paras = build_small(
        tmp_path,
        workspace,
        small_deal(
            "  - op: insert_definition\n"
            "    at: definitions\n"
            '    term: "Business Case"\n'
            '    text: "a business case that the Parties agree for the Alliance"\n'
        ),
        # the engine's term check cannot yet see that the amendment defines the term in the
        # Agreement: the one warning this operation gives
        allow=("'Business Case' is capitalised like a defined term but is not defined (1 use)",),
    )
    definitions = number(original, "definitions")
    assert (
        f"In {definitions}.1, insert the following definition in its alphabetical place:"
        in clause2(paras)
    )
    assert "“Business Case” means a business case that the Parties agree for the Alliance;" in [
        t for _, t in paras
    ]


def test_joining_and_leaving_parties_are_admitted_and_released(tmp_path, workspace, original):
    parties = PARTIES.replace(
        "change: continuing,\n     address", "change: leaving,\n     address", 1
    )
    parties += (
        '  - {id: fed, name: "[GP Federation]", kind: gp_federation, roles: [provider],\n'
        '     change: joining, legal_form: "[legal form]", registration: "[number]",\n'
        '     address: "[address]", signatory: "[director]", witness: "[witness]"}\n'
    )
    paras = build_small(
        tmp_path,
        workspace,
        small_deal("  - {op: delete_clause_not_used, at: accountability}\n", parties=parties),
    )
    texts = [t for _, t in paras]
    lines = clause2(paras)
    assert (
        "With effect from the Variation Date, [GP Federation] becomes a party to the Agreement as a provider. [GP Federation] agrees with each other Party to perform the obligations of a party to the Agreement, as varied by this Deed, as if it had been named as a party in the Agreement."
        in lines
    )
    joining = number(original, "joining")
    assert any(f"the Agreement under {joining} of the Agreement" in t for t in lines)
    assert (
        "With effect from the Variation Date, [CCG] ceases to be a party to the Agreement." in lines
    )
    leaving = number(original, "leaving")
    assert any(f"under {leaving} of the Agreement, which apply to [CCG]" in t for t in texts)
    recitals = [t for s, t in paras if s == "Recital"]
    assert recitals[0].startswith("[CCG] and [Trust] are the parties")  # not the joining party
    assert any(t.startswith("Executed as a deed by [GP Federation]") for t in texts)


def test_a_statutory_transfer_is_recited_not_made_by_the_deed(tmp_path, workspace):
    text = small_deal(
        "  - {op: delete_clause_not_used, at: accountability}\n",
        extra=(
            "statutory_transfers:\n"
            '  - {party: ccg, predecessor: "[predecessor body]", '
            'instrument: "[transfer scheme]", date: 2018-01-01}\n'
        ),
    )
    recitals = [t for s, t in build_small(tmp_path, workspace, text) if s == "Recital"]
    assert (
        "On 1 January 2018, [CCG] took the place of [predecessor body] as a party to the Agreement "
        "under [transfer scheme]. That change was made by law, not by this Deed, and [CCG] is a "
        "party to this Deed in its own right."
    ) in recitals


# -- mistakes in a deal sheet: located errors ------------------------------------------------------


def located(tmp_path, workspace, text: str) -> list[tuple[str, str]]:
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    with pytest.raises(AssemblerError) as caught:
        build(deal, tmp_path / "out.docx", workspace=workspace)
    assert not (tmp_path / "out.docx").exists()
    return [(d.rule, f"{d.line}:{d.col}") for d in caught.value.diagnostics]


def test_a_bad_original_path_is_e_var_01_at_its_line(tmp_path, workspace):
    text = small_deal("  - {op: delete_clause_not_used, at: accountability}\n").replace(
        f"original: {{deal: {ORIGINAL.as_posix()},", "original: {deal: no-such-agreement.yaml,"
    )
    assert located(tmp_path, workspace, text) == [
        ("E-var-01", position_of(text, "original: {deal: ^no-such-agreement.yaml"))
    ]


def test_an_amendment_without_what_its_operation_needs_is_e_var_03(tmp_path, workspace):
    text = small_deal(
        "  - op: replace_clause\n    at: roles\n"
        "  - op: substitute_words\n    at: scope\n    words_to: x\n    text: y\n"
    )
    found = located(tmp_path, workspace, text)
    assert ("E-var-03", position_of(text, "  - op: ^replace_clause")) in found  # no text
    assert ("E-var-03", position_of(text, "    text: ^y")) in found  # not used by substitute_words
    assert ("E-var-03", position_of(text, "  - op: ^substitute_words")) in found  # no words_from


def test_a_services_change_without_a_procurement_record_is_e_var_04(tmp_path, workspace):
    text = small_deal("  - {op: delete_clause_not_used, at: accountability}\n").replace(
        "services_change: false", "services_change: true"
    )
    assert located(tmp_path, workspace, text) == [
        ("E-var-04", position_of(text, "services_change: ^true"))
    ]


def test_a_deed_numbered_out_of_sequence_is_e_var_05(tmp_path, workspace):
    text = (
        small_deal("  - {op: delete_clause_not_used, at: accountability}\n")
        .replace('title: "Deed of Variation No. 1"', 'title: "Deed of Variation No. 3"')
        .replace(
            "previous_variations: []",
            'previous_variations:\n  - {date: 2017-10-01, description: "a deed of variation"}',
        )
    )
    assert located(tmp_path, workspace, text) == [
        ("E-var-05", position_of(text, 'title: ^"Deed of Variation No. 3"'))
    ]


def test_an_earlier_variation_after_this_one_is_e_date_01(tmp_path, workspace):
    text = (
        small_deal("  - {op: delete_clause_not_used, at: accountability}\n")
        .replace('title: "Deed of Variation No. 1"', 'title: "Deed of Variation No. 2"')
        .replace(
            "previous_variations: []",
            'previous_variations:\n  - {date: 2018-10-01, description: "a deed of variation"}',
        )
    )
    assert located(tmp_path, workspace, text) == [
        ("E-date-01", position_of(text, "  - {date: ^2018-10-01"))
    ]


def test_an_earlier_variation_is_recited_and_the_agreement_defined_as_varied(tmp_path, workspace):
    text = (
        small_deal("  - {op: delete_clause_not_used, at: accountability}\n")
        .replace('title: "Deed of Variation No. 1"', 'title: "Deed of Variation No. 2"')
        .replace(
            "previous_variations: []",
            'previous_variations:\n  - {date: 2017-10-01, description: "a deed of variation"}',
        )
    )
    paras = build_small(tmp_path, workspace, text)
    recitals = [t for s, t in paras if s == "Recital"]
    assert recitals[1] == (
        "The parties to the Agreement have varied it by a deed of variation dated 1 October 2017. "
        "This Deed is variation No. 2 of the Agreement."
    )
    assert any(
        t.endswith("dated 1 April 2017, as varied before the date of this Deed;")
        for s, t in paras
        if s == "Definition"
    )


PROCUREMENT = (
    "procurement:\n"
    "  regimes: [public_contracts_regulations_2015]\n"
    "  basis: {basis}\n"
    "  notice: not_required\n"
    "  responsible: [ccg]\n"
)


def procurement_deal(basis: str) -> str:
    return small_deal(
        "  - {op: delete_clause_not_used, at: accountability}\n",
        extra=PROCUREMENT.format(basis=basis),
    ).replace("services_change: false", "services_change: true")


def test_a_procurement_record_states_no_conclusion_from_a_blank_basis(tmp_path, workspace):
    text = procurement_deal('"[the ground for the change]"')
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    result = build(deal, tmp_path / "deed.docx", workspace=workspace)
    assert [(w.rule, w.line) for w in result.warnings] == [
        ("W-var-01", int(position_of(text, 'basis: ^"[the').split(":")[0]))
    ]
    assert "notice: not_required is not printed" in result.warnings[0].message
    lines = "\n".join(clause2(paragraphs(tmp_path / "deed.docx")))
    assert "do not require a notice" not in lines and "permit the changes on" not in lines
    assert (
        "Before this Deed is executed, [CCG] must confirm the ground on which the Procurement "
        "Rules permit the changes without a new procurement ([the ground for the change])" in lines
    )


def test_a_procurement_record_with_a_basis_states_its_conclusion(tmp_path, workspace):
    basis = "regulation 72(1)(b) of the Public Contracts Regulations 2015"
    paras = build_small(tmp_path, workspace, procurement_deal(f'"{basis}"'))
    lines = clause2(paras)
    assert any(f"permit the changes on the following basis: {basis}." in t for t in lines)
    assert "The Procurement Rules do not require a notice of the changes to be published." in lines


def test_an_amendment_names_the_provision_it_changes(tmp_path, workspace, original):
    scope = number(original, "scope")
    paras = build_small(
        tmp_path,
        workspace,
        small_deal(
            "  - op: substitute_words\n"
            "    at: scope\n"
            "    provision: '1'\n"
            '    words_from: "older people\'s mental health services"\n'
            '    words_to: "mental health services"\n'
            "  - op: replace_provision\n"
            "    at: objectives\n"
            "    provision: 1(a)\n"
            '    text: "create a model of care for the whole population;"\n'
            "  - op: substitute_words\n"
            "    at: transition\n"
            "    provision: '1.1'\n"
            '    words_from: "Transition"\n'
            '    words_to: "First-year"\n'
        ),
    )
    objectives = number(original, "objectives")
    transition = number(original, "transition")
    lines = clause2(paras)
    assert (
        f"In {scope}.1, for “older people's mental health services” substitute “mental health "
        "services”." in lines
    )
    assert f"For {objectives}.1(a) substitute:" in lines
    texts = [t for _, t in paras]
    assert "“create a model of care for the whole population;”" in texts
    assert f"In paragraph 1.1 of {transition}, for “Transition” substitute “First-year”." in lines
