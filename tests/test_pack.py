"""`assemble pack`: a deal sheet per CSV row over a base deal sheet, comments and layout kept, every
sheet validated, and every mistake in the CSV located by file, line and column."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from assembler.api import build
from assembler.cli.main import main
from assembler.core.errors import AssemblerError
from assembler.deal.pack import make_pack
from assembler.deal.sheet import load_deal

from conftest import BANK
from reading import paragraphs

BASE = BANK / "examples" / "ooh-transformation-mou.yaml"


def csv_file(tmp_path, text: str | bytes):
    path = tmp_path / "practices.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_a_row_replaces_its_values_and_keeps_every_comment(tmp_path, workspace):
    rows = csv_file(
        tmp_path,
        "code,parties.gp_fed.name,parties.gp_fed.address?\n"  # ?: a blank keeps the base's
        'p001,"Smith & Jones ""Riverside"" Surgery","1 High Street, Northtown"\n'
        "p002,Öakfield Médical Practice,\n",
    )
    made = make_pack(BASE, rows, tmp_path / "pack", vocabulary=workspace.bank.codes)
    assert [p.name for p in made.written] == ["p001.yaml", "p002.yaml"] and made.problems == []
    base_text = BASE.read_text()
    first = made.written[0].read_text()
    assert first.count("# src:") == base_text.count("# src:")
    assert "line 2" in first.splitlines()[0]  # the file says which row it came from
    one, two = (load_deal(p, workspace.bank.codes).data for p in made.written)
    gp = next(p for p in one["parties"] if p["id"] == "gp_fed")
    assert (gp["name"], gp["address"]) == (
        'Smith & Jones "Riverside" Surgery',
        "1 High Street, Northtown",
    )
    gp2 = next(p for p in two["parties"] if p["id"] == "gp_fed")
    assert (gp2["name"], gp2["address"]) == ("Öakfield Médical Practice", "[address]")  # kept
    base_id = load_deal(BASE, workspace.bank.codes).data["deal_id"]
    assert (one["deal_id"], two["deal_id"]) == (f"{base_id}-p001", f"{base_id}-p002")
    built = build(made.written[0], tmp_path / "p001.docx", workspace=workspace)
    text = "\n".join(t for _, t in paragraphs(built.output.read_bytes()))
    assert 'Smith & Jones "Riverside" Surgery' in text and "[GP Federation]" not in text


def test_a_column_the_base_does_not_have_is_located_in_the_csv(tmp_path):
    rows = csv_file(tmp_path, "code,parties.gp_fed.name,parties.nobody.name\np1,a,b\n")
    with pytest.raises(AssemblerError) as caught:
        make_pack(BASE, rows, tmp_path / "pack")
    d = caught.value.diagnostics[0]
    assert (d.rule, d.file, d.line, d.col) == ("E-pack-01", str(rows), 1, 3)
    assert not (tmp_path / "pack").exists()


def test_a_value_that_does_not_validate_names_the_sheet_and_exits_1(tmp_path):
    rows = csv_file(tmp_path, "code,effective_date\ngood,2017-01-01\nbad,not-a-date\n")
    result = CliRunner().invoke(main, ["pack", str(BASE), str(rows), "-o", str(tmp_path / "p")])
    assert result.exit_code == 1
    assert "bad.yaml:" in result.output and "E-type-01" in result.output
    assert "good.yaml" not in result.output.replace("wrote", "")
    # nothing is written when any row fails: a pack is all or nothing
    assert not (tmp_path / "p").exists() or not list((tmp_path / "p").iterdir())
    (tmp_path / "p").mkdir(exist_ok=True)
    (tmp_path / "p" / "other.yaml").write_text("deal_id: other\n")
    again = csv_file(tmp_path, "code,effective_date\ngood,2017-01-01\n")
    result = CliRunner().invoke(main, ["pack", str(BASE), str(again), "-o", str(tmp_path / "p")])
    assert result.exit_code == 0
    assert "also holds 1 other deal sheet(s): other.yaml" in result.output  # batch would build it


@pytest.mark.parametrize(
    ("text", "rule", "line"),
    [
        ("code,title\np1,a\np1,b\n", "E-pack-04", 3),  # two rows would write p1.yaml
        ("code,title\np1,a,extra\n", "E-pack-03", 2),  # a cell too many
        ("code,code\np1,a\n", "E-pack-03", 1),  # a column named twice
        (b"code,title\np1,\xff\xfe\n", "E-pack-03", 2),  # not UTF-8
        ("code,title\np1," + "x" * 200_000 + "\n", "E-pack-03", 2),  # over the csv cell limit
    ],
)
def test_a_malformed_csv_is_located(tmp_path, text, rule, line):
    with pytest.raises(AssemblerError) as caught:
        make_pack(BASE, csv_file(tmp_path, text), tmp_path / "pack")
    d = caught.value.diagnostics[0]
    assert (d.rule, d.line) == (rule, line)
    assert not (tmp_path / "pack").exists()  # nothing is written from a CSV with a mistake


def test_a_value_written_as_a_block_scalar_is_replaced_whole(tmp_path, workspace):
    text = BASE.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    base = tmp_path / "base.yaml"
    base.write_text(text.replace(title, "title: >-\n  Memorandum of\n  Understanding"))
    rows = csv_file(tmp_path, 'code,title\np1,"Memorandum: ""Out of Hospital"" # 1"\n')
    made = make_pack(base, rows, tmp_path / "pack", vocabulary=workspace.bank.codes)
    data = load_deal(made.written[0], workspace.bank.codes).data
    assert data["title"] == 'Memorandum: "Out of Hospital" # 1'
    assert data["document_type"] == "memorandum_of_understanding"  # the next keys are intact
    assert data["status"] == load_deal(BASE, workspace.bank.codes).data["status"]


def test_a_value_given_through_a_yaml_alias_is_refused(tmp_path, workspace):
    """Replacing an anchored value would change every place that aliases it, so say so."""
    text = BASE.read_text()
    ccg = '{id: ccg, name: "[CCG]", kind: ccg, roles: [commissioner], address: "[address]"'
    la = '  - {id: la, name: "[Council]", kind: local_authority, roles: [commissioner, provider],'
    assert ccg in text and la in text
    text = text.replace(ccg, ccg.replace('address: "[address]"', 'address: &shared "[address]"'))
    la_block = text[text.index(la) :]
    aliased = la_block.replace('address: "[address]"', "address: *shared", 1)
    base = tmp_path / "base.yaml"
    base.write_text(text[: text.index(la)] + aliased)
    load_deal(base, workspace.bank.codes)  # the base itself is a valid deal sheet
    rows = csv_file(tmp_path, "code,parties.gp_fed.name,parties.la.address\np1,a,b\n")
    with pytest.raises(AssemblerError) as caught:
        make_pack(base, rows, tmp_path / "pack", vocabulary=workspace.bank.codes)
    d = caught.value.diagnostics[0]
    assert (d.rule, d.line, d.col) == ("E-pack-05", 1, 3)


def test_an_empty_cell_is_an_error_unless_the_column_allows_it(tmp_path, workspace):
    rows = csv_file(
        tmp_path, "code,parties.gp_fed.name,parties.gp_fed.address\np1,A Practice,\np2,,here\n"
    )
    with pytest.raises(AssemblerError) as caught:
        make_pack(BASE, rows, tmp_path / "pack", vocabulary=workspace.bank.codes)
    found = [(d.rule, d.line, d.col) for d in caught.value.diagnostics]
    assert found == [("E-pack-06", 2, 3), ("E-pack-06", 3, 2)]
    assert not (tmp_path / "pack").exists() or not any((tmp_path / "pack").iterdir())


def test_leading_zeros_stay_text_and_form_feeds_do_not_shift_lines(tmp_path, workspace):
    rows = csv_file(
        tmp_path,
        'code,parties.gp_fed.name,deal_id\np1,"Form\ffeed",00123\np2,B,\n',
    )
    with pytest.raises(AssemblerError) as caught:
        make_pack(BASE, rows, tmp_path / "pack", vocabulary=workspace.bank.codes)
    assert [(d.rule, d.line) for d in caught.value.diagnostics] == [("E-pack-06", 3)]
    rows.write_text(rows.read_text().replace("p2,B,", "p2,B,x0").replace("\f", " "))
    made = make_pack(BASE, rows, tmp_path / "pack", vocabulary=workspace.bank.codes)
    first = load_deal(made.written[0], workspace.bank.codes).data
    assert first["deal_id"] == "00123"


def test_a_list_column_sets_a_list(tmp_path, workspace):
    text = BASE.read_text()
    assert "roles: [provider]" in text
    rows = csv_file(tmp_path, "code,parties.gp_fed.roles[]\np1,provider; commissioner\n")
    made = make_pack(BASE, rows, tmp_path / "pack", vocabulary=workspace.bank.codes)
    data = load_deal(made.written[0], workspace.bank.codes).data
    gp = next(p for p in data["parties"] if p["id"] == "gp_fed")
    assert gp["roles"] == ["provider", "commissioner"]


def test_a_value_the_party_form_ignores_is_a_warning_at_its_line(tmp_path, workspace):
    """A key the party's legal form takes but its description never prints (a company's
    legal_form): the pack warns at the CSV cell. (A key the form does not take at all, such as an
    NHS trust's registration, is refused by the deal sheet itself: E-key-01.)"""
    base = tmp_path / "base.yaml"
    text = BASE.read_text()
    assert "kind: gp_federation," in text
    base.write_text(text.replace("kind: gp_federation,", "kind: company,", 1))
    assert "p.legal_form" not in workspace.forms["company"]["description"]
    rows = csv_file(tmp_path, "code,parties.gp_fed.legal_form\np1,a company limited by shares\n")
    made = make_pack(
        base, rows, tmp_path / "pack", vocabulary=workspace.bank.codes, forms=workspace.forms
    )
    warned = [(d.rule, d.line, d.col, d.severity) for d in made.problems]
    assert ("W-pack-01", 2, 2, "warning") in warned
