"""No module over about 400 lines and no function over about 50, unless its docstring says why.

A long module or function is one a reader cannot hold at once: split it into cohesive parts. Where
one must stay long, the first lines of its docstring say so ("Long because ..."), so the reason
is read where the length is met.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import assembler

SRC = Path(assembler.__file__).parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50
#: What the first lines of a docstring say when a module or function is long on purpose.
REASON = "long because"
#: How many of a docstring's first lines are read for the reason.
REASON_LINES = 3


def says_why(docstring: str | None) -> bool:
    head = "\n".join((docstring or "").splitlines()[:REASON_LINES])
    return REASON in head.lower()


def too_long(root: Path) -> list[str]:
    """``path (N lines)`` and ``path::function (N lines)`` for each module and function under
    ``root`` over its limit without a reason."""
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if "housebank" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES and not says_why(ast.get_docstring(tree)):
            found.append(f"{name} ({lines} lines)")
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            where = f"{name}::{node.name}"
            if length > MAX_FUNCTION_LINES and not says_why(ast.get_docstring(node)):
                found.append(f"{where} ({length} lines)")
    return found


def test_no_module_or_function_is_long_without_a_reason() -> None:
    assert too_long(SRC) == [], "split these, or say at the top why each must be long"


@pytest.mark.parametrize(
    ("docstring", "reported"),
    [
        ('"""Does a thing."""', True),
        ('"""Does a thing.\n\nLong because each step is one rule."""', False),
    ],
)
def test_the_check_reports_a_long_function_that_does_not_say_why(
    tmp_path: Path, docstring: str, reported: bool
) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (tmp_path / "mod.py").write_text(f'"""A module."""\n\n\ndef f():\n    {docstring}\n{body}\n')
    assert too_long(tmp_path) == (["mod.py::f (52 lines)"] if reported else [])


def test_the_check_reports_a_long_module_that_does_not_say_why(tmp_path: Path) -> None:
    filler = "\n".join(f"x{i} = {i}" for i in range(MAX_MODULE_LINES))
    (tmp_path / "plain.py").write_text(f'"""A module."""\n{filler}\n')
    (tmp_path / "kept.py").write_text(
        f'"""A table.\n\nLong because it is one table."""\n{filler}\n'
    )
    assert too_long(tmp_path) == [f"plain.py ({MAX_MODULE_LINES + 1} lines)"]
