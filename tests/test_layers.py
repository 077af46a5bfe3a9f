"""The packages are layers: a module imports only from its own layer and the layers below it.

Every import is counted, including those inside functions (which once hid a cycle between the
rules and the document types), so a change that reaches back up the pipeline fails here, naming
the module, the line and the layer it reached.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import assembler

SRC = Path(assembler.__file__).parent
#: lowest first; a package may import from its own layer and any earlier one
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("oxml",),
    ("template",),
    ("bank",),
    ("deal", "doctypes"),
    ("plan",),
    ("render",),
    ("package",),
    ("checks",),
    ("pipeline",),
    ("variation",),
    ("batches",),
    ("api",),
    ("cli", "__main__", "__init__"),
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "housebank" not in p.parts)


def name_of(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, module inside assembler) for every import in ``path``, at any depth."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("assembler."):
                found.append((node.lineno, node.module.removeprefix("assembler.")))
            elif node.module == "assembler":
                found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: use an absolute import inside assembler")
        elif isinstance(node, ast.Import):
            found.extend(
                (node.lineno, a.name.removeprefix("assembler."))
                for a in node.names
                if a.name.startswith("assembler.")
            )
    return found


def rank_of(module: str) -> int:
    head = module.split(".")[0]
    assert head in RANK, f"assembler.{head} is in no layer: add it to LAYERS and the README"
    return RANK[head]


def reaching_up() -> list[tuple[str, int, str]]:
    found = []
    for path in modules():
        source = name_of(path)
        for line, target in imported(path):
            if rank_of(target) > rank_of(source):
                found.append((str(path.relative_to(SRC)), line, target))
    return found


def test_no_module_imports_from_a_higher_layer() -> None:
    assert reaching_up() == []


def test_every_package_is_in_a_layer_and_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for package in sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()):
        if package == "housebank":
            continue
        assert package in RANK, package
        assert f"  {package}/" in readme, f"README's layout does not show {package}/"


def unlisted_modules(readme: str) -> list[str]:
    """Modules of the checked packages whose file name the README's layout section lacks."""
    layout = readme[readme.index("## Layout") :]
    layout = layout[: layout.index("\n## ")]
    return [
        str(path.relative_to(SRC))
        for path in modules()
        if path.parent != SRC and path.name != "__init__.py" and path.name not in layout
    ]


def test_every_module_is_in_the_readme_layout() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert unlisted_modules(readme) == [], "name each in README.md's Layout section"


def test_the_layout_check_catches_a_module_the_readme_lacks() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert "bank/views.py" in unlisted_modules(readme.replace("views.py", "view.py"))


def test_the_check_catches_a_module_reaching_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "assembler"
    (fake / "core").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "core" / "__init__.py").write_text("")
    (fake / "core" / "bad.py").write_text("def f():\n    from assembler.cli.main import main\n")
    monkeypatch.setattr(__import__(__name__), "SRC", fake)
    assert reaching_up() == [("core/bad.py", 2, "cli.main")]
