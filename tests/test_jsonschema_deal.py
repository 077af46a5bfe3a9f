"""The jsonschema library is the validator of record of a deal sheet: a keyword a CSU writes in a
document type's schema (maximum, maxLength, if/then, dependentRequired ...) is enforced, each
mistake one located error with a rule id by keyword; a keyword nothing enforces is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assembler.api import Workspace, build
from assembler.cli.main import main
from assembler.core.errors import AssemblerError

from conftest import BANK, position_of

MOU = BANK / "examples" / "ooh-transformation-mou.yaml"
ITEM = """      required:
        - type
        - parties
      additionalProperties: false
"""
#: Keywords a CSU adds to the MoU's related documents (an item of related_documents).
ADDED = {
    "term_years": "maximum: 10",
    "signed": "maxLength: 20",
    "year1_value_gbp": "maximum: 50000000",
}
CONDITIONS = """      dependentRequired:
        extension_years: [term_years]
      if:
        properties:
          type: {const: nhs_standard_contract}
      then:
        required: [year1_value_gbp]
"""


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bank = tmp_path_factory.mktemp("csu") / "bank"
    shutil.copytree(BANK, bank)
    schema = bank / "types" / "memorandum_of_understanding" / "schema.yaml"
    text = schema.read_text()
    start = text.index("  related_documents:")
    head, tail = text[:start], text[start:]
    for key, keyword in ADDED.items():
        tail = tail.replace(f"        {key}:\n", f"        {key}:\n          {keyword}\n", 1)
    assert ITEM in tail
    schema.write_text(head + tail.replace(ITEM, ITEM + CONDITIONS, 1))
    return bank


def _sheet(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    text = MOU.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    deal = tmp_path / "deal.yaml"
    deal.write_text(text)
    return deal, text


def test_a_valid_deal_passes_the_added_keywords(bank, tmp_path):
    ws = Workspace.open(bank, bank / "templates")
    result = build(MOU, tmp_path / "mou.docx", workspace=ws, draft=True)
    assert result.output.exists()


@pytest.mark.parametrize(
    ("old", "new", "rule", "at", "message"),
    [
        (
            "term_years: 2 ",
            "term_years: 12",
            "E-json-01",
            "    ^term_years: 12",
            "related_documents[0].term_years: expected a number of at most 10, found 12",
        ),
        (
            "year1_value_gbp: 20000000 ",
            'year1_value_gbp: "£60m"',
            "E-json-01",
            '    ^year1_value_gbp: "£60m"',
            "expected a number of at most 50000000, found 60000000",
        ),
        (
            '    signed: "December 2016"                        # src: 001 ch5\nservices_in_scope',
            '    signed: "December 2016, in London"\nservices_in_scope',
            "E-json-02",
            '    ^signed: "December 2016, in London"',
            "related_documents[2].signed: expected text of at most 20 characters, found 24",
        ),
        (
            "    term_years: 5 ",
            "    #",
            "E-json-04",
            "  - ^type: nhs_standard_contract",
            "related_documents[1].term_years: is required when extension_years is given",
        ),
        (
            "    year1_value_gbp: 20000000 ",
            "    #",
            "E-json-04",
            "  - ^type: nhs_standard_contract",
            "related_documents[1].year1_value_gbp: is required when type is "
            "nhs_standard_contract, but missing",
        ),
    ],
    ids=["maximum", "maximum-of-money-as-written", "maxLength", "dependentRequired", "if-then"],
)
def test_each_keyword_is_enforced_as_one_located_error(bank, tmp_path, old, new, rule, at, message):
    deal, text = _sheet(tmp_path, old, new)
    ws = Workspace.open(bank, bank / "templates")
    with pytest.raises(AssemblerError) as caught:
        build(deal, tmp_path / "out.docx", workspace=ws)
    (finding,) = caught.value.diagnostics
    assert (finding.rule, f"{finding.line}:{finding.col}") == (rule, position_of(text, at))
    assert message in finding.message and Path(str(finding.file)) == deal
    assert not (tmp_path / "out.docx").exists()
    # the gate agrees with the build, and writes nothing
    checked = CliRunner().invoke(main, ["check", str(deal), "--bank", str(bank)])
    assert checked.exit_code == 1
    assert f"{rule}" in checked.output and "Traceback" not in checked.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deal.yaml"]


def test_a_value_the_reader_refuses_is_not_reported_again_by_the_library(bank, tmp_path):
    deal, text = _sheet(tmp_path, "term_years: 2 ", "term_years: lots")
    ws = Workspace.open(bank, bank / "templates")
    with pytest.raises(AssemblerError) as caught:
        build(deal, tmp_path / "out.docx", workspace=ws)
    assert [d.rule for d in caught.value.diagnostics] == ["E-type-01"]


def test_a_new_name_that_is_not_a_key_is_refused(tmp_path):
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)
    schema = bank / "types" / "memorandum_of_understanding" / "schema.yaml"
    schema.write_text(
        schema.read_text().replace("x-renamed: shares_losses", "x-renamed: shares_loses")
    )
    with pytest.raises(AssemblerError) as caught:
        build(MOU, tmp_path / "x.docx", workspace=Workspace.open(bank, bank / "templates"))
    (finding,) = caught.value.diagnostics
    assert finding.rule == "E-schema-01" and "shares_loses" in finding.message


@pytest.mark.parametrize("keyword", ["maximun: 10", "x-maximum: 10", "format: phone"])
@pytest.mark.slow(keep_first=True)
def test_a_schema_keyword_nothing_enforces_is_refused_at_its_line(tmp_path, keyword):
    bank = tmp_path / "bank"
    shutil.copytree(BANK, bank)
    schema = bank / "types" / "memorandum_of_understanding" / "schema.yaml"
    text = schema.read_text().replace(
        "        term_years:\n", f"        term_years:\n          {keyword}\n", 1
    )
    schema.write_text(text)
    with pytest.raises(AssemblerError) as caught:
        build(MOU, tmp_path / "x.docx", workspace=Workspace.open(bank, bank / "templates"))
    (finding,) = caught.value.diagnostics
    assert (finding.rule, Path(str(finding.file)).name) == ("E-schema-01", "schema.yaml")
    assert f"{finding.line}:{finding.col}" == position_of(text, f"          ^{keyword}")
    assert "checked by nothing" in finding.message


@pytest.mark.parametrize(
    ("node", "value", "rule", "message"),
    [
        ({"type": "array", "uniqueItems": True}, ["a", "a"], "E-json-03", "lists an item twice"),
        ({"type": "array", "maxItems": 1}, ["a", "b"], "E-json-03", "at most 1 item(s), found 2"),
        ({"const": "ICB"}, "council", "E-json-05", "expected ICB, found the text 'council'"),
        ({"not": {"const": "none"}}, "none", "E-json-05", "is ruled out here"),
        ({"type": "integer"}, "two", "E-json-05", "expected a whole number, found the text"),
        (
            {"allOf": [{"properties": {"a": {}}, "additionalProperties": False}]},
            {"b": 1},
            "E-json-06",
            "value.b: is not allowed here",
        ),
        ({"oneOf": [{"minimum": 1}, {"maximum": 5}]}, 3, "E-json-07", "more than one"),
    ],
)
def test_each_keyword_says_what_is_wrong_in_a_lawyers_words(node, value, rule, message):
    from assembler.core.schema import Checker
    from assembler.deal.jsoncheck import validate

    schema = {"type": "object", "properties": {"value": node}}
    ck = Checker("deal.yaml")
    validate(schema, {"value": value}, {"value": value}, ck)
    (finding,) = ck.diagnostics
    assert finding.rule == rule and message in finding.message
    assert "int" not in finding.message and "str" not in finding.message


CASE_B = BANK / "examples" / "mh-rehab-alliance.yaml"


def test_a_deprecated_key_is_read_under_its_new_name_with_a_located_warning(tmp_path):
    from assembler.deal.sheet import load_deal

    text = CASE_B.read_text()
    old = "     shares_losses: false,"
    deal_file = tmp_path / "deal.yaml"
    deal_file.write_text(text.replace(old, "     risk_share_participant: false,", 1))
    deal = load_deal(deal_file)
    (warning,) = [w for w in deal.warnings if w.rule == "W-key-01"]
    written = deal_file.read_text()
    assert f"{warning.line}:{warning.col}" == position_of(written, "     ^risk_share_participant")
    assert "old name of shares_losses" in warning.message and "shares_losses" in (
        warning.hint or ""
    )
    vcs1 = next(p for p in deal.data["parties"] if p["id"] == "vcs1")
    assert vcs1["shares_losses"] is False and "risk_share_participant" not in vcs1
    # both names at once: one error, at the old one
    deal_file.write_text(text.replace(old, old + " risk_share_participant: false,", 1))
    with pytest.raises(AssemblerError) as caught:
        load_deal(deal_file)
    assert [d.rule for d in caught.value.diagnostics] == ["E-key-03"]


def test_an_enum_of_numbers_takes_the_number(tmp_path):
    from assembler.core.schema import Checker
    from assembler.deal.types import _Compiler

    spec = _Compiler(Path("schema.yaml"), {}, {}, {}).spec({"enum": [1, 2, 3]})
    ck = Checker("deal.yaml")
    assert spec.check(2, ck, "review_months", (1, 1)) == 2 and ck.diagnostics == []
    assert spec.check("2", ck, "review_months", (1, 1)) is None
    assert [d.rule for d in ck.diagnostics] == ["E-enum-01"]


@pytest.mark.slow
def test_a_clause_version_approved_before_a_rename_still_reads_the_old_name(tmp_path, workspace):
    from reading import paragraphs

    pinned = tmp_path / "pinned.yaml"
    pinned.write_text(CASE_B.read_text() + "\npins:\n  risk-share: 1.3.0\n")
    old = build(pinned, tmp_path / "old.docx", workspace=workspace)
    new = build(CASE_B, tmp_path / "new.docx", workspace=workspace)
    versions = {p.clause_id: p.version for p in old.plan.clauses if p.clause_id == "risk-share"}
    assert versions == {"risk-share": "1.3.0"}  # reads risk_share_participant
    texts = [[t for _, t in paragraphs(r.output.read_bytes())] for r in (old, new)]
    assert texts[0] == texts[1]
    assert [w.rule for w in old.warnings] == [w.rule for w in new.warnings]


def test_two_mistakes_in_one_list_are_two_errors():
    from assembler.core.schema import Checker
    from assembler.deal.jsoncheck import validate

    schema = {
        "type": "object",
        "properties": {"years": {"maxItems": 1, "items": {"maximum": 10}}},
    }
    ck = Checker("deal.yaml")
    validate(schema, {"years": [5, 12]}, {"years": [5, 12]}, ck)
    assert sorted((d.rule, d.message) for d in ck.diagnostics) == [
        ("E-json-01", "years[1]: expected a number of at most 10, found 12"),
        ("E-json-03", "years: expected at most 1 item(s), found 2"),
    ]


@pytest.mark.parametrize(
    ("value", "errors"),
    [("[to be agreed]", []), ("none", ["E-json-05"]), ("some", [])],
)
def test_a_blank_is_a_value_to_fill_never_a_value_a_condition_tests(value, errors):
    from assembler.core.schema import Checker
    from assembler.deal.jsoncheck import validate
    from assembler.deal.types import BLANK, _export

    node = {
        "type": "object",
        "properties": {"exit": {"type": "string", "not": {"const": "none"}}},
        "if": {"properties": {"exit": {"const": "some"}}, "required": ["exit"]},
        "then": {"required": ["plan"]},
    }
    schema = {**_export(node), "$defs": {"blank": BLANK}}
    ck = Checker("deal.yaml")
    validate(schema, {"exit": value}, {"exit": value}, ck)
    wanted = errors + (["E-json-04"] if value == "some" else [])
    assert [d.rule for d in ck.diagnostics] == wanted
    if value == "some":
        assert ck.diagnostics[0].message == "plan: is required when exit is some, but missing"
