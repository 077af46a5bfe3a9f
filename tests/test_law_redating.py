"""Every example re-dated to today: with the bodies and regimes in force today it is clean as a
final build; kept with a body the bank's law register (law.yaml) has abolished, it fails with an
E-law rule whose hint names the body in force today in its place. Parametrised from the examples
folder and the register, so a new example or register entry is covered without a test edit."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from assembler.bank.law import LawRegister
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.pipeline.check import check

from conftest import BANK

TODAY = dt.date.today()
EXAMPLES = sorted((BANK / "examples").glob("*.yaml"))
REGISTER = LawRegister.load(BANK / "law.yaml")
ABOLISHED = [e.id for e in REGISTER.entries.values() if e.kind == "body" and e.end]
KIND = re.compile(r"(?<![\w.])kind: (\w+)")
REGIMES = re.compile(r"(?m)^(\s*regimes: )\[([^\]]*)\]")


def current(entry_id: str) -> str:
    """The id in force today in an entry's place: itself, or its successor (through a chain)."""
    entry = REGISTER.get(entry_id)
    if entry is None or entry.in_force(TODAY):
        return entry_id
    successor = REGISTER.successor_on(entry, TODAY)
    assert successor, f"{entry_id} has no successor in force today"
    return successor.id


def redated(example: Path, tmp_path: Path, first_party_kind: str | None = None) -> Path:
    """The example dated today, its bodies and regimes today's (or its first party's legal form
    replaced), a deed's original agreement named by its path."""
    text = re.sub(r"(?m)^effective_date: \S+", f"effective_date: {TODAY}", example.read_text())
    text = re.sub(r"(?m)^(variation:.*\n  date: )\S+", rf"\g<1>{TODAY}", text)  # a deal as varied
    text = KIND.sub(lambda m: f"kind: {current(m[1])}", text)
    text = REGIMES.sub(
        lambda m: m[1] + "[" + ", ".join(current(r.strip()) for r in m[2].split(",")) + "]", text
    )
    text = re.sub(r"(?m)^(\s+deal: )(\S+\.yaml)", lambda m: m[1] + str(example.parent / m[2]), text)
    if first_party_kind:
        start = text.index("\nparties:")
        kind = KIND.search(text, start)
        assert kind
        text = text[: kind.start()] + f"kind: {first_party_kind}" + text[kind.end() :]
    path = tmp_path / example.name
    path.write_text(text)
    return path


def findings(path: Path, workspace) -> list[Diagnostic]:
    try:
        return list(check(path, workspace).diagnostics)
    except AssemblerError as error:
        return list(error.diagnostics)


def test_the_register_has_abolished_bodies_and_every_one_has_a_successor_today():
    assert {"ccg", "pct", "sha", "monitor", "nhs_tda"} <= set(ABOLISHED)
    for body in ABOLISHED:
        assert current(body) != body


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.slow(keep_first=True)
def test_an_example_re_dated_today_with_todays_bodies_is_clean(example, tmp_path, workspace):
    path = redated(example, tmp_path)
    assert f"effective_date: {TODAY}" in path.read_text()
    assert [str(d) for d in findings(path, workspace)] == []


@pytest.mark.parametrize("body", ABOLISHED)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.slow(keep_first=True)
def test_an_example_re_dated_today_with_an_abolished_body_names_its_successor(
    example, body, tmp_path, workspace
):
    path = redated(example, tmp_path, first_party_kind=body)
    found = findings(path, workspace)
    successor = REGISTER.entries[current(body)]
    law = [d for d in found if d.rule == "E-law-01"]
    assert law, [str(d) for d in found]
    assert successor.name in (law[0].hint or "") and successor.id in (law[0].hint or "")
    assert law[0].file == str(path) and law[0].line


ENDED_REGIMES = [e.id for e in REGISTER.entries.values() if e.kind == "regime" and e.end]
WITH_REGIMES = [e for e in EXAMPLES if REGIMES.search(e.read_text())]


def test_some_examples_name_procurement_regimes_and_some_regimes_have_ended():
    assert WITH_REGIMES and ENDED_REGIMES


@pytest.mark.parametrize("regime", ENDED_REGIMES)
@pytest.mark.parametrize("example", WITH_REGIMES, ids=lambda p: p.stem)
def test_an_example_re_dated_today_with_an_ended_regime_names_its_successor(
    example, regime, tmp_path, workspace
):
    path = redated(example, tmp_path)
    path.write_text(REGIMES.sub(lambda m: f"{m[1]}[{regime}]", path.read_text(), count=1))
    successor = REGISTER.entries[current(regime)]
    law = [d for d in findings(path, workspace) if d.rule == "E-law-02"]
    assert law and successor.name in (law[0].hint or "")
