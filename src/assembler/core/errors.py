"""Located diagnostics and the one exception type the engine raises for bad input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypedDict

Severity = Literal["error", "warning"]


class Where(TypedDict, total=False):
    """Keyword arguments locating a Diagnostic: ``Diagnostic(rule, message, **where)``."""

    file: str | None
    line: int | None
    col: int | None


@dataclass(frozen=True)
class Diagnostic:
    """One finding: where it is, which rule it breaks, and what to do about it."""

    rule: str
    message: str
    file: str | None = None
    line: int | None = None
    col: int | None = None
    hint: str | None = None
    severity: Severity = "error"

    @property
    def location(self) -> str:
        parts = [p for p in (self.file, self.line, self.col) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity} {self.rule}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def to_dict(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class AssemblerError(Exception):
    """Bad input. Carries every diagnostic found, so a user fixes them all in one pass."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        self.diagnostics = [diagnostics] if isinstance(diagnostics, Diagnostic) else diagnostics
        super().__init__("\n".join(str(d) for d in self.diagnostics))


def fail(rule: str, message: str, **where: object) -> AssemblerError:
    """Shorthand for raising a single located error: ``raise fail("E-x-01", "...", file=...)``."""
    return AssemblerError(Diagnostic(rule, message, **where))  # type: ignore[arg-type]
