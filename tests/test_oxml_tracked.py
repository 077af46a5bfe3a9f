"""oxml.tracked on small XML strings: accepting every change gives the new text, rejecting every
change gives the old, and only the words that changed are marked."""

from __future__ import annotations

import copy

from lxml import etree

from assembler.oxml.ns import NS, parse_xml, qn
from assembler.oxml.redline import marked_up, with_changes
from assembler.oxml.text import text_of
from assembler.oxml.tracked import Revisions, conform, renamed

W = f'xmlns:w="{NS["w"]}"'
AUTHOR, DATE = "Assembler", "2026-01-01T00:00:00Z"


def p(body: str, style: str = "Clause2") -> etree._Element:
    return parse_xml(f'<w:p {W}><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{body}</w:p>')


def r(text: str, props: str = "") -> str:
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


def ref(result: str) -> str:
    """A cross-reference field with its cached result."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> REF _Ref1 \\w \\h </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{result}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def body(*paragraphs: etree._Element) -> etree._Element:
    element = parse_xml(f"<w:body {W}/>")
    element.extend(copy.deepcopy(x) for x in paragraphs)
    return element


def accepted(element: etree._Element) -> etree._Element:
    return with_changes(element, accept=True)


def rejected(element: etree._Element) -> etree._Element:
    return with_changes(element, accept=False)


def texts(element: etree._Element) -> list[str]:
    return [text_of(x) for x in element.iter(qn("w:p"))]


def changes(element: etree._Element, tag: str) -> list[str]:
    """The text each ``tag`` change carries, deleted text included."""
    return [
        "".join(t.text or "" for t in c.iter(qn("w:t"), qn("w:delText")))
        for c in element.iter(qn(tag))
    ]


def test_a_changed_paragraph_marks_only_the_words_that_changed() -> None:
    old = p(r("The Parties meet once a year in public."))
    new = p(r("The Parties meet twice a year in public."))
    changed = Revisions(AUTHOR, DATE).changed(old, new)
    assert changes(changed, "w:del") == ["once "]
    assert changes(changed, "w:ins") == ["twice "]
    assert texts(accepted(changed)) == ["The Parties meet twice a year in public."]
    assert texts(rejected(changed)) == ["The Parties meet once a year in public."]
    assert changed.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) == "Clause2"


def test_each_word_keeps_its_run_s_formatting() -> None:
    highlight = '<w:rPr><w:highlight w:val="yellow"/></w:rPr>'
    old = p(r("Pay ") + r("[amount]", highlight) + r(" each year."))
    new = p(r("Pay ") + r("[amount]", highlight) + r(" each quarter."))
    changed = Revisions(AUTHOR, DATE).changed(old, new)
    kept = [x for x in changed if x.tag == qn("w:r") and text_of(x) == "[amount]"]
    assert len(kept) == 1 and kept[0].find(f"{qn('w:rPr')}/{qn('w:highlight')}") is not None
    assert (changes(changed, "w:del"), changes(changed, "w:ins")) == (["year."], ["quarter."])


def test_a_cross_reference_is_kept_or_replaced_whole_never_flattened() -> None:
    same = Revisions(AUTHOR, DATE).changed(
        p(r("See clause ") + ref("4.2") + r(" for notice.")),
        p(r("See clause ") + ref("4.2") + r(" for all notices.")),
    )
    assert [c.getparent().tag for c in same.iter(qn("w:instrText"))] == [qn("w:r")]
    assert same.find(f"{qn('w:r')}/{qn('w:instrText')}") is not None  # not inside a change
    moved = Revisions(AUTHOR, DATE).changed(
        p(r("See clause ") + ref("4.2") + r(".")), p(r("See clause ") + ref("5.2") + r("."))
    )
    deleted, inserted = moved.find(qn("w:del")), moved.find(qn("w:ins"))
    assert [f.get(qn("w:fldCharType")) for f in deleted.iter(qn("w:fldChar"))] == [
        "begin",
        "separate",
        "end",
    ]
    assert deleted.find(f".//{qn('w:delInstrText')}") is not None
    assert [f.get(qn("w:fldCharType")) for f in inserted.iter(qn("w:fldChar"))] == [
        "begin",
        "separate",
        "end",
    ]
    assert texts(accepted(moved)) == ["See clause 5.2."]
    assert texts(rejected(moved)) == ["See clause 4.2."]


def test_an_inserted_and_a_deleted_paragraph_carry_their_mark_and_author() -> None:
    revisions = Revisions(AUTHOR, DATE, first_id=10)
    bookmarked = p(
        '<w:bookmarkStart w:id="1" w:name="_Ref1"/>' + r("Gone.") + '<w:bookmarkEnd w:id="1"/>'
    )
    inserted, deleted = revisions.inserted(p(r("New."))), revisions.deleted(bookmarked)
    for para, tag in ((inserted, "w:ins"), (deleted, "w:del")):
        mark = para.find(f"{qn('w:pPr')}/{qn('w:rPr')}")[0]
        assert mark.tag == qn(tag)  # first in the paragraph mark's properties
        assert (mark.get(qn("w:author")), mark.get(qn("w:date"))) == (AUTHOR, DATE)
    assert changes(inserted, "w:ins") == ["", "New."]  # the mark, then the run
    assert deleted.find(f".//{qn('w:bookmarkStart')}") is not None  # nothing took its name
    taken = revisions.deleted(bookmarked, taken={"_Ref1"})
    assert taken.find(f".//{qn('w:bookmarkStart')}") is None  # the new text has it already
    assert [t.text for t in deleted.iter(qn("w:delText"))] == ["Gone."]
    ids = [
        int(c.get(qn("w:id")))
        for x in (inserted, deleted)
        for c in x.iter(qn("w:ins"), qn("w:del"), qn("w:bookmarkStart"))
    ]
    assert sorted(ids) == list(range(10, 10 + len(ids)))  # unique, from first_id
    assert bookmarked.find(f".//{qn('w:bookmarkStart')}") is not None  # the input is not changed


def test_conform_accepts_to_the_new_body_and_rejects_to_the_old() -> None:
    old = body(
        p(r("1 Heading"), "Clause1"),
        p(r("The term is three years.")),
        p(r("A clause that goes.")),
        p(r("Unchanged text.")),
    )
    new = body(
        p(r("1 Heading"), "Clause1"),
        p(r("The term is five years.")),
        p(r("Unchanged text.")),
        p(r("A clause that arrives."), "Clause3"),
    )
    new.append(parse_xml(f'<w:sectPr {W}><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'))
    conformed = conform(old, new, Revisions(AUTHOR, DATE))
    assert texts(accepted(conformed)) == texts(new)
    assert texts(rejected(conformed)) == texts(old)
    assert changes(conformed, "w:del") == ["three ", "", "A clause that goes."]
    assert conformed[-1].tag == qn("w:sectPr")


def test_renamed_replaces_a_name_in_the_text_only() -> None:
    old = body(p(r("NHS Anytown CCG and the Council agree.")))
    assert texts(renamed(old, {"NHS Anytown CCG": "NHS Anytown ICB"})) == [
        "NHS Anytown ICB and the Council agree."
    ]
    assert texts(old) == ["NHS Anytown CCG and the Council agree."]  # a copy


def test_marked_up_prints_changes_as_formatting_and_unnumbers_a_deleted_paragraph() -> None:
    old = body(p(r("Pay once a year.")), p(r("Gone.")))
    new = body(p(r("Pay twice a year.")))
    printed = marked_up(conform(old, new, Revisions(AUTHOR, DATE)))
    assert list(printed.iter(qn("w:ins"), qn("w:del"), qn("w:delText"))) == []
    assert texts(printed) == ["Pay once twice a year.", "Gone."]  # both, as formatting

    def look(text: str) -> dict[str, str | None]:
        run = next(x for x in printed.iter(qn("w:r")) if text_of(x) == text)
        return {e.tag.split("}")[1]: e.get(qn("w:val")) for e in run.find(qn("w:rPr"))}

    assert look("twice ") == {"color": "1F4E9B", "u": "double"}
    assert look("once ") == {"color": "C00000", "strike": None}
    gone = list(printed.iter(qn("w:p")))[1]
    assert gone.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val")) == "0"


def ref_to(name: str, result: str) -> str:
    return ref(result).replace("_Ref1", name)


def bookmarked(name: str, bookmark_id: int, text: str) -> etree._Element:
    return p(
        f'<w:bookmarkStart w:id="{bookmark_id}" w:name="{name}"/>{r(text)}'
        f'<w:bookmarkEnd w:id="{bookmark_id}"/>'
    )


def unresolved(element: etree._Element) -> list[str]:
    """The targets of the cross-references a reader sees (deleted ones too) with no bookmark."""
    names = {b.get(qn("w:name")) for b in element.iter(qn("w:bookmarkStart"))}
    instructions = element.iter(qn("w:instrText"), qn("w:delInstrText"))
    return [t.text.split()[1] for t in instructions if t.text.split()[1] not in names]


def test_a_reference_to_a_provision_the_change_removes_resolves_shown_accepted_and_rejected():
    """The definition of Wilful Default cites 28.1 and 28.2; the variation removes both (the
    clause is "Not used") and the definition's words citing them: every cross-reference still
    finds its bookmark, in the conformed copy, accepted, rejected, and in the redline."""
    definition = p(
        r("Wilful Default means a breach not put right under clause ")
        + ref_to("_Ref28b", "28.2")
        + r(" after a notice under clause ")
        + ref_to("_Ref28a", "28.1")
        + r(".")
    )
    old = body(
        bookmarked("_Ref1a", 1, "In this Agreement:"),
        definition,
        p(r("Other obligations in clause ") + ref_to("_Ref28", "28") + r(" apply.")),
        bookmarked("_Ref28", 2, "Wilful default"),
        bookmarked("_Ref28a", 3, "A Party may give notice of a breach."),
        bookmarked("_Ref28b", 4, "The Party has 20 days to put it right."),
    )
    new = body(
        bookmarked("_Ref1a", 5, "In this Agreement:"),
        p(r("Wilful Default means a deliberate breach.")),
        p(r("Other obligations in clause ") + ref_to("_Ref28", "28") + r(" apply.")),
        bookmarked("_Ref28", 6, "Not used"),
    )
    conformed = conform(old, new, Revisions(AUTHOR, DATE))
    for view in (conformed, accepted(conformed), rejected(conformed)):
        assert unresolved(view) == []
        names = [b.get(qn("w:name")) for b in view.iter(qn("w:bookmarkStart"))]
        assert len(names) == len(set(names))  # one bookmark by each name
    ids = [b.get(qn("w:id")) for b in conformed.iter(qn("w:bookmarkStart"))]
    assert len(ids) == len(set(ids))
    assert unresolved(accepted(conformed)) == [] and texts(accepted(conformed)) == texts(new)
    assert texts(rejected(conformed)) == texts(old)
    # the redline prints the old references as signed, never updated to a provision that is gone
    printed = marked_up(conformed)
    assert [t.text.split()[1] for t in printed.iter(qn("w:instrText"))] == ["_Ref28"]
    assert "clause 28.2 after a notice under clause 28.1." in texts(printed)[1]


def test_a_provision_after_a_removed_item_keeps_its_bookmark_when_changes_are_rejected():
    """An item goes and the provision after it is reworded: the provision is paired with its
    old self (by its bookmark), not deleted and inserted, so rejecting every change brings back a
    provision that a cross-reference in the unchanged text still finds."""
    see = p(r("See clause ") + ref_to("_Ref2", "1.2") + r("."), "Clause1")
    old = body(
        see,
        bookmarked("_Ref1", 1, "The Parties shall:"),
        p(r("meet;"), "Clause3"),
        p(r("report;"), "Clause3"),
        bookmarked("_Ref2", 2, "Each Party pays its own costs."),
    )
    new = body(
        see,
        bookmarked("_Ref1", 3, "The Parties shall:"),
        p(r("meet;"), "Clause3"),
        bookmarked("_Ref2", 4, "Each Party pays its own costs and expenses."),
    )
    conformed = conform(old, new, Revisions(AUTHOR, DATE))
    for view in (conformed, accepted(conformed), rejected(conformed)):
        assert unresolved(view) == []
    assert texts(accepted(conformed)) == texts(new)
    assert texts(rejected(conformed)) == texts(old)
    assert changes(conformed, "w:ins") == ["costs and expenses."]  # reworded, not replaced whole


def test_a_restyled_provision_is_paired_by_its_bookmark_and_rejecting_restores_its_style():
    see = p(r("See clause ") + ref_to("_Ref2", "1.2") + r("."), "Clause1")
    old = body(see, bookmarked("_Ref2", 1, "Each Party pays its own costs."))
    new = body(see, p(r("Each Party pays its own costs and expenses."), "Clause3"))
    new[1].insert(1, parse_xml(f'<w:bookmarkStart {W} w:id="2" w:name="_Ref2"/>'))
    new[1].append(parse_xml(f'<w:bookmarkEnd {W} w:id="2"/>'))
    conformed = conform(old, new, Revisions(AUTHOR, DATE))
    for view in (conformed, accepted(conformed), rejected(conformed)):
        assert unresolved(view) == []
    assert changes(conformed, "w:ins") == ["costs and expenses."]  # one paragraph, reworded

    def styles(element: etree._Element) -> list[str | None]:
        return [x.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) for x in element]

    assert styles(accepted(conformed)) == ["Clause1", "Clause3"]
    assert styles(rejected(conformed)) == ["Clause1", "Clause2"]
    assert styles(marked_up(conformed)) == ["Clause1", "Clause3"]
