"""Through LibreOffice: signature pages that hold together, whatever the number of parties."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from assembler.api import build
from assembler.export import to_pdf

from conftest import ROOT, needs_soffice

MOU = ROOT / "examples" / "ooh-transformation-mou.yaml"


def pdf_pages(pdf: Path) -> list[list[str]]:
    """Each page's non-empty lines, as pdftotext reads them."""
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        [line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")
    ]


def with_parties(count: int) -> dict:
    """The MoU deal sheet with ``count`` parties: the first of its own, then more NHS trusts;
    with fewer than its own, references to the parties left out go to those kept."""
    data = YAML(typ="safe").load(MOU.read_text())
    own = data["parties"]
    kept = own[:count] + [
        {**own[-1], "id": f"trust_{i}", "name": f"[Acute NHS FT {i}]"}
        for i in range(len(own), count)
    ]
    ids = [p["id"] for p in kept]
    gone = [p["id"] for p in own if p["id"] not in ids]
    to_kept = {old: ids[i % len(ids)] for i, old in enumerate(gone)}

    def remap(node):
        if isinstance(node, dict):
            return {key: remap(value) for key, value in node.items()}
        if isinstance(node, list):
            out: list = []
            for item in map(remap, node):
                party = item.get("party") if isinstance(item, dict) else item
                if (
                    isinstance(party, str)
                    and party in ids
                    and any(party == (o.get("party") if isinstance(o, dict) else o) for o in out)
                ):
                    continue  # two references that now name the same party
                out.append(item)
            return out
        return to_kept.get(node, node) if isinstance(node, str) else node

    data = remap({key: value for key, value in data.items() if key != "parties"})
    data["parties"] = kept
    if gone:
        data.pop("related_documents", None)  # each names two parties of its own
    return data


@needs_soffice()
@pytest.mark.parametrize("count", [2, 6, 12, 20])
def test_no_signature_block_splits_and_no_heading_stands_alone(
    count, tmp_path, workspace, assert_valid
):
    deal = tmp_path / "deal.yaml"
    stream = io.StringIO()
    YAML().dump(with_parties(count), stream)
    deal.write_text(stream.getvalue())
    result = build(deal, tmp_path / "mou.docx", workspace=workspace, draft=True)
    assert_valid(result.output)
    pages = pdf_pages(to_pdf(result.output))
    first = next(i for i, page in enumerate(pages) if "Execution" in page)
    heading = pages[first].index("Execution")
    signing = [pages[first][heading + 1 :]] + pages[first + 1 :]
    assert any(line.startswith("Signed by") for line in signing[0]), "the heading stands alone"
    starts = [sum(line.startswith("Signed by") for line in page) for page in signing]
    ends = [sum(line.startswith("Date:") for line in page) for page in signing]
    assert sum(starts) == count
    assert starts == ends, f"a block splits across pages: starts {starts}, ends {ends}"
