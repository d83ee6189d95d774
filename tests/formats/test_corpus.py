"""Every broken document of the corpus is refused, naming the field at fault."""

from __future__ import annotations

import pytest

from scheduler.formats import DocumentError, load_problem
from tests.formats.corpus import MUTATIONS, base_problem, broken_cases, broken_documents

CASES = broken_cases()


def test_corpus_is_large_and_names_are_unique():
    names = [name for name, _, _ in broken_documents()]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


def test_base_document_is_valid():
    load_problem(base_problem())


@pytest.mark.parametrize("broken", CASES, ids=[b.name for b in CASES])
def test_broken_document_is_refused_naming_the_field(broken):
    with pytest.raises(DocumentError) as info:
        load_problem(broken.data)
    issues = info.value.issues
    assert any(i.path == broken.path for i in issues), [str(i) for i in issues]
    assert any(i.path == broken.path and broken.reason in i.reason for i in issues), [
        str(i) for i in issues
    ]


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_mutation_breaks_few_things(name):
    """One rule broken once gives a short, focused report, not a cascade."""
    fn, _, _ = MUTATIONS[name]
    doc = base_problem()
    fn(doc)
    with pytest.raises(DocumentError) as info:
        load_problem(doc)
    assert 1 <= len(info.value.issues) <= 2, [str(i) for i in info.value.issues]


def test_existing_meeting_of_a_changed_length_is_accepted():
    """A case's duration changed after its meeting was confirmed: the meeting no longer
    fits, which is for the engine and the verifier (released or moved), not a refusal."""
    from tests.formats.corpus import with_existing

    doc = base_problem()
    with_existing(doc)
    doc["existing"][0]["end"] = "2027-03-08T13:00"  # the case lasts 15 minutes longer now
    problem = load_problem(doc)
    assert str(problem.existing[0].end) == "2027-03-08 13:00:00"
