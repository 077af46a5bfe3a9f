"""Defined terms: which definitions a document needs, and capitalised terms nobody defined."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assembler.core.errors import Diagnostic
from assembler.template.sandbox import MARKERS_ANY

#: Capitalised phrases of two or more words ("Alliance Leadership Board", "Secretary of State").
CAPITALISED = re.compile(r"(?<![\w.])(?:[A-Z][a-z]+)(?:\s+(?:of|and|for|the)?\s*[A-Z][a-z]+)+")
#: Phrases that are capitalised because they are names, not defined terms.
PROPER_NAMES = re.compile(
    r"\bAct\b|\bRegulations\b|England|Wales|Kingdom|Charity Commission|National Health|"
    r"Health Service|NHS|Standard Contract|Healthwatch|Secretary of State|Schedule|Part|Background|"
    r"Information|Freedom|Data Protection Act|General Data"
)


@dataclass(frozen=True)
class DefinedTerm:
    term: str
    text: str  # rendered definition (escaped XML text, may hold markers)
    clause_id: str


@dataclass
class TermReport:
    used: list[DefinedTerm]
    unused: list[DefinedTerm] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [t.term for t in self.used]


def _pattern(term: str) -> re.Pattern[str]:
    """The term and its plural (Party/Parties, Commissioner/Commissioners), as a whole word."""
    stem = re.escape(term)
    consonant_y = len(term) > 1 and term.endswith("y") and term[-2] not in "aeiou"
    plural = re.escape(term[:-1]) + "ies" if consonant_y else stem + "s"
    return re.compile(rf"(?<![\w-])(?:{stem}|{plural})(?![\w-])")


def find_terms(
    defined: list[DefinedTerm],
    texts: list[str],
    known_names: list[str],
    inherited: tuple[str, ...] = (),
) -> TermReport:
    """Keep the definitions the text uses (directly or through another used definition)."""
    warnings = []
    unique: dict[str, DefinedTerm] = {}
    for term in defined:
        if term.term in unique:
            first = unique[term.term]
            warnings.append(
                Diagnostic(
                    "W-term-03",
                    f"{term.term!r} is defined twice: in clause "
                    f"{first.clause_id} and in clause {term.clause_id}",
                    hint=f"keep one definition (the one in {first.clause_id} is used)",
                    severity="warning",
                )
            )
            continue
        unique[term.term] = term
    body = "\n".join(MARKERS_ANY.sub(" ", t) for t in texts)
    used = {name for name in unique if _pattern(name).search(body)}
    changed = True
    while changed:  # a term used only inside another used definition is used too
        inside = "\n".join(unique[name].text for name in used)
        more = {name for name in unique if name not in used and _pattern(name).search(inside)}
        changed = bool(more)
        used |= more
    unused = [t for name, t in unique.items() if name not in used]
    for term in unused:
        warnings.append(
            Diagnostic(
                "W-term-02",
                f"{term.term!r} is defined (clause {term.clause_id}) but "
                "not used, so it is left out of the definitions",
                severity="warning",
            )
        )
    # terms defined elsewhere (a deed uses its Agreement's) count as defined, plurals included
    warnings.extend(_undefined(body, set(unique) | set(inherited), known_names))
    return TermReport(
        sorted((unique[n] for n in used), key=lambda t: t.term.lower()), unused, warnings
    )


def _undefined(body: str, defined: set[str], known_names: list[str]) -> list[Diagnostic]:
    """Capitalised multi-word phrases used mid-sentence that are neither defined nor names."""
    covered = [_pattern(t) for t in defined]
    seen: dict[str, int] = {}
    # a name is taken out whole, so two names joined ("A Council and B Trust") or a name holding
    # "&" leave no capitalised remainder behind; a stop keeps what follows a name from starting
    # a sentence
    for name in sorted({n for n in known_names if n.strip()}, key=len, reverse=True):
        body = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " \u2022 ", body)
    for sentence in re.split(r"(?<=[.;:])\s+|\n", body):
        for match in CAPITALISED.finditer(sentence):
            phrase = re.sub(r"^(?:This|These|The|Each|Any|An?|No)\s+", "", match.group(0))
            if match.start() == 0 or " " not in phrase or PROPER_NAMES.search(phrase):
                continue
            if any(p.search(phrase) for p in covered) or any(phrase in n for n in known_names):
                continue
            seen[phrase] = seen.get(phrase, 0) + 1
    return [
        Diagnostic(
            "W-term-01",
            f"{phrase!r} is capitalised like a defined term but is not defined "
            f"({count} use{'s' if count > 1 else ''})",
            hint="define it in a clause's `defines:`, or write it in lower case",
            severity="warning",
        )
        for phrase, count in sorted(seen.items())
    ]
