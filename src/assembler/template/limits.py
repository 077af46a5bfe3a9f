"""The sandbox's bounds: sizes checked before memory is taken, and a time and memory budget
for compiling, rendering and evaluating each clause or condition."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2.exceptions import SecurityError, TemplateError

#: The largest string or list ``*`` may build, and the largest exponent ``**`` may take: without
#: these, ``{{ 'x' * 10**10 }}`` exhausts memory in one step that no timer can interrupt.
MAX_REPEAT = 100_000
MAX_EXPONENT = 100
#: The largest count or width a filter or string method may take (``center``, ``indent``,
#: ``batch``, ``slice``, ``ljust``...), and the largest text one step may build.
MAX_SIZE = 100_000
MAX_TEXT = 2_000_000
#: The budget for compiling, rendering or evaluating one clause or condition.
MAX_SECONDS = 5
MAX_MEMORY = 1 << 30
_WIDTH = re.compile(r"%[#0 +\-]*(\*|\d+)?(?:\.(\*|\d*))?")


class BudgetExceeded(Exception):
    """Compiling, rendering or evaluating took longer than its time budget."""


#: What the bank's Jinja raises on a fault of its own: Jinja's errors and the sandbox's, and the
#: operators' (``"a" < 1``, ``1 / 0``, a missing key). Anything else is a fault in the engine,
#: and is not reported as the bank's.
TEMPLATE_FAULTS: tuple[type[Exception], ...] = (
    TemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    AttributeError,
    LookupError,
)
#: What evaluating the bank's Jinja (a clause's condition, say) raises on a fault in the bank:
#: those, and the budget's.
EVALUATION_ERRORS: tuple[type[BaseException], ...] = (
    *TEMPLATE_FAULTS,
    BudgetExceeded,
    MemoryError,
    RecursionError,
)


@contextlib.contextmanager
def budget(seconds: float = MAX_SECONDS, memory: int = MAX_MEMORY) -> Iterator[None]:
    """Interrupt the block after ``seconds`` and fail its allocations beyond ``memory`` more bytes
    of address space (MemoryError). Unix main thread only; elsewhere it is not bounded. Jinja's
    sandbox bounds ``range()`` but not nested loops, and folds constants while compiling."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise BudgetExceeded(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with _address_space(memory):
            yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _address_space(extra: int) -> Iterator[None]:
    """Lower the soft address-space limit to what the process uses now plus ``extra``."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        yield
        return
    limit = used + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def too_big(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SIZE


def check_sizes(what: str, values: Iterable[Any]) -> None:
    for value in values:
        if too_big(value):
            raise SecurityError(f"{what}: {value:,} is larger than {MAX_SIZE:,}")


def check_percent(spec: str) -> None:
    """Refuse ``'%0999999999d'``-style widths and ``*`` widths in a %-format."""
    for match in _WIDTH.finditer(spec):
        for width in match.groups():
            if width == "*" or (width and int(width) > MAX_SIZE):
                raise SecurityError(f"a format width of {width} is not allowed")


def check_replace(text: Any, old: Any, new: Any) -> None:
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = text.count(old) if old else len(text) + 1
        if count * len(new) > MAX_TEXT:
            raise SecurityError(f"replacing would make more than {MAX_TEXT:,} characters")


def weight(value: Any) -> int:
    """How many characters (or items) a value stands for, one level deep."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple):
        return sum(len(v) if isinstance(v, str) else 1 for v in value)
    return 1


def bounded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in filter whose count and width arguments are bounded (not the value it filters)."""
    skip = 2 if getattr(func, "jinja_pass_arg", None) is not None else 1

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        if name == "format":
            check_percent(str(args[skip - 1]))
        else:
            check_sizes(f"|{name}", (*args[skip:], *kwargs.values()))
        if name == "replace":
            check_replace(*args[skip - 1 : skip + 2])
        return func(*args, **kwargs)

    return run
