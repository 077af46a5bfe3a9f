"""Document types are data: a bank's types/<document_type>/ schema.yaml (JSON Schema 2020-12 in
YAML), rules.yaml and outline.yaml. A new type or a new key needs no Python."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from assembler.api import Workspace, build
from assembler.bank.authoring import fragment_from_draft
from assembler.cli.main import main
from assembler.core.errors import AssemblerError
from assembler.deal.types import house_types

from conftest import BANK, EXAMPLE, position_of
from reading import paragraphs

HOUSE_STYLE = BANK / "templates" / "house-style.docx"
EXAMPLES = sorted((BANK / "examples").glob("*.yaml"))


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _as_json(path: Path) -> object:
    """A deal sheet as a JSON tool reads it: YAML dates become ISO text."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


@pytest.mark.parametrize("document_type", sorted(house_types()))
@pytest.mark.slow(keep_first=True)
def test_the_printed_schema_validates_every_example_with_jsonschema_alone(document_type):
    result = run("schema", document_type)
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    examples = [e for e in EXAMPLES if f"document_type: {document_type}" in e.read_text()]
    assert examples
    for example in examples:
        data = _as_json(example)
        assert [e.message for e in validator.iter_errors(data)] == [], example.name
        # and it is a real check: a misspelt key, a wrong type and a bad enum value fail
        assert isinstance(data, dict)
        broken = {**data, "titel": "x", "effective_date": "01/04/2027", "status": "finished"}
        failed = {tuple(e.absolute_path) or e.validator for e in validator.iter_errors(broken)}
        assert {("effective_date",), ("status",), "additionalProperties"} <= failed


def test_schema_names_an_unknown_type_with_a_suggestion():
    result = run("schema", "aliance_agreement")
    assert result.exit_code == 1
    assert "E-doc-01" in result.output and "did you mean 'alliance_agreement'?" in result.output


def _copied_bank(tmp_path: Path) -> Path:
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)
    return bank


def _clause(bank: Path, clause_id: str, document_type: str, text: str) -> None:
    folder = bank / "clauses" / clause_id
    folder.mkdir()
    (folder / "clause.yaml").write_text(
        f"id: {clause_id}\ntitle: Purpose\ndocument_types: [{document_type}]\ncriteria: []\n"
        'sources: ["a test"]\nversions:\n'
        '  - {version: 1.0.0, status: draft, effective_from: 2015-01-01, change: "First."}\n'
    )
    (folder / "1.0.0.docx").write_bytes(fragment_from_draft(text, HOUSE_STYLE))


LETTER_SCHEMA = """\
$schema: https://json-schema.org/draft/2020-12/schema
title: letter of intent
type: object
properties:
  document_type: {const: letter_of_intent}
  deal_id: {type: string}
  title: {type: string}
  status: {enum: [draft, execution_version]}
  effective_date: {format: date}
  parties:
    type: array
    minItems: 2
    items: {$ref: ../common.schema.yaml#/$defs/party}
  purpose: {type: string, description: what the parties intend to do together}
  review_months: {type: integer, minimum: 1, description: months between reviews}
required: [document_type, deal_id, title, effective_date, parties, purpose]
additionalProperties: false
"""
LETTER = """\
document_type: letter_of_intent
deal_id: loi-1
title: Letter of intent
effective_date: 2027-04-01
parties:
  - {id: icb, name: "[ICB]", kind: icb, roles: [commissioner]}
  - {id: trust, name: "[Trust]", kind: nhs_trust, roles: [provider]}
purpose: to integrate community services for older people
review_months: 6
"""


def test_a_new_document_type_is_files_only_and_builds(tmp_path, assert_valid):
    bank = _copied_bank(tmp_path)
    folder = bank / "types" / "letter_of_intent"
    folder.mkdir()
    (folder / "schema.yaml").write_text(LETTER_SCHEMA)
    (folder / "outline.yaml").write_text(
        "document_type: letter_of_intent\nshort_name: this Letter\nexecution: agreement\n"
        "clauses:\n  - {slot: purpose, clause: loi-purpose}\n"
    )
    (folder / "rules.yaml").write_text(
        "- {id: E-date-01, kind: date_order, severity: error, source: a test,\n"
        "   message: a date is out of order, hint: the review follows the start,\n"
        "   pairs: [[effective_date, review_date]]}\n"
    )
    _clause(
        bank,
        "loi-purpose",
        "letter_of_intent",
        "1.1 The Parties intend {{ deal.purpose }}, and review it every "
        "{{ deal.review_months }} months.",
    )
    deal = tmp_path / "letter.yaml"
    deal.write_text(LETTER)
    ws = Workspace.open(bank, bank / "templates")
    result = build(deal, tmp_path / "letter.docx", workspace=ws, draft=True)
    assert_valid(result.output)
    texts = [t for _, t in paragraphs(result.output.read_bytes())]
    assert any(
        "intend to integrate community services for older people, and review it every 6 months" in t
        for t in texts
    )
    # its schema checks the deal sheet at the line of the mistake, with the engine's rule ids
    bad = tmp_path / "bad.yaml"
    text = LETTER.replace("review_months: 6", "review_months: 0").replace("purpose:", "purpse:")
    bad.write_text(text)
    with pytest.raises(AssemblerError) as caught:
        build(bad, tmp_path / "bad.docx", workspace=ws, draft=True)
    found = {(d.rule, f"{d.line}:{d.col}") for d in caught.value.diagnostics}
    assert ("E-key-01", position_of(text, "^purpse:")) in found
    assert ("E-value-02", position_of(text, "review_months: ^0")) in found
    assert ("E-key-02", "1:1") in found  # purpose, required, is missing
    assert not (tmp_path / "bad.docx").exists()
    # the starter reads the new schema: its hints and its required keys
    starter = tmp_path / "starter.yaml"
    assert run("new", "letter_of_intent", "--bank", str(bank), "-o", str(starter)).exit_code == 0
    assert re.search(r"^purpose: .*# text; what the parties intend", starter.read_text(), re.M)
    assert re.search(r"^# review_months: .*months between reviews", starter.read_text(), re.M)


@pytest.mark.slow
def test_a_key_added_to_an_existing_type_in_a_copied_bank_reaches_a_clause(tmp_path):
    bank = _copied_bank(tmp_path)
    schema = bank / "types" / "alliance_agreement" / "schema.yaml"
    schema.write_text(
        schema.read_text().replace(
            "\nproperties:\n",
            "\nproperties:\n  motto:\n    type: string\n    description: the Alliance's motto\n",
            1,
        )
    )
    _clause(bank, "alliance-motto", "alliance_agreement", "1.1 Our motto is {{ deal.motto }}.")
    outline = bank / "types" / "alliance_agreement" / "outline.yaml"
    outline.write_text(
        outline.read_text().replace(
            "clauses:\n", "clauses:\n  - {slot: motto, clause: alliance-motto}\n", 1
        )
    )
    deal = tmp_path / "deal.yaml"
    deal.write_text(EXAMPLE.read_text() + '\nmotto: "care closer to home"\n')
    ws = Workspace.open(bank, bank / "templates")
    result = build(deal, tmp_path / "motto.docx", workspace=ws, draft=True)
    texts = [t for _, t in paragraphs(result.output.read_bytes())]
    assert any("Our motto is care closer to home." in t for t in texts)
    # the house bank, which lacks the key, refuses it with a located error
    with pytest.raises(AssemblerError) as caught:
        build(deal, tmp_path / "house.docx", draft=True)
    assert [d.rule for d in caught.value.diagnostics] == ["E-key-01"]


def test_a_schema_naming_a_missing_definition_or_rule_is_a_located_error(tmp_path):
    bank = _copied_bank(tmp_path)
    rules = bank / "types" / "memorandum_of_understanding" / "rules.yaml"
    rules.write_text(rules.read_text() + "- python: no_such_rule\n")
    deal = BANK / "examples" / "ooh-transformation-mou.yaml"
    with pytest.raises(AssemblerError) as caught:
        build(deal, tmp_path / "x.docx", workspace=Workspace.open(bank, bank / "templates"))
    (finding,) = caught.value.diagnostics
    assert (finding.rule, Path(str(finding.file)).name) == ("E-schema-01", "rules.yaml")
    assert "no_such_rule" in finding.message


def test_every_python_rule_is_registered_by_name_and_declares_catalogued_ids():
    from assembler.core.ruleids import RULES
    from assembler.doctypes import PYTHON_RULES

    named = set()
    for folder in (BANK / "types").iterdir():
        for file in folder.glob("*.yaml"):
            named |= set(re.findall(r"^\s*-? *python: (\w+)", file.read_text(), re.M))
    assert named == set(PYTHON_RULES)  # every registered rule is used, every used one registered
    for name, fn in PYTHON_RULES.items():
        ids = getattr(fn, "rule_ids", ())
        assert ids, f"{name} declares no rule id"
        assert set(ids) <= set(RULES), name


MH = BANK / "examples" / "mh-rehab-alliance.yaml"


@pytest.mark.parametrize(
    ("canonical", "as_written"),
    [
        ("year1_gbp: 12000000 ", 'year1_gbp: "£12m" '),
        ("year1_gbp: 12000000 ", 'year1_gbp: "£12,000,000" '),
        ("year1_gbp: 12000000 ", 'year1_gbp: "£12 million" '),
        ("threshold_pct: 10 ", 'threshold_pct: "10%" '),
        ("share_of_contract_value_pct: 1 ", 'share_of_contract_value_pct: "1 per cent" '),
        ("jointly_developed: true", "jointly_developed: yes"),
    ],
)
def test_values_as_lawyers_write_them_read_as_the_canonical_value(tmp_path, canonical, as_written):
    from assembler.deal.sheet import load_deal

    text = MH.read_text()
    assert canonical in text
    deal = tmp_path / "deal.yaml"
    deal.write_text(text.replace(canonical, as_written, 1))
    assert load_deal(deal).data == load_deal(MH).data


@pytest.mark.slow
def test_a_date_in_words_is_read_and_the_lock_and_verbose_build_say_so(tmp_path):
    import datetime as dt

    from assembler.deal.sheet import load_deal

    text = MH.read_text()
    start = load_deal(MH).data["effective_date"]
    written = f"{start.day} {start:%B %Y}"
    deal = tmp_path / "deal.yaml"
    deal.write_text(
        re.sub(r"^effective_date: \S+", f'effective_date: "{written}"', text, flags=re.M)
    )
    loaded = load_deal(deal)
    assert loaded.data["effective_date"] == start and isinstance(start, dt.date)
    assert loaded.readings == (("effective_date", written, start.isoformat()),)
    out = tmp_path / "out.docx"
    result = run("build", str(deal), "-o", str(out), "--draft", "-v")
    assert result.exit_code == 0, result.output
    assert f"read effective_date: '{written}' as {start.isoformat()}" in result.output
    lock = json.loads(out.with_suffix(".lock.yaml").read_text().split("\n", 1)[1])
    assert lock["deal"]["read"] == [
        {"key": "effective_date", "written": written, "read": start.isoformat()}
    ]


@pytest.mark.parametrize("written", ["01/04/2027", "1.4.27", "1-4-2027"])
def test_an_ambiguous_numeric_date_is_refused_with_the_iso_form_as_the_hint(tmp_path, written):
    text = re.sub(
        r"^effective_date: \S+", f'effective_date: "{written}"', MH.read_text(), flags=re.M
    )
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    result = run("check", str(deal))
    assert result.exit_code == 1
    line, col = position_of(text, f'effective_date: ^"{written}"').split(":")
    assert f"deal.yaml:{line}:{col}: error E-type-02: effective_date: '{written}' is ambiguous" in (
        result.output
    )
    assert "hint: write it 2027-04-01 (YYYY-MM-DD), or 1 April 2027" in result.output


#: Ids the engine can raise that no test names yet: a debt that may only shrink. (An id added to
#: the engine needs a test that names it; an id a test comes to name must leave this list.)
UNTESTED = frozenset(
    re.findall(
        r"\S+",
        """E-bank-01 E-bank-02 E-bank-03 E-bank-06 E-bank-10 E-bank-11 E-check-01 E-check-02
    E-check-05 E-check-06 E-dep-01 E-docx-03 E-export-01 E-file-01 E-file-02 E-lock-03
    E-lock-05 E-out-03 E-out-07 E-pack-02 E-plan-01 E-plan-02 E-ref-03
    E-style-02 E-tmpl-01 E-tmpl-05 E-value-01 E-value-03 E-var-02 E-verify-01 E-verify-02
    L-doc-01 L-doc-02 L-read-01 W-blank-01 W-export-02""",
    )
)


def test_every_rule_id_in_the_source_is_listed_by_assemble_rules_and_named_by_a_test():
    from assembler.checks.rules import source_rule_ids

    result = run("rules", "--json")
    assert result.exit_code == 0
    listed = {rule["id"] for rule in json.loads(result.output)["rules"]}
    raised = source_rule_ids()
    assert raised - listed == set(), "ids the engine raises that `assemble rules` lacks"
    engine = {r["id"] for r in json.loads(result.output)["rules"] if r["kind"] == "engine"}
    assert engine - raised == set(), "engine-rules.yaml lists ids the engine never raises"
    tests = Path(__file__).parent
    named = set()
    for test in tests.rglob("*.py"):
        text = re.sub(r"UNTESTED = frozenset\(.*?\)\n\)", "", test.read_text(), flags=re.S)
        named |= set(re.findall(r"[EWL]-[a-z]+-[0-9A-Za-z]+", text))
    assert raised - named - UNTESTED == set(), "ids no test names"
    assert UNTESTED & named == set(), "now tested: remove them from UNTESTED"
    assert "E-key-01" in listed and "W-var-01" in listed and "E-frag-10" in listed


@pytest.mark.parametrize("document_type", sorted(house_types()))
@pytest.mark.slow(keep_first=True)
def test_a_starter_names_its_schema_for_the_editor_and_satisfies_it(tmp_path, document_type):
    target = tmp_path / "deal.yaml"
    assert run("new", document_type, "-o", str(target)).exit_code == 0
    first = target.read_text().splitlines()[0]
    assert first == f"# yaml-language-server: $schema=./{document_type}.schema.json"
    schema = json.loads((tmp_path / f"{document_type}.schema.json").read_text())
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(_as_json(target))] == []


def test_one_mistake_gives_one_error_not_a_drafting_rule_about_its_consequence(tmp_path):
    text = EXAMPLE.read_text()
    mistakes = [
        ("kind: ccg, roles: [commissioner]", "kind: ccg, roles: [comissioner]"),
        ("roles: [commissioner, provider]", "roles: [provider]"),
    ]
    for old, new in mistakes:
        assert old in text
        text = text.replace(old, new, 1)
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    result = run("check", str(deal), "--json")
    findings = json.loads(result.output)["findings"]
    # the misspelt role, not also "an alliance agreement needs at least one commissioner" (G18)
    assert [(f["rule"], f["line"]) for f in findings] == [
        ("E-enum-01", int(position_of(text, "roles: [^comissioner]").split(":")[0]))
    ]
    assert findings[0]["hint"] == "did you mean 'commissioner'?"
    # once it is put right, the rule reads the roles and reports
    deal.write_text(text.replace("[comissioner]", "[observer]"))
    rules = [f["rule"] for f in json.loads(run("check", str(deal), "--json").output)["findings"]]
    assert "E-rule-G18" in rules


def _rule(kind: str, **parameters):
    return {
        "id": "E-rule-T1",
        "kind": kind,
        "severity": "error",
        "message": "a test rule",
        "hint": "a hint",
        "source": "a test",
        **parameters,
    }


SPLIT = {"split": [{"party": "a", "pct": 60}, {"party": "b", "pct": 30}]}
KINDS = [
    # (rule, values that break it, where it reports, values that keep it)
    (
        _rule("sum_to", paths=["split[].pct"], total=100),
        SPLIT,
        "split",
        {"split": [{"party": "a", "pct": 60}, {"party": "b", "pct": 40}]},
    ),
    (
        _rule("sum_to", paths=["gain.ours", "gain.theirs"], total=100),
        {"gain": {"ours": 50, "theirs": 40}},
        "gain.ours",
        {"gain": {"ours": 50, "theirs": "[to be agreed]"}},  # a blank is not checked
    ),
    (
        _rule("required_if", path="pool.cap", when={"pool.kind": "capped"}),
        {"pool": {"kind": "capped"}},
        "pool.kind",
        {"pool": {"kind": "open"}},
    ),
    (
        _rule("forbidden_if", path="pool.cap", when={"pool.kind": "open"}),
        {"pool": {"kind": "open", "cap": 5}},
        "pool.cap",
        {"pool": {"kind": "capped", "cap": 5}},
    ),
    (
        _rule("at_least_one", path="bodies", has={"chair": True}),
        {"bodies": [{"chair": False}, {}]},
        "bodies",
        {"bodies": [{"chair": False}, {"chair": True}]},
    ),
    (
        _rule("party_with_role", role="host"),
        {"parties": [{"roles": ["provider"]}]},
        "parties",
        {"parties": [{"roles": ["provider", "host"]}]},
    ),
    (
        _rule("unique", path="split[].party"),
        {"split": [{"party": "a"}, {"party": "a"}]},
        "split[1].party",
        SPLIT,
    ),
    (
        _rule("allowed", path="kind", values=["icb", "local_authority"]),
        {"kind": "company"},
        "kind",
        {"kind": "[legal form]"},  # a blank waits until it is filled in
    ),
    (
        _rule("equal", path="manager.employer", to="host"),
        {"host": "la", "manager": {"employer": "icb"}},
        "manager.employer",
        {"host": "la", "manager": {"employer": "la"}},
    ),
    (
        _rule("named_party_has", path="host", has={"roles": "host"}),
        {"host": "la", "parties": [{"id": "la", "roles": ["commissioner"]}]},
        "host",
        {"host": "la", "parties": [{"id": "la", "roles": ["commissioner", "host"]}]},
    ),
    (  # each item of a list, where a condition holds, reported at a key of the item
        _rule(
            "sum_to",
            each=["benefits", "risks"],
            when={"basis": "split"},
            paths=["split[].pct"],
            total="total",
            at="total",
        ),
        {
            "benefits": {"basis": "equal", **SPLIT},
            "risks": {"basis": "split", "total": 80, **SPLIT},
        },
        "risks.total",
        {
            "benefits": {"basis": "equal", **SPLIT},
            "risks": {"basis": "split", "total": 90, **SPLIT},
        },
    ),
    (
        _rule("date_order", pairs=[["start", "end"]]),
        {
            "start": __import__("datetime").date(2027, 4, 1),
            "end": __import__("datetime").date(2027, 4, 1),
        },
        "end",
        {
            "start": __import__("datetime").date(2027, 4, 1),
            "end": __import__("datetime").date(2028, 4, 1),
        },
    ),
]


@pytest.mark.parametrize(
    ("entry", "broken", "where", "kept"),
    KINDS,
    ids=[k[0]["kind"] + ("-each" if "each" in k[0] else "") for k in KINDS],
)
def test_each_declarative_rule_kind_reports_at_its_key_and_passes_good_values(
    entry, broken, where, kept
):
    from assembler.core.schema import Checker
    from assembler.deal.rulekinds import compile_rule

    rule = compile_rule(entry, {}, Path("rules.yaml"))
    ck = Checker("deal.yaml")
    rule(broken, ck, "")
    assert [(d.rule, d.message.split(": ")[0]) for d in ck.diagnostics] == [("E-rule-T1", where)]
    if entry["kind"] != "date_order":  # date_order says which dates, in its own words
        assert (ck.diagnostics[0].message, ck.diagnostics[0].hint) == (
            f"{where}: a test rule",
            "a hint",
        )
    ck = Checker("deal.yaml")
    rule(kept, ck, "")
    assert ck.diagnostics == []


def test_a_declarative_rule_missing_its_parameters_is_a_located_error():
    from assembler.deal.rulekinds import compile_rule

    with pytest.raises(AssemblerError) as caught:
        compile_rule({"id": "E-rule-T1", "kind": "sum_to", "total": 100}, {}, Path("rules.yaml"))
    (finding,) = caught.value.diagnostics
    assert finding.rule == "E-schema-01" and "paths" in finding.message
