"""Everything a buyer reads on a case study can find it: its images' captions and its website
address, not only its title, summary, description and keywords (both backends alike)."""

from __future__ import annotations

import pytest

from search_index import SearchQuery


@pytest.fixture
def with_studies(backend, make_doc):
    backend.index_documents(
        [
            make_doc(
                801,
                "Glenmorven Cooperage",
                case_studies=[
                    {
                        "title": "Casks for a Kentucky distillery",
                        "summary": "Re-charred barrels.",
                        "description": "",
                        "keywords": [],
                        "captions": ["Copper stills at the Speyside workshop"],
                        "website": "https://www.kentucky-barrel-project.example/casks/",
                    }
                ],
            ),
            make_doc(802, "Harbour Ropes", summary="Mooring lines and nets."),
        ]
    )
    return backend


@pytest.mark.parametrize(
    "text",
    [
        "copper stills",
        "speyside workshop",
        "kentucky-barrel-project.example",
        "barrel project",
    ],
)
def test_captions_and_website_addresses_of_case_studies_are_searchable(with_studies, text):
    assert [h.id for h in with_studies.search(SearchQuery(text=text)).hits] == [801]


def test_the_shared_parts_of_web_addresses_match_nothing(with_studies):
    # Every address has a scheme and most a "www": they are not indexed as words.
    assert with_studies.search(SearchQuery(text="https www")).hits == []
