"""Compile and run one template (a clause, a definition, a line of the frame) in the sandbox,
under its time and size budget, returning its text and a :class:`Trace` of what it did.

The sandbox's helpers record missing values, blanks, deal values read and markers issued as the
template runs; that recording is scoped to the one call here, so what a render found is a
returned value, never state that outlives it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Template, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from assembler.core.errors import AssemblerError, Diagnostic
from assembler.template.limits import TEMPLATE_FAULTS
from assembler.template.sandbox import (
    MAX_SECONDS,
    MAX_TEXT,
    BudgetExceeded,
    ClauseEnvironment,
    Forbidden,
    Recorder,
    budget,
    check_markers,
    in_clause,
)

#: Bounds on compiling and rendering one clause: wall-clock time (loops) and size of the result.
MAX_RENDER_SECONDS = MAX_SECONDS
MAX_CLAUSE_CHARS = MAX_TEXT


@dataclass
class Trace:
    """What rendering found besides text: values missing, blanks a clause's own text leaves,
    deal-sheet paths read, and warnings; each (clause id, ...) in the order met."""

    missing: list[tuple[str, str]] = field(default_factory=list)
    blanks: list[tuple[str, str]] = field(default_factory=list)
    accessed: set[str] = field(default_factory=set)
    warnings: list[Diagnostic] = field(default_factory=list)

    def add(self, other: Trace) -> Trace:
        """This trace followed by ``other`` (for a render made of many templates)."""
        self.missing += other.missing
        self.blanks += other.blanks
        self.accessed |= other.accessed
        self.warnings += other.warnings
        return self


@dataclass(frozen=True)
class Sandbox:
    """What every template of one document renders with: the environment, the names it sees and
    the markers an earlier stage issued (a party's description may hold a blank's marker)."""

    env: ClauseEnvironment
    names: dict[str, Any]
    issued: frozenset[str] = frozenset()

    def text(
        self, source: str, clause_id: str, where: str, path: str, **extra: Any
    ) -> tuple[Markup, Trace]:
        """A small template's text (a definition, a line of the frame) and its trace."""
        xml, trace = self.run(self.compile(source, where, path), clause_id, where, path, **extra)
        return Markup(xml), trace

    def compile(
        self, source: str, where: str, path: str, paragraphs: list[int] | None = None
    ) -> Template:
        """The compiled template, or a located error naming the fragment's paragraph."""
        try:
            with limits(where, path, "compiling"):
                return self.env.template(source)
        except TemplateSyntaxError as exc:
            raise AssemblerError(_syntax_error(exc, where, path, paragraphs)) from None

    def run(
        self, template: Template, clause_id: str, where: str, path: str, **extra: Any
    ) -> tuple[str, Trace]:
        """Render ``template`` for ``clause_id``: its text, checked to hold only markers a helper
        issued, and what the sandbox recorded while it ran."""
        token = in_clause(clause_id)
        try:
            with Recorder(self.issued) as record, limits(where, path, "rendering"):
                xml = _bounded_render(template, self.names | {"clause_id": clause_id} | extra)
                check_markers(xml or "")
        except TEMPLATE_FAULTS as exc:
            raise AssemblerError(
                Diagnostic("E-tmpl-04", f"{where}: {type(exc).__name__}: {exc}", path)
            ) from None
        finally:
            token.var.reset(token)
        if xml is None:
            raise AssemblerError(
                Diagnostic(
                    "E-tmpl-07",
                    f"{where}: renders to more than {MAX_CLAUSE_CHARS:,} characters",
                    path,
                )
            )
        return xml, Trace(record.missing, record.blanks, record.accessed)


def _syntax_error(
    exc: TemplateSyntaxError, where: str, path: str, paragraphs: list[int] | None
) -> Diagnostic:
    line = exc.lineno or 1
    at = f"paragraph {paragraphs[min(line, len(paragraphs)) - 1]}" if paragraphs else f"line {line}"
    forbidden = isinstance(exc, Forbidden)
    return Diagnostic(
        "E-tmpl-08" if forbidden else "E-tmpl-02",
        f"{where}, {at}: {exc.message}",
        path,
        hint="a clause prints values and calls the engine's helpers; see the README's "
        "sandbox section"
        if forbidden
        else "check the {% %} tags",
    )


def _bounded_render(template: Template, names: dict[str, Any]) -> str | None:
    """The template's text, or None once it passes MAX_CLAUSE_CHARS: counted as it is produced,
    so a runaway clause stops before it has built its whole output."""
    pieces = []
    size = 0
    for piece in template.generate(**names):
        size += len(piece)
        if size > MAX_CLAUSE_CHARS:
            return None
        pieces.append(piece)
    return "".join(pieces)


@contextmanager
def limits(where: str, path: str, doing: str) -> Iterator[None]:
    """Run a compile or render under the budget, its failures as located errors."""
    try:
        with budget(MAX_RENDER_SECONDS):
            yield
    except BudgetExceeded:
        raise AssemblerError(
            Diagnostic(
                "E-tmpl-06",
                f"{where}: {doing} took longer than {MAX_RENDER_SECONDS} s "
                "(a loop that never ends?)",
                path,
            )
        ) from None
    except MemoryError:
        raise AssemblerError(
            Diagnostic("E-tmpl-07", f"{where}: {doing} needs too much memory", path)
        ) from None
    except RecursionError:
        raise AssemblerError(
            Diagnostic("E-tmpl-04", f"{where}: {doing} recurses too deeply", path)
        ) from None
    except SecurityError as exc:
        raise AssemblerError(
            Diagnostic("E-tmpl-03", f"{where}: blocked by the sandbox: {exc}", path)
        ) from None
