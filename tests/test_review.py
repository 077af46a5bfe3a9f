"""Review exports: Markdown and HTML numbered as the document is, headings as headings,
cross-references as their numbers (links in HTML), blanks marked; the HTML seen in a browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from assembler.api import build
from assembler.cli.main import main
from assembler.render.review import export_text

from conftest import BANK, EXAMPLE

BUILDABLE = [
    e
    for e in sorted((BANK / "examples").glob("*.yaml"))
    if e.name != "over-65s-alliance-year2.yaml"
]


@pytest.fixture(scope="module")
def built(tmp_path_factory, workspace):
    folder = tmp_path_factory.mktemp("review")
    return {e.stem: build(e, folder / f"{e.stem}.docx", workspace=workspace) for e in BUILDABLE}


@pytest.mark.parametrize("example", [e.stem for e in BUILDABLE])
@pytest.mark.slow(keep_first=True)
def test_markdown_keeps_the_numbers_and_the_headings(built, example):
    result = built[example]
    text = export_text(result.rendered, result.plan.title, "md")
    lines = text.splitlines()
    assert f"# {result.plan.title}" in lines
    for clause in result.plan.clauses:  # every clause heading, with its number
        assert f"## {clause.number}. {clause.title}" in lines, clause.title
    assert any(line.startswith("1.1 ") for line in lines)
    assert any(line.startswith("(a) ") for line in lines)
    assert "](" not in text or "<mark>" in text  # no links to nowhere
    for schedule in result.plan.schedules:
        assert f"## {schedule.number}" in lines


@pytest.mark.parametrize("example", [e.stem for e in BUILDABLE])
def test_html_is_a_standalone_numbered_page_with_working_links(built, example):
    result = built[example]
    page = export_text(result.rendered, result.plan.title, "html")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    found = Links()
    found.feed(page)
    assert found.headings[0] == (1, result.plan.title)
    first = result.plan.clauses[0]
    assert (2, f"{first.number}. {first.title}") in found.headings
    assert '<span class="num">1.1 </span>' in page
    assert re.search(r">\(a\) ", page)  # numbered, or quoted as text by a deed of variation
    assert found.links and set(found.links) <= found.ids  # every cross-reference lands


def test_cross_references_show_their_numbers_and_blanks_are_marked(example):
    result, _ = example
    markdown = export_text(result.rendered, result.plan.title, "md")
    page = export_text(result.rendered, result.plan.title, "html")
    # clause 9.2 names the Alliance Leadership Board; the definition refers to it by number
    assert "described in clause 9.2;" in markdown
    assert re.search(r'described in clause <a class="ref" href="#_Ref\d{9}">9\.2</a>;', page)
    assert "THIS AGREEMENT is dated <mark>[date]</mark>" in markdown
    assert "<mark>[date]</mark>" in page


def test_the_cli_writes_both_beside_the_docx(tmp_path):
    out = tmp_path / "a.docx"
    args = ["build", str(EXAMPLE), "-o", str(out), "--format", "md", "--format", "html"]
    result = CliRunner().invoke(main, [*args, "--no-toc-pages"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1.1 " in out.with_suffix(".md").read_text(encoding="utf-8")
    assert '<span class="num">(a) </span>' in out.with_suffix(".html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_html_page_renders_in_a_browser(example, tmp_path):
    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    if browser is None:
        pytest.skip("headless Chromium is not installed: apt-get install chromium")
    result, _ = example
    page = tmp_path / "agreement.html"
    page.write_text(export_text(result.rendered, result.plan.title, "html"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1000,1400",
        page.as_uri(),
    ]
    subprocess.run(command, capture_output=True, timeout=120, check=False)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    # a blank page compresses to a few kilobytes; text, numbers and highlighted blanks do not
    assert len(data) > 50_000, len(data)


class Links(HTMLParser):
    """Headings (level, text), element ids and in-page link targets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self._level = 0
        self._text = ""

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and (values.get("href") or "").startswith("#"):
            self.links.append(values["href"][1:])
        if re.fullmatch(r"h[1-6]", tag):
            self._level, self._text = int(tag[1]), ""

    def handle_data(self, data):
        if self._level:
            self._text += data

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append((self._level, " ".join(self._text.split())))
            self._level = 0
