"""Document outlines (``templates/<document_type>.yaml``): which slots, in which order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assembler.bank.housedata import Words, load_house_data
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.schema import Bool, Checker, Enum, F, ListOf, Map, Str
from assembler.core.yamlio import read_yaml

SLOT = Map(
    {"slot": F(Str(), required=True), "clause": F(Str()), "choose": F(Str()), "default": F(Str())}
)
OUTLINE = Map(
    {
        "document_type": F(Str(), required=True),
        "short_name": F(Str(), required=True),
        # agreement: signed; deed: executed as a deed; none: adopted, not signed (a manual)
        "execution": F(Enum("agreement", "deed", "none"), required=True),
        "opening": F(Str()),
        "operative_heading": F(Str()),
        "parties_block": F(Bool()),
        "subtitle": F(Str()),
        "closing": F(Str()),
        "recitals": F(Str()),
        "definitions": F(Map({"title": F(Str(), required=True), "interpretation": F(Str())})),
        "clauses": F(ListOf(SLOT, min_items=1), required=True),
        "schedules": F(ListOf(SLOT)),
        # the criteria a document of this type must satisfy when its deal names none
        "criteria": F(ListOf(Str())),
        # a document-control box on the cover: one row per line, Jinja values
        "control_box": F(
            ListOf(Map({"label": F(Str(), required=True), "value": F(Str(), required=True)}))
        ),
    }
)


@dataclass(frozen=True)
class Slot:
    name: str
    clause: str | None = None
    choose: str | None = None
    default: str | None = None


@dataclass(frozen=True)
class Outline:
    document_type: str
    short_name: str
    execution: str
    clauses: tuple[Slot, ...]
    #: the words of the parts the engine writes itself (the house style's data)
    words: Words
    schedules: tuple[Slot, ...] = ()
    recitals: str | None = None
    definitions_title: str | None = None
    interpretation: str | None = None
    #: "THIS AGREEMENT is dated [date]"; None for a document that is not dated by the parties
    opening: str | None = None
    operative_heading: str = ""
    #: whether the cover lists the parties and a "Parties" block follows the contents
    parties_block: bool = True
    #: a Jinja line for the cover, under the title (a manual's version and owner)
    subtitle: str | None = None
    #: the sentence above the execution blocks
    closing: str | None = None
    #: the default required criteria
    criteria: tuple[str, ...] = ()
    #: the cover's document-control box: (label, Jinja value) per row (a manual's version,
    #: owner, approval and next review)
    control_box: tuple[tuple[str, str], ...] = ()

    @property
    def is_deed(self) -> bool:
        return self.execution == "deed"


def outline_file(templates: Path, document_type: str, bank: Path | None = None) -> Path:
    """A document type's outline: ``<document_type>.yaml`` in a templates folder given to override
    it, else the bank's ``types/<document_type>/outline.yaml``."""
    override = templates / f"{document_type}.yaml"
    roots = [root for root in (bank, templates.parent) if root is not None]
    found = [root / "types" / document_type / "outline.yaml" for root in roots]
    return next((p for p in [override, *found] if p.is_file()), found[0])


def load_outline(templates: Path, document_type: str, bank: Path | None = None) -> Outline:
    path = outline_file(templates, document_type, bank)
    if not path.is_file():
        raise AssemblerError(Diagnostic("E-tmpl-01", f"no outline for {document_type}", str(path)))
    data, _ = read_yaml(path)
    ck = Checker(str(path))
    checked = OUTLINE.check(data, ck, "", (1, 1))
    if ck.diagnostics:
        raise AssemblerError(ck.diagnostics)

    def slots(key: str) -> tuple[Slot, ...]:
        return tuple(
            Slot(s["slot"], s.get("clause"), s.get("choose"), s.get("default"))
            for s in checked.get(key, [])
        )

    definitions = checked.get("definitions") or {}
    execution = checked["execution"]
    short = checked["short_name"]
    capital = short[:1].upper() + short[1:]  # "This Agreement"
    words = load_house_data(templates).words
    default_closing = {
        "deed": words.closing_deed.format(Document=capital),
        "agreement": words.closing_agreement.format(Document=capital),
    }.get(execution)
    default_opening = {"deed": words.opening_deed, "agreement": words.opening_agreement}
    return Outline(
        checked["document_type"],
        short,
        execution,
        slots("clauses"),
        words,
        slots("schedules"),
        checked.get("recitals"),
        definitions.get("title"),
        definitions.get("interpretation"),
        checked.get("opening", default_opening.get(execution)),
        checked.get("operative_heading", words.operative),
        checked.get("parties_block", True),
        checked.get("subtitle"),
        checked.get("closing", default_closing),
        tuple(checked.get("criteria") or ()),
        tuple((row["label"], row["value"]) for row in checked.get("control_box") or ()),
    )
