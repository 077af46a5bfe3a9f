"""plan.reads: which deal values a clause's template reads, from its syntax, so a variation traces
a changed value to every clause it reaches, branches not taken included."""

from __future__ import annotations

import pytest

from assembler.plan.reads import reaches, template_reads
from assembler.template.sandbox import make_environment


@pytest.fixture(scope="module")
def env():
    return make_environment({})


@pytest.mark.parametrize(
    ("source", "reads"),
    [
        ("{{ deal.term.years }} and {{ deal.term.years }}", ["deal.term.years"]),
        # a branch this deal does not take is read all the same: a variation may take it
        ("{% if deal.a %}{{ deal.b.c }}{% else %}{{ deal['d'] }}{% endif %}", ["deal.a", "deal.b.c", "deal.d"]),
        ("{% for p in parties %}{{ p.name }}{% endfor %}", ["deal.parties[].name"]),
        ("{% set t = deal.term %}{{ t.years }}", ["deal.term.years"]),
        ("{{ (deal.services|first).name }}", ["deal.services[].name"]),
        ("{{ parties|selectattr('is_provider')|map(attribute='name')|join(', ') }}",
         ["deal.parties[].name", "deal.parties[].roles"]),
        ("{{ body_named('strategic') }}",
         ["deal.governance.bodies[].name", "deal.governance.bodies[].role"]),
        ("{{ party('ccg').name }}", ["deal.parties[].id", "deal.parties[].name"]),
        ("{{ providers|names|join_and }}", ["deal.parties[].name", "deal.parties[].roles"]),
        ("{{ deal.term.get('years') }} {{ deal.cohort.startswith('a') }}",
         ["deal.cohort", "deal.term.years"]),
        ("{% set deal = 3 %}{{ deal }}", []),  # a name of the template's own hides the deal's
        ("{{ document.title }} {% if %}", []),  # not the deal; a template that does not parse
    ],
)  # fmt: skip
def test_a_template_reads_the_deal_paths_it_names(env, source, reads):
    assert list(template_reads(env, [source])) == reads


def test_a_read_reaches_the_concrete_values_under_it_and_the_entry_it_lies_in():
    assert reaches("deal.parties[].name", "parties[2].name")
    assert reaches("deal.term", "term.years") and reaches("deal.term", "deal.term.years")
    assert reaches("deal.parties[].name", "parties[2]")  # the party removed
    assert not reaches("deal.parties[].name", "parties[2].kind")
    assert not reaches("deal.term.years", "term.year")
