"""What a variation changes, written as the amendment instructions of a deed of variation.

Both agreements are rendered (the original exactly as signed, from its lock; the new one laid out
in the original's places, so numbers do not move) and compared place by place. Each change gets
the smallest correct instruction, in the original's numbering: a word substitution when one
passage changed, a clause replacement when the wording changed more, "deleted and marked 'Not
used'" for a clause the deal no longer has, a new clause after the last one, a replacement
schedule, a new definition. The instructions are data in the deed of variation's own deal-sheet
form (``amendments:``); the bank's ``dov-amendments`` clause words them.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from assembler.plan.planner import NOT_USED
from assembler.variation.sections import (
    ITEM_STYLES,
    SCHEDULE_HEADING,
    Paragraph,
    Section,
    mostly,
    provision_groups,
    restructured,
    sections,
)

#: ``sections`` is read with the amendments (``amendments(sections(...), sections(...))``)
__all__ = ["Section", "amendments", "replacement_text", "sections"]

#: the longest passage (words and spaces) a word substitution replaces
MAX_SUBSTITUTION_TOKENS = 40


def amendments(old: dict[str, Section], new: dict[str, Section]) -> list[dict[str, Any]]:
    """The instructions that turn the original's text into the new one, in the original's order."""
    found: list[dict[str, Any]] = []
    last_clause = last_schedule = ""
    for slot, before in old.items():
        schedule = before.number.startswith("Schedule")
        if schedule:
            last_schedule = slot
        else:
            last_clause = slot
        after = new.get(slot)
        if after is None or (after.kind == NOT_USED and before.kind != NOT_USED):
            found.append({"op": "delete_clause_not_used", "at": slot})
        elif (after.title, after.paragraphs) != (before.title, before.paragraphs):
            found += _change(before, after)
    for slot, added in new.items():
        if slot not in old:
            schedule = added.number.startswith("Schedule")
            found.append(
                {
                    "op": "insert_clause",
                    "at": last_schedule if schedule else last_clause,
                    "number": added.number.removeprefix("Schedule ").strip(),
                    "title": added.title,
                    "text": replacement_text(added),
                }
            )
    return found


def _change(before: Section, after: Section) -> list[dict[str, Any]]:
    if before.kind == "definitions":
        added = _added_definitions(before, after)
        if added:  # each new definition in its alphabetical place
            return [
                {"op": "insert_definition", "at": before.slot, "term": term, "text": text}
                for term, text in added
            ]
    provisions = _provision_changes(before, after)
    if provisions is not None:
        return provisions
    op = "replace_schedule" if before.number.startswith("Schedule") else "replace_clause"
    return [{"op": op, "at": before.slot, **_title(before, after),
             "text": replacement_text(after)}]  # fmt: skip


def _provision_changes(before: Section, after: Section) -> list[dict[str, Any]] | None:
    """One instruction per changed provision, each the smallest whole unit that reads correctly:
    "Omit clause 15.3" for a provision left "Not used", "After clause 9.4 insert:" for one the
    deed numbers 9.4A, the changed words when one passage of a provision changed, else the
    provision itself. None when the provisions do not line up: the whole clause or schedule is
    then substituted."""
    if before.title != after.title:
        return None
    if before.kind != "definitions":
        grouped = _grouped_changes(before, after)
        if grouped is not None:
            return grouped
    return _paragraph_changes(before, before.paragraphs, after.paragraphs)


def _grouped_changes(before: Section, after: Section) -> list[dict[str, Any]] | None:
    """The changes provision by provision, where every provision as signed keeps its label
    (the layout held them: :func:`held_provisions`)."""
    intro_a, old = provision_groups(before)
    intro_b, new = provision_groups(after)
    signed = dict(old)
    if not old or [label for label, _ in new if label in signed] != list(signed):
        return None
    found = _paragraph_changes(before, intro_a, intro_b)
    if found is None:
        return None
    previous = ""
    for label, group in new:
        was = signed.get(label)
        if was is None:
            if not previous:
                return None
            found.append(
                {
                    "op": "insert_provision",
                    "at": before.slot,
                    "provision": previous,
                    "number": label,
                    "text": _replacement(group),
                }
            )
        elif _newly_omitted(label, before, after):
            found.append({"op": "omit_provision", "at": before.slot, "provision": label})
        elif group != was:  # its words, or the provision and its items whole
            found += _paragraph_changes(before, was, group) or [
                {
                    "op": "replace_provision",
                    "at": before.slot,
                    "provision": label,
                    "text": _replacement(group),
                }
            ]
        previous = label
    moved = [
        label
        for label, group in new
        if label not in signed
        or _newly_omitted(label, before, after)
        or (group != signed[label] and restructured(signed[label], group))
    ]
    if mostly(len(moved), len(old)):
        return None
    return found


def _newly_omitted(label: str, before: Section, after: Section) -> bool:
    """Whether the provision LABEL is one the new text leaves "Not used." and the old did not."""
    return label in after.omitted and label not in before.omitted


def _paragraph_changes(
    before: Section, old_paragraphs: list[Paragraph], new_paragraphs: list[Paragraph]
) -> list[dict[str, Any]] | None:
    """One instruction per changed paragraph of paragraphs that line up one to one."""
    if len(old_paragraphs) != len(new_paragraphs):
        return None
    pairs = [(a, b) for a, b in zip(old_paragraphs, new_paragraphs, strict=True) if a != b]
    if any(old[:2] != new[:2] for old, new in pairs):
        return None
    found = []
    for old, new in pairs:
        defined = DEFINITION.match(old[2]) if before.kind == "definitions" else None
        where = {"definition": defined.group(1)} if defined else _provision(before, old[0])
        scope = old[2] if where else " ".join(before.texts)
        substitution = _substitution(scope, old[2], new[2])
        if substitution is not None:
            found.append({"op": "substitute_words", "at": before.slot, **where, **substitution})
        elif "provision" in where:
            found.append({"op": "replace_provision", "at": before.slot, **where, "text": new[2]})
        else:
            return None
    return found


def _provision(section: Section, number: str) -> dict[str, str]:
    """The provision within the clause, as the deed names it after the clause number ("1" of
    clause 5 is clause 5.1, "1(a)" is 5.1(a)); a schedule's paragraph by its own number. Empty
    when the paragraph has no number of its own (text under a heading)."""
    if section.number.startswith("Schedule"):
        return {"provision": number} if number else {}
    own = number.removeprefix(section.number).lstrip(".")
    return {"provision": own} if own and number != section.number else {}


def _title(before: Section, after: Section) -> dict[str, str]:
    return {"title": after.title} if after.title != before.title else {}


def replacement_text(section: Section) -> list[str]:
    """Paragraphs in the deed's convention: a list item keeps its printed label ("(a) ..."), a
    schedule paragraph heading starts "# "; any other paragraph is numbered by the deed."""
    return _replacement(section.paragraphs)


def _replacement(paragraphs: list[Paragraph]) -> list[str]:
    out = []
    for number, style, text in paragraphs:
        if style in ITEM_STYLES:
            label = re.search(r"\([a-z0-9]+\)$", number)
            out.append(f"{label.group(0) if label else '(-)'} {text}")
        elif style == SCHEDULE_HEADING:
            out.append(f"# {text}")
        elif not number:  # text under a heading: the deed must not number it
            out.append(f"> {text}")
        else:
            out.append(text)
    return out


DEFINITION = re.compile(r"^\u201c([^\u201d]+)\u201d means (.*?)[;.]?$")


def _added_definitions(before: Section, after: Section) -> list[tuple[str, str]] | None:
    """The definitions the new text adds, if adding them is its only change."""

    def terms(section: Section) -> dict[str, str]:
        found = (DEFINITION.match(text) for text in section.texts)
        return {m.group(1): m.group(2) for m in found if m}

    old, new = terms(before), terms(after)
    if any(new.get(term) != text for term, text in old.items()):
        return None  # one was changed or removed: the clause is replaced
    return [(term, text) for term, text in new.items() if term not in old]


def _substitution(scope: str, old: str, new: str) -> dict[str, str] | None:
    """words_from/words_to for the smallest whole unit around the passage that changed: never
    half of a bracket or parenthesis, the whole sentence when the change is most of it, no
    punctuation both sides share at the end, and old words that occur once in the scope the
    instruction names (so it cannot be misread)."""
    old_words, new_words = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    edits = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    # one passage, from the first change to the last (the text before it is equal in both)
    i1, i2, j2 = edits[0][1], edits[-1][2], edits[-1][4]
    if max(i2 - i1, j2 - i1) > MAX_SUBSTITUTION_TOKENS:
        return None  # so much changed that the whole clause reads better
    i1, i2 = _sentence_if_most(old_words, i1, i2)
    shift = j2 - edits[-1][2]  # the new text's end, less the old's, past the change
    for extra in range(len(old_words) + 1):
        for left in range(min(extra, i1) + 1):
            start, end = i1 - left, i2 + extra - left
            if end > len(old_words):
                continue
            words_from, words_to = _trimmed(
                "".join(old_words[start:end]).strip(),
                "".join(new_words[start : end + shift]).strip(),
            )
            if (
                words_from
                and words_to
                and _whole(words_from)
                and _whole(words_to)
                and scope.count(words_from) == 1
            ):
                return {"words_from": words_from, "words_to": words_to}
    return None


#: Punctuation that ends a sentence or a list item.
SENTENCE_END = (".", ";", ":")


def _sentence_if_most(words: list[str], i1: int, i2: int) -> tuple[int, int]:
    """The whole sentence around tokens I1..I2 when they are most of it (the rest would read as
    a fragment), else I1..I2."""
    start = i1
    while start > 0 and not words[start - 1].rstrip().endswith(SENTENCE_END):
        start -= 1
    end = max(i2, i1 + 1)
    while end < len(words) and not words[end - 1].rstrip().endswith(SENTENCE_END):
        end += 1
    changed = sum(1 for w in words[i1:i2] if w.strip())
    sentence = sum(1 for w in words[start:end] if w.strip())
    return (start, end) if changed * 2 > sentence else (i1, i2)


def _trimmed(old: str, new: str) -> tuple[str, str]:
    """Both passages without the punctuation they share at the end ("planned);" and "agreed);"
    are "planned)" and "agreed)")."""
    while old and new and old[-1] == new[-1] and old[-1] in ".,;:":
        old, new = old[:-1].rstrip(), new[:-1].rstrip()
    return old, new


def _whole(words: str) -> bool:
    """No bracket or parenthesis opened without being closed, or closed without being opened."""
    for opening, closing in ("()", "[]"):
        depth = 0
        for char in words:
            depth += (char == opening) - (char == closing)
            if depth < 0:
                return False
        if depth:
            return False
    return True


def _tokens(text: str) -> list[str]:
    """Words and the spaces between them, so that joining tokens gives the text back exactly. A
    bracketed name ("[Mental Health NHS FT]") is one word: a substitution never splits it."""
    return re.findall(r"\s+|\S*\[[^\[\]]*\]\S*|\S+", text)
