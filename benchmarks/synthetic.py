"""A synthetic workspace of N clauses, written once per size before anything is timed.

Every route builds the same document from its own inputs, all generated here from one description
of each clause (:func:`clause_specs`): the engine gets a clause bank, an outline and a deal sheet;
route (b) one docxtpl template per clause; route (c) one Markdown Jinja template per clause; the
floor the already-resolved text. ``expected.json`` records that resolved text, which is what the
completeness check compares every output against.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from assembler.bank.project import HOUSE_BANK

ROOT = Path(__file__).resolve().parents[1]
BANK = HOUSE_BANK
HOUSE_STYLE = BANK / "templates" / "house-style.docx"
LEGAL_FORMS = BANK / "templates" / "legal-forms.yaml"

#: Party names with the two characters that break naive escaping (docx-pitfalls.md, pitfall 1).
PROVIDER = 'Smith & Jones "Community" Ltd'
COMMISSIONER = 'Northshire & District "Care" Council'
COHORT = "people aged 65 and over living in Northshire"
DATE_ISO, DATE_LONG = "2027-04-01", "1 April 2027"
BOARD = "Alliance Leadership Board"
TITLE = "Synthetic Alliance Agreement"
TOPICS = (
    "Shared outcomes",
    "Information duties",
    "Workforce planning",
    "Service changes",
    "Quality reporting",
    "Estates",
    "Digital records",
)

#: Token -> (engine Jinja, peer Jinja, resolved text). Cross-references are added per clause.
VALUES = {
    "P1": ("{{ party('alpha').name }}", "{{ party1 }}", PROVIDER),
    "P2": ("{{ party('beta').name }}", "{{ party2 }}", COMMISSIONER),
    "COHORT": ("{{ deal.population.cohort }}", "{{ cohort }}", COHORT),
    "DATE": ("{{ deal.effective_date | longdate }}", "{{ date }}", DATE_LONG),
    "BOARD": ("{{ body('board').name }}", "{{ board }}", BOARD),
    "LABEL": ("{{ label('duty') }}", "", ""),
}
TOKEN = re.compile(r"<<([A-Z0-9_]+)>>")
#: Draft-text marker of each fragment style (docs/authoring.md, "Draft text files").
MARKER = {"Clause 2": "1.1 ", "Clause 3": "(a) ", "List Bullet": "* ", "Body Text": ""}


@dataclass(frozen=True)
class ClauseSpec:
    """One clause: its id, title and paragraphs as (style, text with <<TOKENS>>)."""

    number: int
    id: str
    title: str
    paragraphs: tuple[tuple[str, str], ...]
    #: token -> (engine, peer, resolved) for this clause's cross-references
    refs: dict[str, tuple[str, str, str]]

    def render(self, which: int) -> list[tuple[str, str]]:
        """The paragraphs with tokens replaced: 0 engine Jinja, 1 peer Jinja, 2 resolved text."""
        table = {**VALUES, **self.refs}
        return [
            (style, TOKEN.sub(lambda m: table[m.group(1)][which], text))
            for style, text in self.paragraphs
        ]


def clause_id(number: int) -> str:
    return f"clause-{number:04d}"


def clause_specs(n: int) -> list[ClauseSpec]:
    """N clauses: 2-4 numbered paragraphs, a lettered list in every 4th clause, a bulleted list in
    every 3rd, and two cross-references each (to a clause and to a labelled paragraph)."""
    return [_spec(i, n) for i in range(1, n + 1)]


def _spec(i: int, n: int) -> ClauseSpec:
    topic = TOPICS[i % len(TOPICS)]
    before, after = (i - 2) % n + 1, i % n + 1  # neighbours, wrapping round: forward refs too
    refs = {
        "REF_CLAUSE": (
            f"{{{{ ref('{clause_id(before)}') }}}}",
            f"{{{{ refs.c{before} }}}}",
            f"clause {before}",
        ),
        "REF_LABEL": (
            f"{{{{ ref('{clause_id(after)}.duty') }}}}",
            f"{{{{ refs.c{after}_duty }}}}",
            f"clause {after}.2",
        ),
    }
    paras: list[tuple[str, str]] = [
        ("Clause 2", "<<P1>> and <<P2>> must work together for <<COHORT>> from <<DATE>>."),
        ("Clause 2", f"<<LABEL>>The <<BOARD>> must review {topic.lower()} every year."),
    ]
    if i % 4 == 0:
        paras += [
            ("Clause 2", "Each Party must:"),
            ("Clause 3", "tell <<P2>> of any change;"),
            ("Clause 3", "keep records about <<COHORT>>; and"),
            ("Clause 3", "follow <<REF_LABEL>>."),
        ]
    else:
        paras.append(("Clause 2", "Each Party must follow <<REF_LABEL>>."))
    if i % 3 == 0:
        paras += [
            ("Body Text", "The services include:"),
            ("List Bullet", "services commissioned by <<P2>>;"),
            ("List Bullet", "services provided by <<P1>>; and"),
            ("List Bullet", "services agreed by the <<BOARD>>."),
        ]
    if i % 3 == 2:
        paras.append(("Clause 2", "This clause is subject to <<REF_CLAUSE>>."))
    return ClauseSpec(i, clause_id(i), f"{topic} {i}", tuple(paras), refs)


@dataclass(frozen=True)
class Workspace:
    """Where one size's inputs are: pass ``root`` to a route."""

    root: Path
    n: int

    @property
    def deal(self) -> Path:
        return self.root / "deal.yaml"

    @property
    def expected(self) -> Path:
        return self.root / "expected.json"


def generate(root: Path, n: int) -> Workspace:
    """Write every route's inputs for N clauses under ``root`` (emptied first)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    specs = clause_specs(n)
    _write_bank(root / "clausebank", specs)
    _write_templates(root / "templates", specs)
    (root / "deal.yaml").write_text(deal_sheet(n), encoding="utf-8")
    _write_docxtpl_templates(root / "peers" / "docxtpl", specs)
    _write_markdown_templates(root / "peers" / "markdown", specs)
    context = {
        "party1": PROVIDER,
        "party2": COMMISSIONER,
        "cohort": COHORT,
        "date": DATE_LONG,
        "board": BOARD,
        "title": TITLE,
        "refs": peer_refs(specs),
    }
    _dump(root / "peers" / "context.json", context)
    _dump(root / "expected.json", expected(specs))
    return Workspace(root, n)


def peer_refs(specs: list[ClauseSpec]) -> dict[str, str]:
    """What the peers' ``refs.c4`` and ``refs.c4_duty`` print: numbers a user computes by hand."""
    refs = {f"c{s.number}": f"clause {s.number}" for s in specs}
    return refs | {f"c{s.number}_duty": f"clause {s.number}.2" for s in specs}


def expected(specs: list[ClauseSpec]) -> dict:
    """The resolved document: what every route must print, and what the floor writes."""
    clauses = [
        {"id": s.id, "title": s.title, "paragraphs": [list(p) for p in s.render(2)]} for s in specs
    ]
    text = "\n".join(t for c in clauses for _, t in c["paragraphs"])
    return {
        "title": TITLE,
        "clauses": clauses,
        "party_names": {name: text.count(name) for name in (PROVIDER, COMMISSIONER)},
    }


def deal_sheet(n: int) -> str:
    """A deal sheet that passes the alliance_agreement schema (strings quoted as JSON)."""
    q = json.dumps
    return f"""\
# Synthetic deal sheet for benchmarks/run.py ({n} clauses).
deal_id: bench-synthetic-{n}
document_type: alliance_agreement
title: {q(TITLE)}
effective_date: {DATE_ISO}
population:
  cohort: {q(COHORT)}
services_in_scope: [adult_social_care]
parties:
  - {{id: alpha, name: {q(PROVIDER)}, kind: company, roles: [provider],
     registration: "01234567", address: "1 High Street, Northtown",
     signatory: "Alex Smith", position: "Director"}}
  - {{id: beta, name: {q(COMMISSIONER)}, kind: local_authority, roles: [commissioner],
     address: "Town Hall, Northtown", signatory: "Sam Jones", position: "Chief Executive"}}
term:
  initial_years: 5
governance:
  bodies:
    - {{id: board, name: {q(BOARD)}}}
  decision_rule: unanimous_only
"""


def _write_bank(bank: Path, specs: list[ClauseSpec]) -> None:
    """bank.yaml, a two-code vocabulary, a one-criterion taxonomy and one folder per clause, each
    fragment written by the engine's own authoring function and its sha256 recorded."""
    from assembler.bank.authoring import fragment_from_draft
    from assembler.bank.fragment import import_fragment

    (bank / "clauses").mkdir(parents=True)
    (bank / "bank.yaml").write_text(
        "id: synthetic\nversion: 2026.1\nname: Synthetic bank for benchmarks/run.py\n",
        encoding="utf-8",
    )
    (bank / "vocabulary.yaml").write_text(
        "adult_social_care: adult social care\nunanimous_only: unanimous decisions only\n",
        encoding="utf-8",
    )
    (bank / "criteria.yaml").write_text(
        "elements:\n  - id: synthetic\n    name: Synthetic\n    criteria:\n"
        "      - {id: benchmark_clauses, name: Benchmark clauses, specifications: [text]}\n",
        encoding="utf-8",
    )
    for spec in specs:
        folder = bank / "clauses" / spec.id
        folder.mkdir()
        draft = "\n".join(MARKER[style] + text for style, text in spec.render(0))
        fragment = folder / "1.0.0.docx"
        fragment.write_bytes(fragment_from_draft(draft, HOUSE_STYLE))
        digest = hashlib.sha256(import_fragment(fragment).source.encode("utf-8")).hexdigest()
        (folder / "clause.yaml").write_text(
            f"id: {spec.id}\ntitle: {json.dumps(spec.title)}\n"
            "document_types: [alliance_agreement]\ncriteria: [benchmark_clauses]\nversions:\n"
            "  - {version: 1.0.0, status: approved, effective_from: 2016-01-01, "
            f'approved_by: benchmark, change: "Synthetic.", sha256: {digest}}}\n',
            encoding="utf-8",
        )


def _write_templates(templates: Path, specs: list[ClauseSpec]) -> None:
    """An outline listing the N slots, and copies of the real legal forms and house style."""
    templates.mkdir(parents=True)
    shutil.copy(LEGAL_FORMS, templates / "legal-forms.yaml")
    shutil.copy(HOUSE_STYLE, templates / "house-style.docx")
    slots = "".join(f"  - {{slot: s{s.number}, clause: {s.id}}}\n" for s in specs)
    (templates / "alliance_agreement.yaml").write_text(
        "document_type: alliance_agreement\nshort_name: this Agreement\nexecution: agreement\n"
        f"clauses:\n{slots}",
        encoding="utf-8",
    )


def _write_docxtpl_templates(folder: Path, specs: list[ClauseSpec]) -> None:
    """Route (b)'s inputs: a master (house style, title only) and one template per clause, with
    its heading, in the house styles. One python-docx document is reused to keep this quick."""
    import docx

    folder.mkdir(parents=True)
    document = docx.Document(str(HOUSE_STYLE))
    body = document.element.body

    def fill(paragraphs: list[tuple[str, str]], name: str) -> None:
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        for style, text in paragraphs:
            document.add_paragraph(text, style=style)
        stream = io.BytesIO()
        document.save(stream)
        (folder / name).write_bytes(stream.getvalue())

    fill([("Title", TITLE)], "master.docx")
    for spec in specs:
        fill([("Clause Heading", spec.title), *spec.render(1)], f"{spec.id}.docx")


def _write_markdown_templates(folder: Path, specs: list[ClauseSpec]) -> None:
    """Route (c)'s inputs: Markdown Jinja templates. House styles through pandoc's custom-style
    divs for headings and numbered paragraphs; bullets and (a) lists as Markdown lists."""
    folder.mkdir(parents=True)
    for spec in specs:
        blocks = [_styled("Clause Heading", spec.title)]
        for style, text in spec.render(1):
            if style == "List Bullet":
                blocks.append(f"- {text}")
            elif style == "Clause 3":
                blocks.append(f"(a) {text}")
            else:
                blocks.append(_styled(style, text))
        (folder / f"{spec.id}.md").write_text(_join_blocks(blocks), encoding="utf-8")


def _styled(style: str, text: str) -> str:
    return f'::: {{custom-style="{style}"}}\n{text}\n:::'


def _join_blocks(blocks: list[str]) -> str:
    """Blank lines between blocks, but list items of one list on consecutive lines."""
    out = blocks[0]
    for previous, block in zip(blocks, blocks[1:], strict=False):
        same_list = previous[:2] == block[:2] and block[:2] in ("- ", "(a")
        out += ("\n" if same_list else "\n\n") + block
    return out + "\n"


def _dump(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
