"""LibreOffice renders the document: clause numbers 1, 2, 3..., sub-clauses 1.1, lists restart at (a)."""

from __future__ import annotations

import re
import subprocess

from assembler.package.export import to_pdf

from conftest import needs_soffice

pytestmark = needs_soffice()


def pdf_lines(example, tmp_path) -> list[str]:
    _, data = example
    docx = tmp_path / "agreement.docx"
    docx.write_bytes(data)
    pdf = to_pdf(docx)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_libreoffice_shows_the_engine_numbering(example, tmp_path):
    result, _ = example
    lines = pdf_lines(example, tmp_path)
    assert not any("Error: Reference source not found" in line for line in lines)
    titles = {c.title: c.number for c in result.plan.clauses}
    # every clause heading is printed with the number the engine planned
    for title, number in titles.items():
        assert any(re.match(rf"^{number}\.\s+{re.escape(title)}$", line) for line in lines), (
            number,
            title,
        )
    # sub-clauses follow their heading: the first sub-clause of clause 2 is 2.1
    assert any(line.startswith("2.1 ") for line in lines)
    # lettered lists restart at (a) under each sub-clause
    letters = [line.split()[0] for line in lines if re.match(r"^\([a-h]\)\s", line)]
    assert letters.count("(a)") >= 3
    for previous, current in zip(letters, letters[1:], strict=False):
        if current != "(a)":
            assert ord(current[1]) == ord(previous[1]) + 1, (previous, current)


def test_cross_references_print_their_numbers(example, tmp_path):
    result, _ = example
    lines = " ".join(pdf_lines(example, tmp_path))
    from ruamel.yaml import YAML

    refs = YAML(typ="safe").load(result.lock.read_text())["references"]
    number = refs["reserved-matters"]
    assert number in lines


def test_every_schedule_restarts_its_numbering_at_1(example, tmp_path):
    result, _ = example
    lines = pdf_lines(example, tmp_path)
    titles = [s.title for s in result.plan.schedules]
    starts = [i for i, line in enumerate(lines) if line in titles]
    assert len(starts) == len(titles)
    for start in starts:
        numbered = [
            line for line in lines[start + 1 : start + 12] if re.match(r"^\d+(\.\d+)?\.?\s", line)
        ]
        assert numbered and numbered[0].split()[0] in ("1.", "1"), (lines[start], numbered[:2])
    members = lines[starts[0] + 1 : starts[1]]
    assert any(line.startswith("1.1 ") for line in members) and any(
        line.startswith("2.1 ") for line in members
    )
