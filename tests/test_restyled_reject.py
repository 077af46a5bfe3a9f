"""A provision the varied agreement restyles (clause 28.2 made an item, (a), of 28.1) is a
tracked change of its paragraph's properties (w:pPrChange) in the conformed copy: Reject All in
LibreOffice gives the original back, its numbering and the numbers cited to it included (the
change records the list level each style gives, which LibreOffice imports as the paragraph's
own); Accept All gives the varied numbers, 28.3 kept."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

from test_vary import VARIATION, libreoffice_accept_all, pdf_text

from assembler.api import Workspace, build, rebuild
from assembler.bank.clausebank import ClauseBank
from assembler.variation.vary import vary

from conftest import EXAMPLE, needs_soffice, new_version

CURE = "The Party must put the breach right within"
EXCLUDED = "A Party in Wilful Default may be excluded"


def restyled_fragment(bank, tmp_path):
    """The newest wilful-default wording with its labelled second provision made an item."""
    clause = ClauseBank.load(bank).clause("wilful-default")
    newest = max(clause.versions, key=lambda v: v.key)
    out = tmp_path / "wilful-default.docx"
    with zipfile.ZipFile(newest.path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                at = xml.rindex(
                    'w:val="Clause2"',
                    0,
                    xml.index("label(&apos;cure&apos;)")
                    if "label(&apos;cure&apos;)" in xml
                    else xml.index("label('cure')"),
                )
                xml = xml[:at] + 'w:val="Clause3"' + xml[at + len('w:val="Clause2"') :]
                data = xml.encode("utf-8")
            dst.writestr(item, data)
    return newest.version, out


@needs_soffice()
def test_rejecting_a_restyled_provision_in_libreoffice_gives_the_original_numbering(tmp_path, bank):
    signed_version, fragment = restyled_fragment(bank, tmp_path)
    version = new_version(
        bank, "wilful-default", fragment=fragment, approved_on=dt.date(2026, 12, 1),
        effective_from=dt.date(2015, 1, 1), change="The cure period is an item of the notice.",
    )  # fmt: skip
    ws = Workspace.open(bank, bank / "templates")
    signed, text = tmp_path / "signed.yaml", EXAMPLE.read_text()
    pin = f"pins: {{wilful-default: {signed_version}}}\nchoices:"
    signed.write_text(text.replace("choices:", pin, 1))
    lock = build(signed, tmp_path / "signed.docx", workspace=ws).lock
    year2 = tmp_path / "year2.yaml"
    year2.write_text(text + VARIATION)
    result = vary(lock, year2, tmp_path / "v.docx", workspace=ws)
    _, varied = rebuild(result.conformed_lock, ws)
    assert {pc.slot: pc.version for pc in varied.plan.clauses}["wilful-default"] == version
    with zipfile.ZipFile(result.conformed) as package:
        assert "w:pPrChange" in package.read("word/document.xml").decode()
    _, old = rebuild(lock, ws)
    n = next(pc.number for pc in old.plan.clauses if pc.slot == "wilful-default")

    def flat(docx):
        return re.sub(r"\s+", " ", pdf_text(docx))

    rejected = flat(libreoffice_accept_all(result.conformed, tmp_path, reject=True))
    assert f"{n}.2 {CURE}" in rejected and f"{n}.3 {EXCLUDED}" in rejected
    assert f"within the period in clause {n}.2 after" in rejected
    accepted = flat(libreoffice_accept_all(result.conformed, tmp_path))
    assert f"(a) {CURE}" in accepted and f"{n}.3 {EXCLUDED}" in accepted  # 28.2 held
    for text_ in (rejected, accepted):
        assert "Reference source not found" not in text_
