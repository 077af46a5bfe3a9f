"""`assemble vary`: the deed of variation's instructions, in the signed numbering, turn the
original into the agreement as varied; the conformed copy's tracked changes accept to the new
text and reject to the old; a second variation starts from the agreement as varied."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from assembler.api import Workspace, rebuild
from assembler.core.errors import AssemblerError
from assembler.deal.sheet import load_deal
from assembler.oxml.ns import qn
from assembler.variation.sections import sections
from assembler.variation.vary import vary

from conftest import BANK, EXAMPLE, libreoffice_resave, needs_soffice

VARIATION = """
variation:
  date: 2018-04-01
  original_date: 2017-04-01
  reasons:
    - "Not all of the objectives of the Transition Period were achieved."
  services_change: false
"""


@pytest.fixture(scope="module")
def ws():
    return Workspace.open(BANK, BANK / "templates")


@pytest.fixture
def signed(tmp_path, ws):
    """The example agreement as signed: its deal sheet and lock in a folder of their own."""
    from assembler.api import build

    deal = tmp_path / "signed.yaml"
    shutil.copy(EXAMPLE, deal)
    result = build(deal, tmp_path / "signed.docx", workspace=ws)
    return deal, result.lock


def changed(
    tmp_path: Path, name: str, base: Path, *edits: tuple[str, str], extra: str = VARIATION
) -> Path:
    text = base.read_text()
    if "\nvariation:" in text:
        text = text[: text.index("\nvariation:")] + "\n"
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / name
    path.write_text(text + extra)
    return path


def strip_label(text: str) -> str:
    return re.sub(r"^(# |> |\([a-z0-9-]+\) )", "", text)


def provision_number(section, provision: str) -> str:
    """The full number of a provision the deed names within a clause: clause 5 + "1(a)" is
    5.1(a); a schedule's paragraph by its own number."""
    own = section.number
    if own.startswith("Schedule"):
        return provision
    return own + ("" if provision.startswith("(") else ".") + provision


def apply_numbered(old: dict, amendments: list[dict]) -> dict[str, list[tuple[str | None, str]]]:
    """Follow the deed's instructions on the original's text, as a reader would: each place's
    paragraphs as (number, text), the number None where the deed renumbers (a clause it
    substitutes)."""
    texts = {slot: [(n, t) for n, _, t in section.paragraphs] for slot, section in old.items()}
    for a in amendments:
        at = a["at"]
        paragraphs = texts.get(at, [])
        where = list(range(len(paragraphs)))
        full = ""
        if "provision" in a:  # the provision named: clause 5 + "1(a)" is 5.1(a)
            full = provision_number(old[at], a["provision"])
            numbers = [number for number, _ in paragraphs]
            assert numbers.count(full) == 1, a
            where = [numbers.index(full)]
        if "definition" in a:  # in clause 1.1, in the definition of "Term"
            where = [
                i
                for i, (_, t) in enumerate(paragraphs)
                if t.startswith(f"\u201c{a['definition']}\u201d")
            ]
            assert len(where) == 1, a
        op = a["op"]
        if op == "substitute_words":
            hits = [i for i in where if a["words_from"] in paragraphs[i][1]]
            assert len(hits) == 1 and paragraphs[hits[0]][1].count(a["words_from"]) == 1, a
            number, text = paragraphs[hits[0]]
            paragraphs[hits[0]] = (number, text.replace(a["words_from"], a["words_to"]))
        elif op == "replace_provision" and isinstance(a["text"], list):  # with its items
            i = where[0]
            paragraphs[i : _provision_end(paragraphs, i)] = [
                (full + t[: t.index(")") + 1] if t.startswith("(") else full, strip_label(t))
                for t in a["text"]
            ]
        elif op == "replace_provision":
            paragraphs[where[0]] = (full, a["text"])
        elif op == "omit_provision":  # the provision and its items; its number stays
            i = where[0]
            paragraphs[i : _provision_end(paragraphs, i)] = [(full, "Not used.")]
        elif op == "insert_provision":  # after the provision named and its items
            number = provision_number(old[at], a["number"])
            added = [
                (number + t[: t.index(")") + 1] if t.startswith("(") else number, strip_label(t))
                for t in a["text"]
            ]
            end = _provision_end(paragraphs, where[0])
            paragraphs[end:end] = added
        elif op in ("replace_clause", "replace_schedule"):
            texts[at] = [(None, strip_label(t)) for t in a["text"]]
        elif op == "delete_clause_not_used":
            texts[at] = []
        elif op == "insert_clause":
            texts[f"new {a['number']}"] = [(None, strip_label(t)) for t in a["text"]]
        elif op == "insert_definition":
            paragraphs.append((None, f"\u201c{a['term']}\u201d means {a['text']};"))
        else:
            raise AssertionError(a)
    return texts


def _provision_end(paragraphs: list[tuple[str | None, str]], i: int) -> int:
    """The index after the provision at I and the items and text below it."""
    end = i + 1
    while end < len(paragraphs) and not re.fullmatch(
        r"\d+(\.\d+)?[A-Z]?", paragraphs[end][0] or ""
    ):
        end += 1
    return end


def apply(old: dict, amendments: list[dict]) -> dict[str, list[str]]:
    """The text of each place after the deed's instructions (:func:`apply_numbered`)."""
    return {
        slot: [text for _, text in paragraphs]
        for slot, paragraphs in apply_numbered(old, amendments).items()
    }


def assert_instructions_give_the_new_text(result, ws, signed_lock):
    _, old = rebuild(signed_lock, ws)
    _, new = rebuild(result.conformed_lock, ws)
    before = sections(old.plan, old.rendered.laid_out)
    after = sections(new.plan, new.rendered.laid_out)
    applied = apply(before, result.amendments)
    inserted = {
        f"new {s.number.removeprefix('Schedule ').strip()}": s
        for s in after.values()
        if s.slot not in before
    }
    expected = {slot: s.texts for slot, s in after.items() if slot in before}
    expected |= {key: s.texts for key, s in inserted.items()}
    norm = lambda texts: sorted(t.rstrip(";.") for t in texts)  # noqa: E731 - definitions reorder
    for slot, texts in expected.items():
        assert norm(applied[slot]) == norm(texts), slot
    return before, after


def assert_the_conformed_copy_is_the_deed(result, ws, signed_lock):
    """The conformed copy accepts to a fresh build of the agreement as varied (its operative
    text, numbers included: a list number is the engine's, checked by the build) and rejects to
    the signed text, and its tracked changes sit only in the clauses and schedules the deed
    names (or inserts)."""
    _, old = rebuild(signed_lock, ws)
    _, varied = rebuild(result.conformed_lock, ws)
    operative = part_texts(varied)[1]
    accepted = conformed_texts(result.conformed, accept=True)
    start = accepted.index(operative[0])
    assert accepted[start : start + len(operative)] == operative
    signed = part_texts(old)[1]
    rejected = conformed_texts(result.conformed, accept=False)
    start = rejected.index(signed[0])
    assert rejected[start : start + len(signed)] == [_renamed(t, result) for t in signed]
    named = {a["at"] for a in result.amendments}
    signed_slots = {pc.slot for pc in old.plan.clauses + old.plan.schedules}
    headings = {
        pc.number if pc.number.startswith("Schedule") else pc.title
        for pc in varied.plan.clauses + varied.plan.schedules
        if pc.slot in named or pc.slot not in signed_slots
    }
    assert touched_headings(result.conformed) <= headings


def _renamed(text: str, result) -> str:
    """A name a successor by law took is read as the successor's, not tracked as a change."""
    sheet = yaml_safe(result.deed_deal)
    names = {p["id"]: p["name"] for p in sheet["parties"]}
    for t in sheet.get("statutory_transfers") or []:
        text = text.replace(t["predecessor"], names[t["party"]])
    return text


def yaml_safe(path: Path) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text())


def deed_text(path: Path) -> list[str]:
    import docx

    return [p.text for p in docx.Document(str(path)).paragraphs]


@pytest.mark.slow
def test_a_changed_value_is_a_word_substitution_in_the_signed_numbering(
    tmp_path, ws, signed, assert_valid
):
    deal, lock = signed
    new = changed(tmp_path, "year2.yaml", deal, ("people aged 65 and over", "the whole population"))
    result = vary(lock, new, tmp_path / "variation-1.docx", workspace=ws)
    ops = {(a["op"], a["at"]) for a in result.amendments}
    assert ("substitute_words", "scope") in ops
    before, _ = assert_instructions_give_the_new_text(result, ws, lock)
    scope = before["scope"].number
    text = deed_text(result.deed.output)
    # the provision the words are in, by its signed number
    provision = next(n for n, _, t in before["scope"].paragraphs if "people aged 65" in t)
    assert provision.startswith(f"{scope}.")
    assert (
        f"In clause {provision}, for \u201cpeople aged 65 and over\u201d "
        "substitute \u201cthe whole population\u201d." in text
    )
    assert any(t.startswith("THIS DEED OF VARIATION") for t in text)
    assert_valid(result.deed.output)
    assert_valid(result.conformed)
    assert_the_conformed_copy_is_the_deed(result, ws, lock)


@pytest.mark.slow
def test_a_removed_clause_is_not_used_and_an_added_one_follows_the_last(tmp_path, ws, assert_valid):
    from assembler.api import build

    base = changed(
        tmp_path,
        "signed.yaml",
        EXAMPLE,
        ("plain_english_summary: true", "plain_english_summary: false"),
        extra="",
    )
    lock = build(base, tmp_path / "signed.docx", workspace=ws).lock
    _, old = rebuild(lock, ws)
    # the deal no longer excludes for wilful default, and now wants the plain-English summary
    new = changed(
        tmp_path,
        "year2.yaml",
        base,
        ("sanction: exclusion", 'sanction: "[to be agreed]"'),
        ("plain_english_summary: false", "plain_english_summary: true"),
    )
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    numbers = {pc.slot: pc.number for pc in old.plan.clauses + old.plan.schedules}
    text = "\n".join(deed_text(result.deed.output))
    removed = [a for a in result.amendments if a["op"] == "delete_clause_not_used"]
    assert [a["at"] for a in removed] == ["wilful-default"]
    assert (
        f"Omit clause {numbers['wilful-default']} (Wilful default and exclusion), leaving its "
        "number in place marked \u201cNot used\u201d." in text
    )
    added = [a for a in result.amendments if a["op"] == "insert_clause"]
    last = old.plan.schedules[-1].number.split()[-1]
    assert [(a["at"], a["number"]) for a in added] == [
        (old.plan.schedules[-1].slot, str(int(last) + 1))
    ]
    assert f"After Schedule {last} insert:" in text
    assert f"\u201cSchedule {int(last) + 1}\nPlain-English summary" in text
    _, varied = rebuild(result.conformed_lock, ws)
    kept = {pc.slot: pc.number for pc in varied.plan.clauses + varied.plan.schedules}
    assert {slot: kept[slot] for slot in numbers} == numbers  # no signed number moved
    assert next(pc.title for pc in varied.plan.clauses if pc.slot == "wilful-default") == "Not used"
    assert_instructions_give_the_new_text(result, ws, lock)
    assert_valid(result.conformed)
    assert_the_conformed_copy_is_the_deed(result, ws, lock)


def conformed_texts(docx: Path, accept: bool) -> list[str]:
    """Accept (or reject) every tracked change, as Word does, and list the paragraphs' text."""
    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    keep_mark, drop_mark = (qn("w:ins"), qn("w:del")) if accept else (qn("w:del"), qn("w:ins"))
    texts = []
    for p in root.iter(qn("w:p")):
        mark = p.find(f"{qn('w:pPr')}/{qn('w:rPr')}")
        if mark is not None and mark.find(drop_mark) is not None:
            continue
        parts = []
        for node in p.iter(qn("w:t"), qn("w:delText"), qn("w:tab")):
            inside = {a.tag for a in node.iterancestors()}
            if drop_mark in inside:
                continue
            parts.append(" " if node.tag == qn("w:tab") else node.text or "")
        texts.append("".join(parts))
    return [t for t in texts if t.strip()]


def part_texts(made) -> tuple[list[str], ...]:
    """The non-empty paragraph texts of the front matter, operative part and execution blocks."""
    from assembler.oxml.text import text_of
    from assembler.variation.conformed import parts

    return tuple(
        [t for t in (text_of(p) for e in part for p in e.iter(qn("w:p"))) if t.strip()]
        for part in parts(made.rendered)
    )


def body_texts(made) -> list[str]:
    from assembler.oxml.text import text_of

    return [t for t in (text_of(p) for p in made.rendered.body.iter(qn("w:p"))) if t.strip()]


@pytest.mark.slow
def test_the_conformed_copy_accepts_to_the_new_text_and_rejects_to_the_old(tmp_path, ws, signed):
    deal, lock = signed
    new = changed(
        tmp_path,
        "year2.yaml",
        deal,
        ("people aged 65 and over", "the whole population"),
        ("dual_role_conflict: true", "dual_role_conflict: false"),
    )
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    _, old = rebuild(lock, ws)
    _, varied = rebuild(result.conformed_lock, ws)
    front, operative, execution = part_texts(old)
    executed = [t for t in execution if "....." not in t]
    preface = [
        "Conformed copy incorporating the amendments made by Deed of Variation No. 1 dated [ ]. "
        "For reference only: the executed documents prevail.",
        "Changes made by Deed of Variation No. 1 dated [ ]",
    ]
    accepted = conformed_texts(result.conformed, accept=True)
    rejected = conformed_texts(result.conformed, accept=False)
    summary = accepted[len(preface) : len(preface) + len(result.amendments)]
    assert accepted[: len(preface)] == preface and rejected[: len(preface)] == preface
    numbers = {pc.slot: pc.number for pc in old.plan.clauses + old.plan.schedules}
    where = [
        n if n.startswith("Schedule") else f"Clause {n}"
        for n in (numbers[a["at"]] for a in result.amendments)
    ]
    assert [line.split(": ", 1)[0] for line in summary] == where
    # the signed cover, parties and recitals as they were; the blocks as executed, no blanks
    rest = len(preface) + len(result.amendments)
    assert accepted[rest:] == front + part_texts(varied)[1] + executed
    assert rejected[rest:] == front + operative + executed
    with zipfile.ZipFile(result.conformed) as package:
        xml = package.read("word/document.xml").decode()
    assert 'w:author="Deed of Variation No. 1"' in xml and 'w:date="2018-04-01T00:00:00Z"' in xml


@needs_soffice()
def test_the_conformed_copy_and_the_deed_open_in_libreoffice(tmp_path, ws, signed):
    deal, lock = signed
    new = changed(tmp_path, "year2.yaml", deal, ("people aged 65 and over", "the whole population"))
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    for document in (result.conformed, result.deed.output):
        resaved = libreoffice_resave(document, tmp_path)
        assert resaved.stat().st_size > 0


@pytest.mark.slow
def test_a_party_joins_and_a_party_leaves(tmp_path, ws, signed, assert_valid):
    deal, lock = signed
    # the third-sector provider leaves and a hospice charity takes its place, contract and all
    text = re.sub(r"\bvcs\b", "hospice", deal.read_text())
    text = text.replace("[Third-sector organisation]", "[Hospice charity]")
    replaced = tmp_path / "replaced.yaml"
    replaced.write_text(text)
    new = changed(tmp_path, "year2.yaml", replaced)
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    sheet = load_deal(result.deed_deal, ws.bank.codes)
    changes = {p["id"]: p["change"] for p in sheet.data["parties"]}
    assert changes["hospice"] == "joining" and changes["vcs"] == "leaving"
    assert changes["ccg"] == "continuing"
    joined = "\n".join(deed_text(result.deed.output))
    assert "[Hospice charity]" in joined and "[Third-sector organisation]" in joined
    assert_valid(result.deed.output)
    # the conformed copy shows the original's execution as it was signed: the joining party did
    # not sign the agreement, and no signing line is left blank
    texts = deed_text(result.conformed)
    execution = texts[len(texts) - texts[::-1].index("Execution") :]
    assert not [t for t in execution if "[Hospice charity]" in t or "....." in t]
    assert any(t.startswith("Signed by") and "[Third-sector organisation]" in t for t in execution)
    assert_the_conformed_copy_is_the_deed(result, ws, lock)


@pytest.mark.slow
def test_two_variations_in_a_row_cite_the_first_and_keep_its_numbering(tmp_path, ws, signed):
    deal, lock = signed
    year2 = changed(
        tmp_path, "year2.yaml", deal, ("sanction: exclusion", 'sanction: "[to be agreed]"')
    )
    year2.write_text(
        year2.read_text().replace("  date: 2018-04-01", "  date: 2018-04-01\n  made: 2018-03-12")
    )
    first = vary(lock, year2, tmp_path / "variation-1.docx", workspace=ws)
    later = VARIATION.replace("2018-04-01", "2019-04-01")
    year3 = changed(
        tmp_path,
        "year3.yaml",
        year2,
        ("people aged 65 and over", "the whole population"),
        extra=later,
    )
    second = vary(first.conformed_lock, year3, tmp_path / "variation-2.docx", workspace=ws)
    sheet = load_deal(second.deed_deal, ws.bank.codes)
    assert sheet.data["title"] == "Deed of Variation No. 2"
    # the first deed is recited by the date it was made, not the date it took effect
    assert [v["date"].isoformat() for v in sheet.data["previous_variations"]] == ["2018-03-12"]
    assert {a["op"] for a in second.amendments} >= {"substitute_words"}
    # the first deed's "Not used" place stays as it is: the second deed does not touch it
    assert not any(a["op"] == "delete_clause_not_used" for a in second.amendments)
    deed = "\n".join(deed_text(second.deed.output))
    assert "have varied it by a deed of variation dated 12 March 2018" in deed
    conformed = conformed_texts(second.conformed, accept=True)
    assert conformed[0].startswith(
        "Conformed copy incorporating the amendments made by Deed of Variation No. 2 dated [ ]. "
        "For reference only: the executed documents prevail. It also incorporates"
    )
    assert "Deed of Variation No. 1 dated 12 March 2018" in conformed[0]
    _, varied_once = rebuild(first.conformed_lock, ws)
    _, varied_twice = rebuild(second.conformed_lock, ws)
    assert [pc.number for pc in varied_twice.plan.clauses] == [
        pc.number for pc in varied_once.plan.clauses
    ]
    history = second.conformed_lock.read_text()
    assert "variation-1.docx" in history and "variation-2.docx" in history
    assert_instructions_give_the_new_text(second, ws, first.conformed_lock)
    assert_the_conformed_copy_is_the_deed(second, ws, first.conformed_lock)


@pytest.mark.slow
def test_nothing_to_vary_and_no_variation_block_are_errors(tmp_path, ws, signed):
    deal, lock = signed
    same = changed(tmp_path, "same.yaml", deal)
    with pytest.raises(AssemblerError) as caught:
        vary(lock, same, tmp_path / "v.docx", workspace=ws)
    assert caught.value.diagnostics[0].rule == "E-var-06"
    with pytest.raises(AssemblerError) as caught:
        vary(lock, deal, tmp_path / "v.docx", workspace=ws)
    assert caught.value.diagnostics[0].rule == "E-var-07"
    assert not (tmp_path / "v.docx").exists()


@pytest.mark.slow
def test_the_year_2_example_varies_the_example_agreement_without_warnings(
    tmp_path, ws, assert_valid
):
    """The README's commands: build case study A, then vary it with the year-2 deal sheet."""
    from assembler.api import build

    signed = build(EXAMPLE, tmp_path / "over-65s-alliance.docx", workspace=ws)
    year2 = BANK / "examples" / "over-65s-alliance-year2.yaml"
    result = vary(signed.lock, year2, tmp_path / "variation-1.docx", workspace=ws)
    assert [str(w) for w in result.deed.warnings] == []
    assert ("substitute_words", "scope") in {(a["op"], a["at"]) for a in result.amendments}
    assert_instructions_give_the_new_text(result, ws, signed.lock)
    # each substitution is a whole unit: no half of a bracket, no fragment of a sentence that
    # is mostly changed, no shared punctuation at the end
    for a in result.amendments:
        for key in ("words_from", "words_to"):
            words = a.get(key, "")
            assert words.count("(") == words.count(")") and words.count("[") == words.count("]")
            assert not words.endswith((";", ",")), a
    scope = next(a for a in result.amendments if a["at"] == "scope")
    assert scope["words_from"].startswith("The Alliance covers health and social care for")
    assert_valid(result.deed.output)
    assert_valid(result.conformed)
    # the lock names its deal sheet relative to itself: the pair can be moved together
    lock = result.conformed_lock.read_text()
    assert '"path": "' in lock and str(tmp_path) not in lock.split('"path": "')[1].split('"')[0]


@pytest.mark.slow
def test_a_clause_moved_to_a_newer_bank_version_is_amended(tmp_path, ws, assert_valid):
    """Signed with the 2016 liability wording; the deal now takes the bank's current version."""
    from assembler.api import build

    pinned = changed(
        tmp_path,
        "signed.yaml",
        EXAMPLE,
        ("choices:", "pins: {liability-no-blame-with-carve-outs: 1.0.0}\nchoices:"),
        extra="",
    )
    lock = build(pinned, tmp_path / "signed.docx", workspace=ws).lock
    new = changed(
        tmp_path, "year2.yaml", pinned, ("pins: {liability-no-blame-with-carve-outs: 1.0.0}\n", "")
    )
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    changes = [a for a in result.amendments if a["at"] == "liability"]
    assert len(changes) == 1 and changes[0]["op"] in ("substitute_words", "replace_clause")
    assert_instructions_give_the_new_text(result, ws, lock)
    _, varied = rebuild(result.conformed_lock, ws)
    used = {pc.slot: pc.version for pc in varied.plan.clauses}
    assert used["liability"] != "1.0.0"
    assert_valid(result.deed.output)
    assert_the_conformed_copy_is_the_deed(result, ws, lock)


@pytest.mark.slow
def test_a_changed_paragraph_keeps_its_cross_references_and_highlighted_blanks(
    tmp_path, ws, signed
):
    """Only the words that changed are marked: the rest keeps its formatting, and a REF field
    stays a field (it still updates) rather than becoming the text it showed."""
    deal, lock = signed
    new = changed(tmp_path, "year2.yaml", deal, ("people aged 65 and over", "the whole population"))
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    with zipfile.ZipFile(result.conformed) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    paragraph = next(
        p
        for p in root.iter(qn("w:p"))
        if p.find(f".//{qn('w:ins')}") is not None
        and "".join(t.text or "" for t in p.iter(qn("w:t"))).startswith("Alliance Services")
    )
    inserted = "".join(t.text or "" for t in paragraph.iter(qn("w:t")) if _inside(t, "w:ins"))
    deleted = "".join(t.text or "" for t in paragraph.iter(qn("w:delText")))
    assert (inserted.strip(), deleted.strip()) == (
        "the whole population",
        "people aged 65 and over",
    )
    instructions = [i.text or "" for i in paragraph.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("REF _Ref") for i in instructions)
    blanks = [
        "".join(t.text or "" for t in r.iter(qn("w:t")))
        for r in paragraph.iter(qn("w:r"))
        if r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}[@{qn('w:val')}='Placeholder']") is not None
    ]
    assert "[Council]" in blanks


def _inside(node, tag: str) -> bool:
    return any(a.tag == qn(tag) for a in node.iterancestors())


@pytest.mark.slow
def test_a_party_marked_leaving_is_released_and_the_agreement_varied_without_it(
    tmp_path, ws, signed, assert_valid
):
    deal, lock = signed
    new = changed(
        tmp_path,
        "year2.yaml",
        deal,
        (
            "kind: third_sector, roles: [provider],",
            "kind: third_sector, roles: [provider], change: leaving,",
        ),
    )
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    sheet = load_deal(result.deed_deal, ws.bank.codes)
    assert {p["id"]: p["change"] for p in sheet.data["parties"]}["vcs"] == "leaving"
    text = deed_text(result.deed.output)
    assert (
        "With effect from the Variation Date, [Third-sector organisation] ceases to be a party to the Agreement."
        in text
    )
    assert "any right or liability that arose before the Variation Date;" in text
    # the agreement as varied: its own deal sheet, without the party or its service contract
    remaining = load_deal(tmp_path / "v-conformed.deal.yaml", ws.bank.codes)
    assert "vcs" not in {p["id"] for p in remaining.data["parties"]}
    assert all("vcs" not in c.values() for c in remaining.data["service_contracts"])
    # a definition is named, and a substitution never splits a party's name
    assert any("definition" in a for a in result.amendments)
    text = deed_text(result.deed.output)
    assert any(t.startswith("In clause 1.1, in the definition of \u201c") for t in text)
    for a in result.amendments:
        for key in ("words_from", "words_to"):
            words = a.get(key, "")
            assert words.count("[") == words.count("]"), a
    assert_instructions_give_the_new_text(result, ws, lock)
    assert_valid(result.conformed)
    assert_the_conformed_copy_is_the_deed(result, ws, lock)


SUCCESSION = """
variation:
  date: 2022-07-01
  original_date: 2017-04-01
  reasons: ["The Parties wish to record the change of commissioner."]
  services_change: false
  successions:
    - {party: icb, predecessor: ccg, instrument: "the Health and Care Act 2022", date: 2022-07-01}
"""


@pytest.mark.slow
def test_a_statutory_successor_is_recited_and_read_in_not_swapped_word_by_word(
    tmp_path, ws, signed, assert_valid
):
    deal, lock = signed
    text = re.sub(r"\bccg\b", "icb", deal.read_text()).replace("[CCG]", "[ICB]")
    successor = tmp_path / "successor.yaml"
    successor.write_text(text)
    result = vary(
        lock,
        changed(tmp_path, "year6.yaml", successor, extra=SUCCESSION),
        tmp_path / "v.docx",
        workspace=ws,
    )
    sheet = load_deal(result.deed_deal, ws.bank.codes)
    changes = {p["id"]: p["change"] for p in sheet.data["parties"]}
    assert changes["icb"] == "continuing" and "ccg" not in changes  # neither joins nor leaves
    # no instruction swaps the name: the law did that, and the deed recites it
    assert not [a for a in result.amendments if "[CCG]" in str(a)]
    recitals = deed_text(result.deed.output)
    assert (
        "On 1 July 2022, [ICB] took the place of [CCG] as a party to the Agreement under the "
        "Health and Care Act 2022. That change was made by law, not by this Deed, and [ICB] is a "
        "party to this Deed in its own right." in recitals
    )
    # the Agreement was made by the CCG: the deed does not say the ICB signed it in 2017, and
    # gives the successor its place from the transfer date, not the Variation Date
    assert not [t for t in recitals if "[ICB]" in t and "dated 1 April 2017" in t]
    assert any(
        t.startswith("The Over-65s") and "dated 1 April 2017 was made between [CCG], [Council]" in t
        for t in recitals
    )
    assert (
        "With effect from 1 July 2022, each reference in the Agreement to [CCG] is a reference to "
        "[ICB], which took its place on that date under the Health and Care Act 2022."
    ) in " ".join(recitals)
    # the conformed copy keeps the parties and recitals as signed: the CCG signed it
    _, old = rebuild(lock, ws)
    front = part_texts(old)[0]
    assert any("[CCG]" in t for t in front)
    accepted = conformed_texts(result.conformed, accept=True)
    assert accepted[accepted.index(front[0]) :][: len(front)] == front
    # the conformed copy does not mark the name as the deed's change
    with zipfile.ZipFile(result.conformed) as package:
        xml = package.read("word/document.xml").decode()
    deleted = "".join(re.findall(r"<w:delText[^>]*>([^<]*)<", xml))
    assert "[CCG]" not in deleted
    assert_valid(result.conformed)
    assert_the_conformed_copy_is_the_deed(result, ws, lock)


@pytest.mark.slow
def test_a_successor_of_a_body_that_was_not_a_party_is_e_var_08(tmp_path, ws, signed):
    deal, lock = signed
    successor = tmp_path / "successor.yaml"
    successor.write_text(re.sub(r"\bccg\b", "icb", deal.read_text()))
    extra = SUCCESSION.replace("predecessor: ccg", "predecessor: pct")
    new = changed(tmp_path, "y.yaml", successor, extra=extra)
    with pytest.raises(AssemblerError) as caught:
        vary(lock, new, tmp_path / "v.docx", workspace=ws)
    found = caught.value.diagnostics[0]
    assert found.rule == "E-var-08" and found.line is not None and "'pct'" in found.message
    assert not (tmp_path / "v.docx").exists()


@needs_soffice()
def test_the_redline_pdf_marks_the_changes_in_the_varied_numbering(tmp_path, ws, signed):
    import subprocess

    from assembler.variation.vary import redline_pdf

    deal, lock = signed
    new = changed(
        tmp_path,
        "year2.yaml",
        deal,
        ("sanction: exclusion", 'sanction: "[to be agreed]"'),
        ("people aged 65 and over", "the whole population"),
    )
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    pdf = redline_pdf(result.conformed)
    assert pdf == tmp_path / "v-redline.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Conformed copy incorporating the amendments made by Deed of Variation No. 1" in text
    assert "Error: Reference source not found" not in text
    assert not re.search(r"\d\[\d|^\s*\[\d", text, re.M)  # no "5.1[5.2]", no "[5.1]"
    _, varied = rebuild(result.conformed_lock, ws)
    flat = re.sub(r"\s+", " ", text)
    for pc in varied.plan.clauses:
        if pc.kind != "definitions" and pc.title != "Not used":
            assert re.search(rf"\b{pc.number}\. {re.escape(pc.title)}", flat), pc.number
    not_used = next(pc.number for pc in varied.plan.clauses if pc.title == "Not used")
    assert re.search(rf"\b{not_used}\. Wilful default and exclusion ?Not used", flat)
    # the old words and the new are both there, marked
    assert "people aged 65 and over the whole population" in flat


@needs_soffice()
def test_a_reference_into_a_clause_the_deed_omits_resolves_shown_and_rejected_in_libreoffice(
    tmp_path, ws, signed
):
    """The definition of Wilful Default cites the clause the deed omits: LibreOffice finds every
    cross-reference with the changes shown and once they are all rejected (the signed numbers)."""
    deal, lock = signed
    new = changed(
        tmp_path, "year2.yaml", deal, ("sanction: exclusion", 'sanction: "[to be agreed]"')
    )
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    _, old = rebuild(lock, ws)
    wilful = next(pc.number for pc in old.plan.clauses if pc.slot == "wilful-default")
    shown = pdf_text(result.conformed)
    rejected = pdf_text(libreoffice_accept_all(result.conformed, tmp_path, reject=True))
    for text in (shown, rejected):
        assert "Reference source not found" not in text
    flat = re.sub(r"\s+", " ", rejected)
    assert (
        f"within the period in clause {wilful}.2 after receiving a notice of it under clause {wilful}.1"
        in flat
    )


@pytest.mark.slow
def test_the_signed_docx_alone_is_enough_to_vary(tmp_path, ws, signed):
    deal, lock = signed
    new = changed(tmp_path, "year2.yaml", deal, ("people aged 65 and over", "the whole population"))
    docx = lock.with_suffix("").with_suffix(".docx")
    kept = deal.read_bytes()
    deal.unlink()
    lock.unlink()  # only the signed document is left
    out = tmp_path / "out" / "v.docx"
    out.parent.mkdir()
    result = vary(docx, new, out, workspace=ws)
    assert (out.parent / "v.signed.yaml").read_bytes() == kept  # the deal sheet it carried
    sheet = load_deal(result.deed_deal, ws.bank.codes)
    assert (result.deed_deal.parent / sheet.data["original"]["deal"]).resolve() == (
        out.parent / "v.signed.yaml"
    ).resolve()
    assert ("substitute_words", "scope") in {(a["op"], a["at"]) for a in result.amendments}


def test_a_signed_docx_edited_after_generation_is_reported_before_a_deed_is_drawn(
    tmp_path, ws, signed
):
    deal, lock = signed
    docx = lock.with_suffix("").with_suffix(".docx")
    with zipfile.ZipFile(docx) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["word/document.xml"].decode()
    assert "The Alliance covers" in xml
    parts["word/document.xml"] = xml.replace(
        "The Alliance covers", "The Alliance includes"
    ).encode()
    edited = tmp_path / "edited.docx"
    with zipfile.ZipFile(edited, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    new = changed(tmp_path, "year2.yaml", deal, ("people aged 65 and over", "the whole population"))
    _, old = rebuild(lock, ws)
    scope = next(pc.number for pc in old.plan.clauses if pc.slot == "scope")
    with pytest.raises(AssemblerError) as caught:
        vary(edited, new, tmp_path / "v.docx", workspace=ws)
    found = caught.value.diagnostics[0]
    assert found.rule == "E-var-09" and f"clause {scope})" in found.message
    assert not (tmp_path / "v.docx").exists()


@pytest.mark.slow
def test_a_provision_the_change_may_make_false_is_a_located_warning(tmp_path, ws, signed):
    deal, lock = signed
    new = changed(tmp_path, "year2.yaml", deal, ("people aged 65 and over", "the whole population"))
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    _, old = rebuild(lock, ws)
    finance = next(pc.number for pc in old.plan.clauses if pc.slot == "finance")
    scope = next(pc.number for pc in old.plan.clauses if pc.slot == "scope")
    traced = [w for w in result.deed.warnings if w.rule == "W-var-02"]
    assert {w.severity for w in traced} == {"warning"}
    lines = new.read_text().splitlines()
    spent = [w for w in traced if "still reads" in w.message]
    cohort = next(i for i, t in enumerate(lines, 1) if "cohort:" in t)
    assert [(w.file, w.line) for w in spent] == [(str(new), cohort)]
    assert f"still reads 'people aged 65 and over' in clause {finance}.3" in spent[0].message
    # a figure the change leaves beside the changed words: the over-65s estimate, which the
    # plan knows the scope clause read with the cohort that changed
    beside = [w for w in traced if "changes with" in w.message]
    size = next(i for i, t in enumerate(lines, 1) if "estimated_size:" in t)
    assert [(w.file, w.line) for w in beside] == [(str(new), size)]
    assert beside[0].message.startswith(
        f"clause {scope}.1 changes with population.cohort and still gives "
        "population.estimated_size (50,000), which the variation does not change"
    )
    # the drafters may record that they have considered it
    considered = changed(
        tmp_path,
        "considered.yaml",
        new,
        ("\nacknowledge:", "\nacknowledge:\n  W-var-02: first-year arrangements"),
        extra=VARIATION,
    )
    again = vary(lock, considered, tmp_path / "w.docx", workspace=ws)
    assert not [w for w in again.deed.warnings if w.rule == "W-var-02"]


ACCEPT_ALL = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Sub AcceptAll(sIn As String, sOut As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden" : args(0).Value = True
  oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), "_blank", 0, args())
  oDisp = createUnoService("com.sun.star.frame.DispatchHelper")
  oDisp.executeDispatch(oDoc.getCurrentController().getFrame(), _
    ".uno:AcceptAllTrackedChanges", "", 0, Array())
  Dim p(0) As New com.sun.star.beans.PropertyValue
  p(0).Name = "FilterName" : p(0).Value = "MS Word 2007 XML"
  oDoc.storeToURL(ConvertToURL(sOut), p())
  oDoc.close(True)
End Sub
</script:module>
"""


def libreoffice_accept_all(docx: Path, tmp_path: Path, *, reject: bool = False) -> Path:
    """Accept (or reject) every tracked change in LibreOffice (Edit > Track Changes > Accept
    All, Reject All) and save."""
    import subprocess

    profile = tmp_path / ("lo-reject" if reject else "lo-accept")
    run = ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless"]
    subprocess.run([*run, "--terminate_after_init"], capture_output=True, timeout=180)
    macro = ACCEPT_ALL.replace("AcceptAllTracked", "RejectAllTracked") if reject else ACCEPT_ALL
    (profile / "user" / "basic" / "Standard" / "Module1.xba").write_text(macro)
    settled = tmp_path / ("rejected.docx" if reject else "accepted.docx")
    command = f'macro:///Standard.Module1.AcceptAll("{docx}","{settled}")'
    subprocess.run([*run, command], capture_output=True, timeout=180)
    assert settled.is_file(), "LibreOffice did not accept or reject the changes"
    return settled


def pdf_text(docx: Path) -> str:
    import subprocess

    from assembler.package.export import to_pdf

    pdf = to_pdf(docx)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@needs_soffice()
def test_accepting_all_in_libreoffice_gives_the_fresh_builds_numbers(tmp_path, ws, signed):
    deal, lock = signed
    new = changed(
        tmp_path,
        "year2.yaml",
        deal,
        ("sanction: exclusion", 'sanction: "[to be agreed]"'),
        ("people aged 65 and over", "the whole population"),
    )
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    accepted = pdf_text(libreoffice_accept_all(result.conformed, tmp_path))
    _, varied = rebuild(result.conformed_lock, ws)  # the agreement as varied, built afresh
    assert "Error: Reference source not found" not in accepted
    flat = re.sub(r"\s+", " ", accepted.split("Execution")[0])
    for pc in varied.plan.clauses:
        if pc.kind != "definitions":
            assert re.search(rf"\b{pc.number}\. {re.escape(pc.title)}", flat), (pc.number, pc.title)
    assert not re.search(r"\d\[\d|^\s*\[\d", accepted, re.M)
    not_used = next(pc.number for pc in varied.plan.clauses if pc.title == "Not used")
    assert re.search(rf"\b{not_used}\. Not used {int(not_used) + 1}\. ", flat)


@pytest.mark.slow
def test_a_derived_value_is_derived_again_not_edited_as_words(tmp_path, ws, signed):
    """The term's total (transition + later years) is worked out by the clauses: changing the
    later years changes every provision that prints either figure, and nothing else."""
    deal, lock = signed
    new = changed(
        tmp_path, "year2.yaml", deal, ("post_transition_years: 9", "post_transition_years: 4")
    )
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    before, after = assert_instructions_give_the_new_text(result, ws, lock)
    lasts = [t for s in after.values() for t in s.texts if "lasts 5 years in all" in t]
    assert lasts  # the total, derived again
    assert not [t for s in after.values() for t in s.texts if "10 years" in t]
    # the tracked changes touch only the provisions the deed names
    touched = {a["at"] for a in result.amendments}
    assert touched == {slot for slot in before if before[slot].texts != after[slot].texts}
    # the plan records which clauses read the value: the deed amends those, and only those
    _, varied = rebuild(result.conformed_lock, ws)
    readers = {pc.slot for pc in varied.plan.readers("term.post_transition_years")}
    assert touched and touched <= readers
    planned = {pc.slot: pc for pc in varied.plan.all_clauses()}
    assert "deal.population.cohort" in planned["scope"].reads
    assert not planned["liability"].reads_value("population.cohort")
    # the lock records them
    slots = {s["slot"]: s for s in yaml_safe(result.conformed_lock)["slots"]}
    assert "deal.term.post_transition_years" in slots["key-information"]["reads"]
    assert_the_conformed_copy_is_the_deed(result, ws, lock)


COUNCIL_NO_LONGER_PROVIDES = (
    "kind: local_authority, roles: [commissioner, provider],\n     dual_role_conflict: true,",
    "kind: local_authority, roles: [commissioner],\n     dual_role_conflict: false,",
)
IN_HOUSE_SLA = "  - {id: sla_la_la, form: service_level_agreement, commissioner: la, provider: la, internal: true}\n"


@pytest.mark.slow
def test_a_role_clause_omitted_while_the_deal_still_names_the_party_in_that_role_is_w_var_03(
    tmp_path, ws, signed
):
    """The Council stops being a provider, so the conflicts clause and protocol (for a party
    that is both commissioner and provider) go; but its in-house service level agreement still
    names it as provider: each omission is warned, naming the clause and the role, at the
    agreement that still relies on it."""
    deal, lock = signed
    new = changed(tmp_path, "year2.yaml", deal, COUNCIL_NO_LONGER_PROVIDES)
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    _, old = rebuild(lock, ws)
    numbers = {pc.slot: pc.number for pc in old.plan.clauses + old.plan.schedules}
    omitted = [a["at"] for a in result.amendments if a["op"] == "delete_clause_not_used"]
    warned = [w for w in result.deed.warnings if w.rule == "W-var-03"]
    assert omitted and len(warned) == len(omitted)
    for slot, warning in zip(omitted, warned, strict=True):
        assert numbers[slot] in warning.message and "no longer a provider" in warning.message
    assert "clause " + numbers["conflicts"] in warned[0].message
    sla = next(i for i, t in enumerate(new.read_text().splitlines(), 1) if "sla_la_la" in t)
    assert {(w.file, w.line) for w in warned} == {(str(new), sla)}
    assert "service_contracts[4].provider" in warned[0].message


@pytest.mark.slow
def test_a_joining_party_named_in_a_role_it_is_not_marked_with_is_w_var_03(tmp_path, ws, signed):
    """The conflicts clause goes with the Council's provider role, but a hospice that joins is
    named as the provider of a service contract without the provider role."""
    deal, lock = signed
    text = re.sub(r"\bvcs\b", "hospice", deal.read_text()).replace(IN_HOUSE_SLA, "")
    text = text.replace(
        '"[Third-sector organisation]", kind: third_sector, roles: [provider]',
        '"[Hospice charity]", kind: third_sector, roles: [commissioner]',
    )
    replaced = tmp_path / "replaced.yaml"
    replaced.write_text(text)
    new = changed(tmp_path, "year2.yaml", replaced, COUNCIL_NO_LONGER_PROVIDES)
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    warned = [w for w in result.deed.warnings if w.rule == "W-var-03"]
    assert warned and all(
        "[Hospice charity] is not marked as a provider" in w.message for w in warned
    )
    contract = next(
        i for i, t in enumerate(new.read_text().splitlines(), 1) if "provider: hospice" in t
    )
    assert {w.line for w in warned} == {contract}


@pytest.mark.slow
def test_a_role_given_up_with_everything_that_named_the_party_in_it_is_not_warned(
    tmp_path, ws, signed
):
    deal, lock = signed
    new = changed(tmp_path, "year2.yaml", deal, COUNCIL_NO_LONGER_PROVIDES, (IN_HOUSE_SLA, ""))
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    assert "conflicts" in {
        a["at"] for a in result.amendments if a["op"] == "delete_clause_not_used"
    }
    assert not [w for w in result.deed.warnings if w.rule == "W-var-03"]


def without_first_year_aims_with_eligibility(tmp_path: Path, deal: Path) -> Path:
    """Year 2: the first-year aims are spent (their provisions go) and eligibility criteria are
    agreed (a provision is inserted after the population's)."""
    text = re.sub(r"  year1_service_aims: \[[^\]]*\][^\n]*\n", "", deal.read_text())
    cohort = '  cohort: "people aged 65 and over living in the area of [Council]"'
    assert cohort in text
    text = text.replace(cohort, cohort + '\n  eligibility_criteria: "[the eligibility criteria]"')
    base = tmp_path / "base-year2.yaml"
    base.write_text(text)
    return changed(tmp_path, "year2.yaml", base)


def touched_headings(docx: Path) -> set[str]:
    """The headings of the clauses and schedules holding a tracked change."""
    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    heading, found = "", set()
    for p in root.iter(qn("w:p")):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) in ("ClauseHeading", "ScheduleHeading"):
            heading = "".join(t.text or "" for t in p.iter(qn("w:t")))
        if p.find(f".//{qn('w:ins')}") is not None or p.find(f".//{qn('w:del')}") is not None:
            found.add(heading)
    return found


@pytest.mark.slow
def test_a_provision_omitted_or_inserted_keeps_the_numbers_the_deed_gives(
    tmp_path, ws, signed, assert_valid
):
    deal, lock = signed
    new = without_first_year_aims_with_eligibility(tmp_path, deal)
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    _, old = rebuild(lock, ws)
    numbers = {pc.slot: pc.number for pc in old.plan.clauses}
    scope, objectives = numbers["scope"], numbers["objectives"]
    text = deed_text(result.deed.output)
    assert (
        f"Omit clause {objectives}.2, leaving its number in place marked \u201cNot used.\u201d"
        in text
    )
    inserted = text.index(f"After clause {scope}.1 insert:")
    assert text[inserted + 1] == (
        f"\u201c{scope}.1A Who is eligible for the Alliance Services is decided in accordance "
        "with these eligibility criteria: [the eligibility criteria].\u201d"
    )
    # the deed's instructions on the signed text give the agreement as varied, numbers included
    _, varied = rebuild(result.conformed_lock, ws)
    before, after = (
        sections(old.plan, old.rendered.laid_out),
        sections(varied.plan, varied.rendered.laid_out),
    )
    applied = apply_numbered(before, result.amendments)
    for a in result.amendments:
        assert applied[a["at"]] == [(n, t) for n, _, t in after[a["at"]].paragraphs], a["at"]
    got = [(n, t) for n, _, t in after["objectives"].paragraphs if "(" not in n]
    assert [n for n, _ in got[:3]] == [f"{objectives}.{i}" for i in (1, 2, 3)]
    assert got[1][1] == "Not used." and got[2][1].startswith("The Parties have identified")
    assert [n for n, _, _ in after["scope"].paragraphs][:3] == [
        f"{scope}.1",
        f"{scope}.1A",
        f"{scope}.2",
    ]
    assert_instructions_give_the_new_text(result, ws, lock)
    # the conformed copy: accept all gives the fresh build; the changes are where the deed says
    accepted = conformed_texts(result.conformed, accept=True)
    operative = part_texts(varied)[1]
    start = accepted.index(operative[0])
    assert accepted[start : start + len(operative)] == operative
    named = {pc.title for pc in old.plan.clauses if pc.slot in {a["at"] for a in result.amendments}}
    assert touched_headings(result.conformed) == named
    assert_valid(result.deed.output)
    assert_valid(result.conformed)
    # a second variation keeps those numbers and does not touch them again
    later = VARIATION.replace("2018-04-01", "2019-04-01")
    year3 = changed(
        tmp_path,
        "year3.yaml",
        new,
        ("people aged 65 and over", "the whole population"),
        extra=later,
    )
    second = vary(result.conformed_lock, year3, tmp_path / "v2.docx", workspace=ws)
    assert not [a for a in second.amendments if a["op"] in ("omit_provision", "insert_provision")]
    _, twice = rebuild(second.conformed_lock, ws)
    again = sections(twice.plan, twice.rendered.laid_out)
    for slot in ("scope", "objectives"):
        assert [n for n, _, _ in again[slot].paragraphs] == [
            n for n, _, _ in after[slot].paragraphs
        ]
    assert_instructions_give_the_new_text(second, ws, result.conformed_lock)


@pytest.mark.slow
def test_the_words_that_hold_an_omitted_place_are_the_house_styles(tmp_path, signed):
    """A firm's house-style.yaml words the places a deed empties (a clause, a provision); the
    deed's instructions still find the omitted provision by the layout, not by its words."""
    templates = tmp_path / "templates"
    shutil.copytree(BANK / "templates", templates)
    style = templates / "house-style.yaml"
    text = style.read_text()
    for key, word in (("not_used_clause", "Intentionally blank"), ("not_used_provision", "Blank.")):
        text, count = re.subn(rf"(?m)^(  {key}):.*$", rf"\1: {word}", text)
        assert count == 1
    style.write_text(text)
    firm = Workspace.open(BANK, templates)
    deal, lock = signed
    base = without_first_year_aims_with_eligibility(tmp_path, deal)
    new = changed(
        tmp_path, "firm.yaml", base, ("sanction: exclusion", 'sanction: "[to be agreed]"')
    )
    result = vary(lock, new, tmp_path / "v.docx", workspace=firm)
    ops = {(a["op"], a["at"]) for a in result.amendments}
    assert ("omit_provision", "objectives") in ops
    assert ("delete_clause_not_used", "wilful-default") in ops
    _, varied = rebuild(result.conformed_lock, firm)
    after = sections(varied.plan, varied.rendered.laid_out)
    objectives = after["objectives"]
    assert [t for n, _, t in objectives.paragraphs if n == f"{objectives.number}.2"] == ["Blank."]
    assert after["wilful-default"].title == "Intentionally blank"
    accepted = conformed_texts(result.conformed, accept=True)
    assert "Blank." in accepted and "Not used." not in accepted


def test_a_house_style_without_the_newer_words_still_loads(tmp_path):
    from assembler.bank.housedata import load_house_data

    templates = tmp_path / "templates"
    shutil.copytree(BANK / "templates", templates)
    style = templates / "house-style.yaml"
    style.write_text(re.sub(r"(?m)^  not_used_\w+:.*\n", "", style.read_text()))
    words = load_house_data(templates).words
    assert (words.not_used_clause, words.not_used_provision) == ("Not used", "Not used.")


@needs_soffice()
def test_libreoffice_accepts_an_inserted_provision_with_the_deeds_number(tmp_path, ws, signed):
    deal, lock = signed
    new = without_first_year_aims_with_eligibility(tmp_path, deal)
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    _, old = rebuild(lock, ws)
    numbers = {pc.slot: pc.number for pc in old.plan.clauses}
    scope, objectives = numbers["scope"], numbers["objectives"]
    flat = re.sub(r"\s+", " ", pdf_text(libreoffice_accept_all(result.conformed, tmp_path)))
    assert f"{scope}.1A Who is eligible for the Alliance Services" in flat
    assert f"{scope}.2 The Alliance Services are" in flat
    assert f"{objectives}.2 Not used. {objectives}.3 The Parties have identified" in flat


@pytest.mark.slow
def test_an_item_removed_substitutes_its_provision_not_the_clause_or_schedule(
    tmp_path, ws, signed, assert_valid
):
    """Capitation is no longer planned: the provision listing the mechanisms (and the transition
    plan's paragraph) is substituted with its items; the rest of the clause and schedule stay."""
    deal, lock = signed
    new = changed(
        tmp_path, "year2.yaml", deal, ("    - {mechanism: capitation, status: planned}\n", "")
    )
    result = vary(lock, new, tmp_path / "v.docx", workspace=ws)
    _, old = rebuild(lock, ws)
    numbers = {pc.slot: pc.number for pc in old.plan.clauses + old.plan.schedules}
    ops = [(a["op"], a["at"], a.get("provision")) for a in result.amendments]
    assert ("replace_provision", "transition", "1.1") in ops
    assert [op for op in ops if op[1] == "finance"] == [("replace_provision", "finance", "4")]
    text = deed_text(result.deed.output)
    start = text.index(f"For clause {numbers['finance']}.4 substitute:")
    assert text[start + 1].startswith("\u201cDuring the Transition Period the Parties must work")
    assert text[start + 2].startswith("(a) outcome-based payment")
    assert f"For paragraph 1.1 of {numbers['transition']} substitute:" in text
    assert not [t for t in text if "capitation" in t]
    assert_instructions_give_the_new_text(result, ws, lock)
    assert_the_conformed_copy_is_the_deed(result, ws, lock)
    assert_valid(result.deed.output)
