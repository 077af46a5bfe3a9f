"""WordprocessingML belongs to ``oxml/``: no other module names a ``w:`` element or attribute,
builds a qualified name, or holds the WordprocessingML namespace, so a change to how Word is
written touches one package (and a reader of the other layers never meets an XPath)."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

import assembler

SRC = Path(assembler.__file__).parent
W_NS = "schemas.openxmlformats.org/wordprocessingml"
#: What betrays WordprocessingML outside oxml/: a quoted ``w:`` name ("w:p", 'w:pStyle'), one
#: in literal XML ("<w:r>"), a Clark name built by hand ("{%s}p" % W, f"{W}p"), the namespace
#: itself, a local name matched by hand (tag.endswith("}sectPr")), or the qualified-name helper
#: and namespace table imported.
FORBIDDEN = [
    (re.compile(r"[\"'<]/?w:[A-Za-z]"), "a w: name"),
    (re.compile(r"\{%s\}|\{+W\}+[A-Za-z]|\bNS\[\"w\"\]"), "a qualified name built by hand"),
    (re.compile(re.escape(W_NS)), "the WordprocessingML namespace"),
    (re.compile(r"[\"']\}[a-z][A-Za-z]*[\"']"), "a local name matched by hand"),
]
#: The names of oxml.ns that build or hold WordprocessingML, imported by any form of import.
NS_NAMES = {"qn", "W", "NS", "WRAPPER_OPEN", "WRAPPER_CLOSE"}


def offences(root: Path) -> list[str]:
    """``path:line: what`` for each line outside ``oxml/`` that speaks WordprocessingML."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] in ("oxml", "housebank"):
            continue
        source = path.read_text("utf-8")
        for number, line in enumerate(source.splitlines(), start=1):
            found.extend(
                f"{relative}:{number}: {what}"
                for pattern, what in FORBIDDEN
                if pattern.search(line)
            )
        found.extend(
            f"{relative}:{node.lineno}: oxml.ns names"
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom)
            and node.module == "assembler.oxml.ns"
            and NS_NAMES & {alias.name for alias in node.names}
        )
    return found


def test_no_module_outside_oxml_speaks_wordprocessingml() -> None:
    assert offences(SRC) == []


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ('    ps = body.iter(qn("w:p"))', "a w: name"),
        ("    style = p.find(f\"{qn('w:pPr')}/{qn('w:pStyle')}\")", "a w: name"),
        ("    xml = '<w:r><w:t>x</w:t></w:r>'", "a w: name"),
        ('    tag = "{%s}p" % W', "a qualified name built by hand"),
        ('    tag = f"{{{W}}}tbl"', "a qualified name built by hand"),
        ('    ns = NS["w"]', "a qualified name built by hand"),
        (
            '    W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"',
            "the WordprocessingML namespace",
        ),
        ("from assembler.oxml.ns import parse_xml, qn", "oxml.ns names"),
        ("from assembler.oxml.ns import (parse_xml,\n    WRAPPER_OPEN)", "oxml.ns names"),
        ('    keep = not child.tag.endswith("}sectPr")', "a local name matched by hand"),
    ],
)
def test_the_check_catches_a_planted_offence(tmp_path: Path, line: str, what: str) -> None:
    (tmp_path / "render").mkdir()
    (tmp_path / "oxml").mkdir()
    planted = textwrap.indent(textwrap.dedent(line), "    ")
    (tmp_path / "render" / "bad.py").write_text(f'"""A module."""\nif True:\n{planted}\n')
    (tmp_path / "oxml" / "fine.py").write_text(f"{line}\n")  # oxml/ may say it
    assert f"render/bad.py:3: {what}" in offences(tmp_path)
    assert not [o for o in offences(tmp_path) if o.startswith("oxml/")]


def test_style_ids_and_rule_ids_are_not_mistaken_for_wordprocessingml(tmp_path: Path) -> None:
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "ok.py").write_text(
        'RULE = "W-var-02"\nSTYLE = "ClauseHeading"\nfrom assembler.oxml.ns import parse_xml\n'
    )
    assert offences(tmp_path) == []
