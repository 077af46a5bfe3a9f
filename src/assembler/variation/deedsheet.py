"""The deed of variation's own deal sheet, written from the variation: the agreement it varies and
its earlier deeds, the parties as they continue, join or leave (each with what its legal form
executes a deed with), statutory transfers, the amendments, and the procurement record. It is a
deal sheet a lawyer could also write by hand, and is built like any other."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.core.schema import ListOf, Map
from assembler.deal.sheet import Deal
from assembler.deal.types import house_types


def variation_terms(deal: Deal) -> dict[str, Any]:
    terms = deal.data.get("variation")
    if not isinstance(terms, dict):
        raise AssemblerError(
            Diagnostic(
                "E-var-07",
                "variation: the deal sheet does not say how the agreement is varied",
                str(deal.path),
                hint="add variation: {date, original_date, reasons, services_change}",
            )
        )
    return terms


def deed_deal(
    old_deal: Deal,
    deal: Deal,
    terms: dict[str, Any],
    history: list[dict[str, Any]],
    changes: list[dict[str, Any]],
    deed_sheet: Path,
    forms: dict[str, Any],
    signed: str | Path,
) -> dict[str, Any]:
    """The deed of variation's deal sheet, in the form a lawyer could also write by hand."""
    number = len(history) + 1
    successions = terms.get("successions") or []
    data: dict[str, Any] = {
        "deal_id": f"{deal.data['deal_id']}-variation-{number}",
        "document_type": "deed_of_variation",
        "title": f"Deed of Variation No. {number}",  # the cover adds "relating to ..."
        "effective_date": terms["date"],
        "original": {
            "deal": os.path.relpath(old_deal.path.resolve(), deed_sheet.resolve().parent),
            "date": terms["original_date"],
            "lock": os.path.relpath(Path(signed).resolve(), deed_sheet.resolve().parent),
        },
        # each earlier deed by the date it was made, not the date its variations took effect
        "previous_variations": _previous(history),
        "variation_power": terms.get("power", "variation"),
        "reasons": list(terms["reasons"]),
        "timing": terms.get("timing", "prospective"),
        "parties": _deed_parties(old_deal, deal, successions, forms),
        "amendments": changes,
        "services_change": bool(terms["services_change"]),
    }
    _add_terms(data, old_deal, deal, terms, successions)
    return data


def _add_terms(
    data: dict[str, Any],
    old_deal: Deal,
    deal: Deal,
    terms: dict[str, Any],
    successions: list[dict[str, Any]],
) -> None:
    """The deed's optional parts: statutory transfers, procurement, the conformed copy's
    settings and the drafters' acknowledgements of the deed's own warnings."""
    if successions:
        names = {p["id"]: p["name"] for p in old_deal.data["parties"]}
        data["statutory_transfers"] = [
            {
                "party": s["party"],
                "predecessor": names[s["predecessor"]],
                "instrument": s["instrument"],
                "date": s["date"],
            }
            for s in successions
        ]
    for key in ("procurement", "conformed_copy"):
        if key in terms:
            data[key] = terms[key]
    considered = {k: v for k, v in (deal.data.get("acknowledge") or {}).items() if "-var-" in k}
    if considered:  # the drafters' view of the deed's own warnings
        data["acknowledge"] = considered


def _deed_parties(
    old_deal: Deal, deal: Deal, successions: list[dict[str, Any]], forms: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each party of the deed: continuing, joining or leaving."""
    before = {p["id"]: p for p in old_deal.data["parties"]}
    after = {p["id"]: p for p in deal.data["parties"]}
    # a successor by law continues in its predecessor's place: neither joins nor leaves
    before |= {s["party"]: after[s["party"]] for s in successions}
    gone = {s["predecessor"] for s in successions}
    parties = [
        _deed_party(p, "continuing" if i in before else "joining", forms) for i, p in after.items()
    ]
    parties += [
        _deed_party(p, "leaving", forms)
        for i, p in before.items()
        if i not in after and i not in gone
    ]
    return parties


def _previous(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each earlier deed, by the date it was made, not the date its variations took effect."""
    return [
        {
            "date": dt.date.fromisoformat(v["made"])
            if v.get("made")
            else f"[date of Deed of Variation No. {v['number']}]",
            "description": "a deed of variation",
        }
        for v in history
    ]


def _deed_party_keys() -> set[str]:
    """The keys a party of a deed of variation may have (its schema's ``parties`` items)."""
    parties = house_types()["deed_of_variation"].schema.fields["parties"].spec
    assert isinstance(parties, ListOf) and isinstance(parties.item, Map)
    return set(parties.item.fields)


def _deed_party(party: dict[str, Any], change: str, forms: dict[str, Any]) -> dict[str, Any]:
    """The party as the deed describes it and has it execute: the fields its legal form's
    description and deed execution lines read (templates/legal-forms.yaml)."""
    form = forms[party["kind"]]
    wording = str(form["description"]) + " ".join(map(str, form["deed"]))
    used = {"id", "name", "kind", "roles", "address"} | set(re.findall(r"\bp\.(\w+)", wording))
    kept = {k: v for k, v in party.items() if k in used and k in _deed_party_keys()}
    # a deed needs printed names and witnesses an agreement may not have had: blanks to fill
    for key, blank in (("witness", "[witness name and address]"), ("signatory", "[name]")):
        if key in used:
            kept.setdefault(key, blank)
    return {**kept, "change": change}


def sheet_yaml(data: dict[str, Any]) -> bytes:
    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    yaml.width = 100
    yaml.allow_unicode = True
    stream = io.StringIO()
    stream.write(
        "# Written by `assemble vary`: the deed of variation's deal sheet. The amendments were\n"
        "# worked out by comparing the agreement as signed with the deal as it now stands; edit\n"
        "# them here if the lawyers want other wording, then `assemble build` this file.\n"
    )
    yaml.dump(data, stream)
    return stream.getvalue().encode("utf-8")
