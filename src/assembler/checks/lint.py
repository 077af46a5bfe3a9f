"""Plain-language lint of an assembled document (ours, or one a lawyer has since edited in Word).

It reads the .docx, not the clause sources: what the reader gets is the text after every value
was filled in and every option chosen. Each finding names a stable rule, the clause it sits in, the
sentence and a suggestion; the document's numbers (median sentence length, share of passive
sentences, reading ease) are measured per clause and for the whole. The thresholds are the bank's
(``lint:`` in bank.yaml); when a deal requires the plain_language criterion they gate a final build.
"""

from __future__ import annotations

import importlib.util
import re
import statistics
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from assembler.core.cache import memo, stamp
from assembler.core.errors import AssemblerError, Diagnostic
from assembler.oxml.body import body_of, paragraphs_of, plain_text
from assembler.oxml.reader import WordPackage
from assembler.oxml.styles import Style
from assembler.oxml.text import style_of

#: Paragraph styles whose text is the agreement's own prose (not cover, contents or signatures).
PROSE_STYLES = frozenset(
    {
        Style.CLAUSE_2,
        Style.CLAUSE_3,
        Style.CLAUSE_4,
        Style.BODY_TEXT,
        Style.BODY_TEXT_2,
        Style.LIST_BULLET,
        Style.RECITAL,
        Style.DEFINITION,
        Style.SCHEDULE_CLAUSE_1,
        "Normal",
    }
)
HEADING_STYLES = frozenset({Style.CLAUSE_HEADING, Style.SCHEDULE_HEADING})

#: The house thresholds, unless the bank's ``lint:`` says otherwise.
DEFAULTS: dict[str, float] = {
    "max_sentence_words": 45,
    "max_median_sentence_words": 25,
    "max_passive_share": 0.15,
    "min_reading_ease": 25,
}

ARCHAISMS = {
    "herein": "in this Agreement",
    "hereinafter": "(leave it out, or define the term)",
    "hereby": "(leave it out)",
    "hereof": "of this Agreement",
    "hereto": "to this Agreement",
    "hereunder": "under this Agreement",
    "therein": "in it",
    "thereof": "of it",
    "thereto": "to it",
    "thereunder": "under it",
    "whereby": "by which",
    "wherein": "in which",
    "whereof": "of which",
    "forthwith": "at once",
    "notwithstanding": "despite, or even if",
    "the said": "the, or this",
    "aforesaid": "that, or the",
    "aforementioned": "that, or the",
    "inter alia": "among other things",
    "mutatis mutandis": "with the necessary changes",
    "pursuant to": "under",
}
ARCHAISM = re.compile(r"\b(" + "|".join(re.escape(w) for w in ARCHAISMS) + r")\b", re.IGNORECASE)
SHALL = re.compile(r"\bshall\b", re.IGNORECASE)
IRREGULAR = (
    "made|paid|held|given|taken|kept|set|sent|met|done|known|shown|written|agreed|bound|brought|"
    "built|chosen|drawn|found|led|left|lost|meant|put|read|run|said|seen|sold|spent|told|won|"
    "borne|laid|struck|sought|thought|understood|withdrawn"
)
PASSIVE = re.compile(
    r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?(?:[a-z]+ed|" + IRREGULAR + r")\b",
    re.IGNORECASE,
)
NOMINALISATIONS = {
    "decision": "decide",
    "payment": "pay",
    "recommendation": "recommend",
    "assessment": "assess",
    "review": "review",
    "agreement": "agree",
    "determination": "determine",
    "application": "apply",
    "contribution": "contribute",
    "notification": "notify",
    "submission": "submit",
    "provision": "provide",
    "investigation": "investigate",
    "improvement": "improve",
}
NOMINAL = re.compile(
    r"\b(?:make|makes|made|making|give|gives|given|carry out|carries out|carried out|take|takes|"
    r"took|undertake|undertakes|conduct|conducts|reach|reaches|effect|effects)\s+(?:a|an|the|any)?\s*"
    r"(" + "|".join(NOMINALISATIONS) + r")s?\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"\u201c])")
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*|\d[\d,.]*")


@dataclass(frozen=True)
class Finding:
    rule: str
    clause: str  # "clause 7 (Decision-making)", "Schedule 2 (Service Contracts)"
    sentence: str
    suggestion: str
    severity: str = "warning"


@dataclass
class ClauseText:
    label: str
    sentences: list[str] = field(default_factory=list)


@dataclass
class Metrics:
    sentences: int
    median_sentence_words: float
    passive_share: float
    reading_ease: float


@dataclass
class LintReport:
    findings: list[Finding]
    document: Metrics
    clauses: dict[str, Metrics]
    thresholds: dict[str, float]
    gate: list[Finding] = field(default_factory=list)  # threshold failures for the whole document

    def as_json(self) -> dict[str, Any]:
        return {
            "document": asdict(self.document),
            "thresholds": self.thresholds,
            "gate": [asdict(f) for f in self.gate],
            "findings": [asdict(f) for f in self.findings],
            "clauses": {k: asdict(v) for k, v in self.clauses.items()},
        }


def read_clauses(root: etree._Element) -> list[ClauseText]:
    """The prose of a document body, sentence by sentence, under its clause or schedule heading."""
    clauses = [ClauseText("Background")]  # before the first heading only the recitals count
    number = 0
    for p in paragraphs_of(root):
        name = style_of(p) or "Normal"
        text = plain_text(p).strip()
        if name == Style.CLAUSE_HEADING:
            number += 1
            clauses.append(ClauseText(f"clause {number} ({text})"))
        elif name == Style.SCHEDULE_HEADING:
            clauses.append(ClauseText(text))
        elif name == Style.SCHEDULE_TITLE and clauses[-1].label.startswith("Schedule"):
            clauses[-1].label += f" ({text})"
        elif text and (name == Style.RECITAL or (name in PROSE_STYLES and len(clauses) > 1)):
            clauses[-1].sentences.extend(s for s in SENTENCE_END.split(text) if WORD.search(s))
    return [c for c in clauses if c.sentences]


def _words(sentence: str) -> int:
    return len(WORD.findall(sentence))


def _metrics(sentences: list[str]) -> Metrics:
    lengths = [_words(s) for s in sentences] or [0]
    passive = sum(1 for s in sentences if PASSIVE.search(s))
    return Metrics(
        len(sentences),
        float(statistics.median(lengths)),
        round(passive / len(sentences), 3) if sentences else 0.0,
        reading_ease(sentences),
    )


@cache
def _hyphenator() -> Any:
    import pyphen  # its dictionary costs 40 ms to load: only for words it has not counted before

    return pyphen.Pyphen(lang="en_US")


def _syllables(word: str) -> int:
    return len(_hyphenator().positions(word)) + 1


def _syllable_counts(words: set[str]) -> dict[str, int]:
    """Syllables of each word, kept in the user cache per pyphen installation: a bank's vocabulary
    is small and stable, and loading pyphen's dictionary was most of a gated build's lint."""
    spec = importlib.util.find_spec("pyphen")
    origin = Path(spec.origin) if spec and spec.origin else None
    installed = stamp(origin) if origin else "?"
    return memo("syllables", ["en_US", installed], words, _syllables)


def reading_ease(sentences: list[str]) -> float:
    """Flesch reading ease, with syllables counted by pyphen as textstat counts them.

    Written here rather than taken from textstat: textstat 0.7.4 imports pkg_resources (70 ms on
    every final build that the plain-language gate lints) and later versions download NLTK data at
    run time. Sentences are the lint's own, so a list item counts as one.
    """
    words = [w for s in sentences for w in WORD.findall(s) if w[0].isalpha()]
    if not sentences or not words:
        return 0.0
    lower = [w.lower() for w in words]
    counts = _syllable_counts(set(lower))
    syllables = sum(counts[w] for w in lower)
    score = 206.835 - 1.015 * len(words) / len(sentences) - 84.6 * syllables / len(words)
    return round(score, 1)


def _sentence_findings(label: str, sentence: str, limits: dict[str, float]) -> list[Finding]:
    found = []
    words = _words(sentence)
    if words > limits["max_sentence_words"]:
        found.append(
            Finding(
                "L-sent-01",
                label,
                sentence,
                f"{words} words: split it (the house limit is {int(limits['max_sentence_words'])})",
            )
        )
    if SHALL.search(sentence):
        found.append(
            Finding("L-shall-01", label, sentence, 'use "must" for a duty, "will" for the future')
        )
    for match in ARCHAISM.finditer(sentence):
        word = match.group(1).lower()
        found.append(Finding("L-arch-01", label, sentence, f'"{word}": write {ARCHAISMS[word]}'))
    for match in NOMINAL.finditer(sentence):
        noun = match.group(1).lower()
        found.append(
            Finding(
                "L-nom-01",
                label,
                sentence,
                f'"{match.group(0)}": write "{NOMINALISATIONS[noun]}"',
            )
        )
    if PASSIVE.search(sentence):
        found.append(
            Finding(
                "L-pass-01", label, sentence, "say who does it: active voice reads more clearly"
            )
        )
    return found


def lint(
    docx: bytes, thresholds: dict[str, float] | None = None, where: str = "the document"
) -> LintReport:
    """Lint a .docx's prose against the thresholds (the house defaults where none is given)."""
    root = WordPackage.from_bytes(docx, where).xml("word/document.xml")
    body = body_of(root)
    if body is None:
        raise AssemblerError(Diagnostic("E-docx-03", "word/document.xml has no body", where))
    return lint_body(root, thresholds)


def lint_body(
    body: etree._Element, thresholds: dict[str, float] | None = None, *, per_clause: bool = True
) -> LintReport:
    """Lint a body the engine has just rendered (or read). ``per_clause=False`` measures only the
    whole document: all the build's gate needs."""
    limits = {**DEFAULTS, **(thresholds or {})}
    clauses = read_clauses(body)
    findings = [
        finding
        for clause in clauses
        for sentence in clause.sentences
        for finding in _sentence_findings(clause.label, sentence, limits)
    ]
    everything = [s for c in clauses for s in c.sentences]
    document = _metrics(everything)
    by_clause = {c.label: _metrics(c.sentences) for c in clauses} if per_clause else {}
    for label, metrics in by_clause.items():
        if metrics.sentences >= 3 and metrics.reading_ease < limits["min_reading_ease"]:
            findings.append(
                Finding(
                    "L-read-01",
                    label,
                    "",
                    f"reading ease {metrics.reading_ease} is below {limits['min_reading_ease']}: "
                    "shorter sentences and words",
                )
            )
    return LintReport(findings, document, by_clause, limits, _gate(document, findings, limits))


def _gate(document: Metrics, findings: list[Finding], limits: dict[str, float]) -> list[Finding]:
    """What fails the house's plain-language standard for the whole document. A document with no
    prose in the house's styles (one the engine did not build) has nothing to measure: its
    metrics are not failures."""
    gate = []
    checks = (
        ()
        if not document.sentences
        else (
            (
                "L-doc-01",
                document.median_sentence_words > limits["max_median_sentence_words"],
                f"median sentence length {document.median_sentence_words} words exceeds "
                f"{limits['max_median_sentence_words']}",
            ),
            (
                "L-doc-02",
                document.passive_share > limits["max_passive_share"],
                f"{document.passive_share:.0%} of sentences are passive; the limit is "
                f"{limits['max_passive_share']:.0%}",
            ),
            (
                "L-doc-03",
                document.reading_ease < limits["min_reading_ease"],
                f"reading ease {document.reading_ease} is below {limits['min_reading_ease']}",
            ),
        )
    )
    for rule, failed, message in checks:
        if failed:
            gate.append(Finding(rule, "whole document", "", message, "error"))
    for finding in findings:
        if finding.rule in ("L-shall-01", "L-arch-01"):  # the house style forbids these outright
            gate.append(
                Finding(finding.rule, finding.clause, finding.sentence, finding.suggestion, "error")
            )
    return gate
