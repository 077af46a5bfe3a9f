"""The examples' facts point into the seeds: every `# src:` comment in an example deal sheet names a
seed that exists and a chapter, section, table or figure that the seed has, and any words it quotes
occur in that seed. The seeds are research texts kept outside the repository (shared/seeds); their
headings are recorded in tests/fixtures/seed-headings.yaml, checked against the seeds themselves
wherever they are present ($ASSEMBLER_SEEDS, or ../shared/seeds beside the checkout)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import BANK

HEADINGS_FILE = Path(__file__).parent / "fixtures" / "seed-headings.yaml"
EXAMPLES = sorted((BANK / "examples").glob("*.yaml"))
#: where a pointer names a place: "ch5", "§3", "s3", "Table 8", "Figure 2"
LOCATOR = re.compile(r"\b(?:(ch|§|s)\s?(\d+)|(Table|Figure)\s(\d+))\b")
SEED = re.compile(r"(?<![\w.])(\d{3})(?![\w.])")
QUOTED = re.compile(r"[\"“]([^\"”]+)[\"”]")


def seeds_folder() -> Path | None:
    for candidate in (
        os.environ.get("ASSEMBLER_SEEDS"),
        Path(__file__).resolve().parents[2] / "shared" / "seeds",
    ):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def headings_of(text: str) -> dict[str, list[int]]:
    """The numbered places of a seed: chapters or numbered sections ("parts"), tables, figures."""
    found: dict[str, set[int]] = {"parts": set(), "tables": set(), "figures": set()}
    for line in text.splitlines():
        plain = re.sub(r"<[^>]+>|[#*_]", "", line).strip()
        if (
            (m := re.match(r"Chapter (\d+)\b", plain))
            or (m := re.match(r"(\d{1,2})\.? +[A-Z][^.]*$", plain))
            and len(plain) < 80
        ):
            found["parts"].add(int(m[1]))
        if m := re.match(r"(Table|Figure) (\d+)\b", plain):
            found["tables" if m[1] == "Table" else "figures"].add(int(m[2]))
    return {kind: sorted(numbers) for kind, numbers in found.items()}


def spans(text: str) -> dict[tuple[str, int], str]:
    """The text of each numbered place of a seed: a chapter or section runs from its heading (the
    last short line naming it: contents lists come first) to the next one; a table or figure from
    its caption to the next caption or chapter, at most 40 lines."""
    lines = text.splitlines()
    starts: dict[tuple[str, int], int] = {}
    for i, line in enumerate(lines):
        plain = re.sub(r"<[^>]+>|[#*_]", "", line).strip()
        if len(plain) >= 100:
            continue
        if m := re.match(r"Chapter (\d+)\b", plain) or re.match(
            r"(\d{1,2})\.? +[A-Z][^.]*$", plain
        ):
            starts[("parts", int(m[1]))] = i
        if m := re.match(r"(Table|Figure) (\d+)\b", plain):
            starts[("tables" if m[1] == "Table" else "figures", int(m[2]))] = i
    parts = sorted(i for (kind, _), i in starts.items() if kind == "parts") + [len(lines)]
    every = sorted(starts.values()) + [len(lines)]
    found = {}
    for (kind, number), i in starts.items():
        after = parts if kind == "parts" else every
        end = min(j for j in after if j > i)
        end = end if kind == "parts" else min(end, i + 40)
        found[(kind, number)] = "\n".join(lines[i:end])
    return found


def recorded() -> dict[str, dict[str, list[int]]]:
    return dict(YAML(typ="safe").load(HEADINGS_FILE))


@dataclass(frozen=True)
class Pointer:
    example: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.example}:{self.line}: src: {self.text}"


def pointers(path: Path) -> list[Pointer]:
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        comment = line.partition("#")[2]
        if m := re.search(
            r"(?<!`# )src:(?!`)", comment
        ):  # not where a comment names the convention
            found.append(Pointer(path.name, number, comment[m.end() :].strip()))
    return found


KINDS = {"ch": "parts", "§": "parts", "s": "parts", "Table": "tables", "Figure": "figures"}


@dataclass(frozen=True)
class Place:
    seed: str | None  # the seed's three-digit number
    kind: str | None  # parts, tables, figures; None for the seed as a whole
    number: int | None
    written: str


def places(pointer: Pointer) -> list[Place]:
    """The places a pointer names, each under the seed named last before it (asides left out)."""
    text = re.sub(r"\([^)]*\)?", " ", pointer.text)  # asides and the quotes they hold
    seed: str | None = None
    found = []
    for token in re.finditer(rf"{SEED.pattern}|{LOCATOR.pattern}", text):
        if token[1]:
            seed = token[1]
            found.append(Place(seed, None, None, token[0]))
        else:
            number = int(token[3] or token[5])
            found.append(Place(seed, KINDS[token[2] or token[4]], number, token[0]))
    return found


def problems(pointer: Pointer, headings: dict[str, dict[str, list[int]]]) -> list[str]:
    """What does not hold in one pointer: an unknown seed, a place the seed lacks, no seed at all."""
    by_number = {name[:3]: name for name in headings}
    errors = []
    for place in places(pointer):
        if place.seed is None:
            errors.append(f"{place.written!r} names no seed")
        elif place.seed not in by_number:
            errors.append(f"no seed {place.seed}")
        elif place.kind and place.number not in headings[by_number[place.seed]][place.kind]:
            errors.append(f"seed {by_number[place.seed]} has no {place.written}")
    if not any(p.seed in by_number for p in places(pointer)):
        errors.append("names no seed (a seed's number, then its chapter, section or table)")
    return errors


def all_pointers() -> list[Pointer]:
    return [p for example in EXAMPLES for p in pointers(example)]


def test_the_examples_carry_pointers():
    assert len(all_pointers()) > 200


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_pointer_names_a_seed_and_a_place_in_it(example):
    headings = recorded()
    broken = [f"{p}: {'; '.join(e)}" for p in pointers(example) if (e := problems(p, headings))]
    assert broken == []


@pytest.mark.parametrize(
    "text",
    [
        "001 ch14",  # 001 has 13 chapters
        "001 Table 14",
        "005 ch1",  # no such seed
        "000 ch1",  # 000 has no numbered chapters, only tables and figures
        "002 Table 1",
        "Template 10.7/10.8",  # not a seed
        "contracting-model.md 7.1",  # a brief drawn from the seeds, not a seed
        "ch5",
    ],
)
def test_a_broken_pointer_is_found(text):
    assert problems(Pointer("x.yaml", 1, text), recorded())


def test_a_pointer_may_name_several_places_and_asides():
    ok = '002 §3 ("at least quarterly"); 001 ch5, ch10 (about 23-25%, c£2.8m); Table 8'
    assert problems(Pointer("x.yaml", 1, ok), recorded()) == []


SEEDS = seeds_folder()
needs_seeds = pytest.mark.skipif(SEEDS is None, reason="the seeds are not on this machine")


@needs_seeds
def test_the_recorded_headings_are_the_seeds_headings():
    assert SEEDS is not None
    actual = {p.name: headings_of(p.read_text()) for p in sorted(SEEDS.glob("*.txt"))}
    assert recorded() == actual


def _plain(text: str) -> str:
    text = re.sub(r"<[^>]+>|[*_]", " ", text).replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).lower()


def unfound_quotes(pointer: Pointer, seeds: dict[str, str]) -> list[str]:
    """The quotations of a pointer not found in a place it names: the chapter, section or table
    (the whole seed when it names the seed alone). Words elided with "..." may stand apart."""
    named = [p for p in places(pointer) if p.seed in seeds]
    located = [_plain(spans(seeds[p.seed]).get((p.kind, p.number), "")) for p in named if p.kind]
    texts = located or [_plain(seeds[p.seed]) for p in named]
    unfound = []
    for quote in QUOTED.findall(pointer.text):
        parts = [_plain(part).strip() for part in re.split(r"\.\.\.|…", quote)]
        if not any(all(part in text for part in parts if part) for text in texts):
            unfound.append(quote)
    return unfound


def seed_texts() -> dict[str, str]:
    assert SEEDS is not None
    return {p.name[:3]: p.read_text() for p in SEEDS.glob("*.txt")}


@needs_seeds
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
@pytest.mark.slow(keep_first=True)
def test_words_a_pointer_quotes_occur_in_a_place_it_names(example):
    seeds = seed_texts()
    missing = [f"{p}: {q!r}" for p in pointers(example) for q in unfound_quotes(p, seeds)]
    assert missing == []


@needs_seeds
@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('001 ch8 ("approximately £350,000")', True),
        ('001 ch9 ("approximately £350,000")', False),  # the right seed, the wrong chapter
        ('001 Table 4 ("April 2018 ... Deed of Variation signed")', True),
        ('001 Table 5 ("April 2018 ... Deed of Variation signed")', False),
        ('002 ("approximately £350,000")', False),
    ],
)
def test_a_quotation_is_looked_for_where_the_pointer_says(text, found):
    assert (unfound_quotes(Pointer("x.yaml", 1, text), seed_texts()) == []) is found
