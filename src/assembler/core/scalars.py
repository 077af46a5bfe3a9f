"""The scalar types of the schema language, and values as a lawyer writes them: "£1.2m",
"1 April 2027", "10%", "yes" are read into canonical values (and recorded as read); an ambiguous
"01/04/2027" is refused with the ISO form as the hint."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from assembler.core.checker import Checker, Pos, describe, is_placeholder, suggest

#: Amounts as a lawyer writes them: "£1,200,000", "£1.2m", "£250k", "£1.5 million", "1,000".
MONEY = re.compile(
    r"£?\s*(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<scale>k|m|bn|thousand|million|billion)?",
    re.IGNORECASE,
)
SCALES = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}
SCALES |= {"bn": 1_000_000_000, "billion": 1_000_000_000}
#: A percentage as written: "10%", "12.5 %", "10 per cent".
PERCENT = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)\s*(?:%|per\s*cent|percent)(?P<scale>)", re.IGNORECASE
)
YES_NO = {"yes": True, "no": False, "true": True, "false": False}
MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
#: "1 April 2027", "1st April 2027", "1 Apr 2027".
LONG_DATE = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|"
    r"apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|"
    r"dec(?:ember)?),?\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
#: "01/04/2027", "1.4.27", "1-4-2027": a day and a month in an order a reader must guess.
NUMERIC_DATE = re.compile(r"(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<year>\d{2}|\d{4})")


def _number(found: re.Match[str]) -> int | float:
    """The amount a :data:`MONEY` or :data:`PERCENT` match spells, exactly (no float drift)."""
    amount = Decimal(found.group("number").replace(",", ""))
    amount *= SCALES.get((found.group("scale") or "").lower(), 1)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _iso_hint(found: re.Match[str]) -> str:
    """The ISO form (and the words) of the date an English reader means by day/month/year."""
    year = found.group("year")
    year = year if len(year) == 4 else f"20{year}"
    day, month = int(found.group("a")), int(found.group("b"))
    try:
        meant = dt.date(int(year), month, day)
    except ValueError:
        return "write the date as YYYY-MM-DD, or in words such as 1 April 2027"
    return f"write it {meant.isoformat()} (YYYY-MM-DD), or {meant.day} {meant:%B %Y}"


#: Characters XML 1.0 forbids (tab, line feed and carriage return aside), and lone surrogates.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Spec:
    """A type. ``check`` returns the plain-Python value, or ``None`` after reporting an error."""

    expects = "a value"

    def check(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        raise NotImplementedError

    def wrong(self, value: Any, ck: Checker, path: str, pos: Pos) -> None:
        ck.error("E-type-01", path, pos, f"expected {self.expects}, found {describe(value)}")


class Scalar(Spec):
    """Base for scalars: accepts a bracketed placeholder in place of any value."""

    def check(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, str) and (bad := NOT_IN_XML.search(value)):
            # YAML's escapes ("\u0000", "\a") can spell characters no Word document may hold
            ck.error(
                "E-type-03",
                path,
                pos,
                f"holds the control character U+{ord(bad.group()):04X}, which a Word document "
                "cannot contain",
                "remove it (it is usually pasted in by accident)",
            )
            return None
        if is_placeholder(value):
            return str(value)
        return self.check_value(value, ck, path, pos)

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        raise NotImplementedError


class Str(Scalar):
    expects = "text"

    def __init__(self, pattern: str | None = None, hint: str | None = None):
        self.pattern = re.compile(pattern) if pattern else None
        self.hint = hint

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if not isinstance(value, str) or isinstance(value, bool):
            return self.wrong(value, ck, path, pos)
        if not value.strip():
            ck.error("E-value-01", path, pos, "is empty", "give a value or a [placeholder]")
            return None
        if self.pattern and not self.pattern.fullmatch(value):
            ck.error("E-type-01", path, pos, f"{value!r} is not a valid value", self.hint)
            return None
        return str(value)


class Int(Scalar):
    expects = "a whole number"

    def __init__(self, minimum: int = 0):
        self.minimum = minimum

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return self.wrong(value, ck, path, pos)
        if value < self.minimum:
            ck.error("E-value-02", path, pos, f"{value} is less than {self.minimum}")
            return None
        return int(value)


class Number(Scalar):
    expects = "a number"

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return self.wrong(value, ck, path, pos)
        return value


class Money(Scalar):
    expects = "an amount of money in pounds (1200000, £1,200,000 or £1.2m)"

    written = MONEY

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, str) and (found := self.written.fullmatch(value.strip())):
            value = ck.read_as(path, value, _number(found))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.wrong(value, ck, path, pos)
        if value < 0:
            ck.error("E-value-02", path, pos, f"money cannot be negative ({value})")
            return None
        return int(value) if float(value).is_integer() else float(value)


class Percent(Money):
    expects = "a percentage (a number from 0 to 100, or 10%)"
    written = PERCENT

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        number = super().check_value(value, ck, path, pos)
        if number is not None and number > 100:
            ck.error("E-value-02", path, pos, f"a percentage cannot exceed 100 ({value})")
            return None
        return number


class Bool(Scalar):
    expects = "true or false (or yes or no)"

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, str) and value.strip().lower() in YES_NO:
            return ck.read_as(path, value, YES_NO[value.strip().lower()])
        return value if isinstance(value, bool) else self.wrong(value, ck, path, pos)


class Date(Scalar):
    expects = "a date written YYYY-MM-DD or 1 April 2027"

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and (found := LONG_DATE.fullmatch(value.strip())):
            day, month, year = found.group("day", "month", "year")
            try:
                read = dt.date(int(year), MONTHS[month.lower()[:3]], int(day))
            except ValueError as exc:
                ck.error("E-type-02", path, pos, f"{value!r} is not a real date ({exc})")
                return None
            return ck.read_as(path, value, read)
        if isinstance(value, str) and (found := NUMERIC_DATE.fullmatch(value.strip())):
            ck.error(
                "E-type-02",
                path,
                pos,
                f"{value!r} is ambiguous: day and month could be either way round",
                _iso_hint(found),
            )
            return None
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError as exc:
                ck.error("E-type-02", path, pos, f"{value!r} is not a real date ({exc})")
                return None
        return self.wrong(value, ck, path, pos)


def _retired(value: Any, ck: Checker) -> tuple[str, str] | None:
    """The E-law rule and the register's reason, with today's successor, for a value that is a
    body or regime of the bank's register no longer in force (an enum lists only what the engine
    can draft today: a primary care trust is no legal form it can describe, but its successor is
    the fix)."""
    if ck.law is None or not isinstance(value, str):
        return None
    rule = ck.law.rule_for(value)
    why = ck.law.not_in_force(value, dt.date.today()) if rule else None
    return (rule, why) if rule and why else None


class Enum(Scalar):
    """One of the given values, of their own kind (``enum: [1, 2, 3]`` takes the number 2)."""

    def __init__(self, *values: Any):
        self.values = values
        self.expects = "one of " + ", ".join(map(str, values))

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if not any(value == v and type(value) is type(v) for v in self.values):
            if retired := _retired(value, ck):  # a body or regime the law no longer has
                rule, why = retired
                ck.error(rule, path, pos, f"{value} is not in force today", why)
                return None
            hint = suggest(value, map(str, self.values)) or self.expects
            ck.error("E-enum-01", path, pos, f"{value!r} is not an allowed value", hint)
            return None
        return value


class Code(Scalar):
    """A code whose plain-English wording lives in the bank's ``vocabulary.yaml``."""

    expects = "a code from the bank's vocabulary.yaml"

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if not isinstance(value, str):
            return self.wrong(value, ck, path, pos)
        if ck.vocabulary and value not in ck.vocabulary:
            hint = suggest(value, ck.vocabulary) or "add its wording to the bank's vocabulary.yaml"
            ck.error("E-code-01", path, pos, f"unknown code {value!r}", hint)
            return None
        return value


class Ref(Scalar):
    """A reference to an id declared elsewhere in the deal (a party, a governance body...)."""

    def __init__(self, *kinds: str):
        self.kinds = kinds
        self.expects = f"the id of a {' or '.join(kinds)}"

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        if not isinstance(value, str):
            return self.wrong(value, ck, path, pos)
        for kind in self.kinds:
            ck.pending_refs.append((kind, value, path, pos))
        return value


class Id(Str):
    """Declares an id of ``kind`` (checked for duplicates, available to :class:`Ref`)."""

    def __init__(self, kind: str):
        super().__init__(r"[a-z][a-z0-9_]*", "ids are lower case letters, digits and _")
        self.kind = kind

    def check_value(self, value: Any, ck: Checker, path: str, pos: Pos) -> Any:
        checked = super().check_value(value, ck, path, pos)
        if checked is None:
            return None
        seen = ck.ids.setdefault(self.kind, {})
        if checked in seen:
            ck.error("E-ref-03", path, pos, f"{self.kind} id {checked!r} is declared twice")
        seen[checked] = path
        return checked
