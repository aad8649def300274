"""Find a Supplier through its HTTP route: text, filters with counts, highlights, sort,
pagination that keeps filters, did you mean, browse, no results, search down, and no query per
result."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.supplier_profiles.buyer_fixtures import (
    count_queries,
    make_company,
    make_search_engine_unreachable,
    reindex,
)

URL = "/find-a-supplier"


def page(client, query: str = "", status: int = 200) -> str:
    response = client.get(URL + query)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def result_names(html: str) -> list[str]:
    return re.findall(
        r'<h3 class="govuk-heading-m govuk-!-margin-bottom-1">\s*'
        r'<a class="govuk-link" href="/suppliers/[^"]+">([^<]+)</a>',
        html,
    )


def facet_count(html: str, group: str, value: str) -> int | None:
    match = re.search(
        rf'name="{group}" type="checkbox" value="{re.escape(value)}"[^>]*>\s*<label[^>]*>\s*'
        rf'[^<]*<span class="th-facet-count">\(([\d,]+)\)</span>',
        html,
    )
    return int(match.group(1).replace(",", "")) if match else None


@pytest.fixture
def catalogue(db):
    """Three suppliers in different industries, regions and markets."""
    return {
        "cheese": make_company(
            name="Cheddar Gorge Creamery",
            slug="cheddar-gorge-creamery",
            summary="Award-winning farmhouse cheese for delicatessens.",
            industries=["FOOD_AND_DRINK"],
            region="SOUTH_WEST",
            export_countries=["FR", "DE"],
            languages=["en", "fr"],
            employees="11-50",
        ),
        "gin": make_company(
            name="Orkney Botanical Distillers",
            slug="orkney-botanical-distillers",
            summary="Small-batch gin distilled with island botanicals.",
            industries=["FOOD_AND_DRINK"],
            region="SCOTLAND",
            export_countries=["US", "JP"],
            languages=["en"],
            employees="1-10",
        ),
        "aero": make_company(
            name="Filton Composite Structures",
            slug="filton-composite-structures",
            summary="Carbon fibre wing panels for airframe makers.",
            industries=["AEROSPACE"],
            region="SOUTH_WEST",
            export_countries=["FR", "US"],
            languages=["en", "de"],
            employees="201-500",
        ),
    }


def test_browse_view_lists_every_supplier_with_facet_counts(client, catalogue):
    html = page(client)
    assert "3 suppliers" in html
    assert "Browse all UK suppliers" in html
    assert sorted(result_names(html)) == sorted(c.name for c in catalogue.values())
    assert facet_count(html, "industry", "FOOD_AND_DRINK") == 2
    assert facet_count(html, "industry", "AEROSPACE") == 1
    assert facet_count(html, "region", "SOUTH_WEST") == 2
    assert facet_count(html, "country", "FR") == 2
    assert facet_count(html, "employees", "201-500") == 1
    assert facet_count(html, "verified", "true") == 3
    # Labels, not codes, for people.
    assert "Food and drink" in html and "South West" in html


def test_text_search_finds_by_words_and_highlights_them(client, catalogue):
    html = page(client, "?q=cheese")
    assert result_names(html) == ["Cheddar Gorge Creamery"]
    assert "1 supplier" in html
    assert "<mark>cheese</mark>" in html
    assert "for ‘cheese’" in html


def test_highlight_is_the_only_html_company_text_can_carry(client, db):
    make_company(
        name="Tag Makers <b>Bold</b>",
        slug="tag-makers",
        summary='Labels <script>alert("x")</script> printed with care.',
    )
    html = page(client, "?q=labels")
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>Labels</mark>" in html
    assert "Tag Makers &lt;b&gt;Bold&lt;/b&gt;" in html


def test_filters_combine_and_facets_are_disjunctive(client, catalogue):
    html = page(client, "?industry=FOOD_AND_DRINK&region=SOUTH_WEST")
    assert result_names(html) == ["Cheddar Gorge Creamery"]
    # Industry counts apply the region filter, not the industry one (and vice versa).
    assert facet_count(html, "industry", "AEROSPACE") == 1
    assert facet_count(html, "industry", "FOOD_AND_DRINK") == 1
    assert facet_count(html, "region", "SCOTLAND") == 1
    # Selected filters are checked and can be removed one at a time.
    assert re.search(r'value="FOOD_AND_DRINK" checked', html)
    assert "Remove filter </span>Industry: Food and drink" in html

    html = page(client, "?industry=FOOD_AND_DRINK&industry=AEROSPACE&country=US")
    assert sorted(result_names(html)) == [
        "Filton Composite Structures",
        "Orkney Botanical Distillers",
    ]
    html = page(client, "?language=de")
    assert result_names(html) == ["Filton Composite Structures"]
    html = page(client, "?employees=1-10&verified=true")
    assert result_names(html) == ["Orkney Botanical Distillers"]


def test_sort_by_name_and_by_recently_updated(client, catalogue, db):
    html = page(client, "?sort=name")
    assert result_names(html) == [
        "Cheddar Gorge Creamery",
        "Filton Composite Structures",
        "Orkney Botanical Distillers",
    ]
    gin = catalogue["gin"]
    gin.summary = "Small-batch gin, now also vodka."
    reindex(gin)
    html = page(client, "?sort=updated")
    assert result_names(html)[0] == "Orkney Botanical Distillers"
    assert '<option value="updated" selected>' in html


def test_pagination_keeps_filters_in_shareable_urls(client, db):
    for i in range(45):
        make_company(
            name=f"Paged Foods {i:02d}",
            slug=f"paged-foods-{i:02d}",
            industries=["FOOD_AND_DRINK"],
            region="WALES",
        )
    make_company(name="Elsewhere Aero", slug="elsewhere-aero", industries=["AEROSPACE"])
    html = page(client, "?industry=FOOD_AND_DRINK&region=WALES&sort=name")
    assert "45 suppliers" in html
    assert len(result_names(html)) == 20
    assert 'class="govuk-pagination' in html
    next_href = (
        re.search(r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"', html)
        .group(1)
        .replace("&amp;", "&")
    )
    params = parse_qs(urlsplit(next_href).query)
    assert params == {
        "industry": ["FOOD_AND_DRINK"],
        "region": ["WALES"],
        "sort": ["name"],
        "page": ["2"],
    }
    second = page(client, "?" + urlsplit(next_href).query)
    names = result_names(second)
    assert names[0] == "Paged Foods 20" and len(names) == 20
    assert 'aria-current="page"' in second and 'rel="prev"' in second
    third = page(client, "?industry=FOOD_AND_DRINK&region=WALES&sort=name&page=3")
    assert result_names(third) == [f"Paged Foods {i}" for i in range(40, 45)]
    # A page past the end goes to the last page, filters kept.
    response = client.get(URL + "?industry=FOOD_AND_DRINK&region=WALES&sort=name&page=9")
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.location).query)["page"] == ["3"]


def test_did_you_mean_offers_the_corrected_search(client, catalogue):
    html = page(client, "?q=chesse+creamery")
    match = re.search(r'Did you mean <a class="govuk-link" href="([^"]+)">([^<]+)</a>', html)
    assert match, html[:3000]
    assert "cheese" in match.group(2)
    assert "q=" in match.group(1)


def test_no_results_page_helps(client, catalogue):
    html = page(client, "?q=submarines&region=WALES")
    assert "There are no suppliers that match your search." in html
    assert "removing filters" in html
    assert "double-checking your spelling" in html
    assert result_names(html) == []


def test_unpublished_and_unverified_companies_never_appear(client, catalogue, db):
    make_company(name="Hidden Cheese Draft", slug="hidden-cheese-draft", published=False)
    make_company(name="Unverified Cheese Co", slug="unverified-cheese", verified_at=None)
    html = page(client, "?q=cheese")
    assert result_names(html) == ["Cheddar Gorge Creamery"]
    cheese = catalogue["cheese"]
    cheese.published = False
    reindex(cheese)
    assert result_names(page(client, "?q=cheese")) == []


@pytest.mark.parametrize(
    "query, message",
    [
        ("?q=" + "x" * 201, "Search words must be 200 characters or fewer"),
    ],
)
def test_invalid_parameters_are_explained(client, catalogue, query, message):
    html = page(client, query, status=400)
    assert "There is a problem" in html
    assert message in html


def test_search_down_shows_a_clear_503_page(app, client, catalogue, tmp_path):
    make_search_engine_unreachable(app, tmp_path)
    response = client.get(URL + "?q=cheese")
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    html = response.get_data(as_text=True)
    assert "Sorry, supplier search is not working at the moment" in html
    assert "to look for ‘cheese’" in html


def test_page_works_without_javascript_and_offers_autocomplete(client, catalogue):
    html = page(client, "?industry=FOOD_AND_DRINK")
    # A plain GET form: search, filters and sort all work without scripts.
    assert '<form method="get" action="/find-a-supplier"' in html
    assert '<select class="govuk-select" id="sort" name="sort">' in html
    assert 'data-suggest-url="/api/v2/suggest"' in html
    assert "js/find-a-supplier.mjs" in html
    assert client.get("/static/js/find-a-supplier.mjs").status_code == 200


def test_search_page_makes_no_query_per_result(client, db):
    make_company(name="Single Widget Works", slug="single-widget-works", keywords=["widgets"])
    client.get(URL + "?q=widgets")  # warm up (backend built, templates compiled)
    with count_queries() as one:
        assert "1 supplier" in page(client, "?q=widgets")
    for i in range(25):
        make_company(name=f"Widget Works {i}", slug=f"widget-works-{i}", keywords=["widgets"])
    with count_queries() as many:
        assert "26 suppliers" in page(client, "?q=widgets")
    # Results come from the index: the page needs no database query at all. (Search insights
    # write the search in one INSERT after the response, the staff synonyms' version is
    # checked once and the index's generation read once (kept results, #15): none grows with
    # the results.)
    insights = ("search_events", "search_clicks", "search_synonym_groups", "search_generation")
    one = [q for q in one if not any(table in q for table in insights)]
    many = [q for q in many if not any(table in q for table in insights)]
    assert len(one) == len(many) == 0, many


def _visible_part(html: str, group: str) -> str:
    """The group's markup (what is behind "show all" is not on the page)."""
    start = html.index(f'id="facet-{group}"')
    end = html.index("</details>", start)
    return html[start:end]


def _show_all(client, html: str, group_words: str) -> str:
    """The page a group's "Show all N <group_words>" link leads to."""
    link = re.search(
        r'<a class="govuk-link th-facet__show-all" href="([^"]+)"[^>]*>'
        rf"Show all \d+ {group_words}</a>",
        html,
    )
    assert link, f"no show-all link for {group_words}"
    return page(client, link.group(1).replace("&amp;", "&").removeprefix(URL))


def test_every_industry_is_reachable_without_javascript(client, catalogue):
    from supplier_profiles import taxonomies

    industries = [code for code, _ in taxonomies.choices("industry")]
    assert len(industries) > 15
    html = page(client, "?q=cheese")
    # The top 15 show; the rest are one "show all" link away, not sent hidden in every page
    # (#15: they were 125 of the page's 177 KB).
    visible = _visible_part(html, "industry")
    assert visible.count('name="industry"') == 15
    assert html.count('name="industry" type="checkbox"') == 15
    assert '<div class="th-facet__more" id="facet-more-industry" hidden></div>' in html
    # Every value is offered, also those with no match in this search (count 0).
    whole = _show_all(client, html, "industries")
    for code in industries:
        assert f'name="industry" type="checkbox" value="{code}"' in whole, code
    assert facet_count(whole, "industry", "FOOD_AND_DRINK") == 1
    assert facet_count(whole, "industry", "AEROSPACE") == 0
    link = re.search(
        r'<a class="govuk-link th-facet__show-all" href="([^"]+)"[^>]*>'
        r"Show all (\d+) industries</a>",
        html,
    )
    assert link and int(link.group(2)) == len(industries)
    expanded = page(client, link.group(1).replace("&amp;", "&").removeprefix(URL))
    assert _visible_part(expanded, "industry").count('name="industry"') == len(industries)
    assert "Show all" not in _visible_part(expanded, "industry")
    # The expanded group stays expanded when the form is submitted again.
    assert '<input type="hidden" name="show" value="industry">' in expanded
    assert parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)["q"] == ["cheese"]


def test_export_markets_and_languages_are_all_reachable_and_selected_values_show(client, catalogue):
    from supplier_profiles import taxonomies

    html = page(client, "?country=ZW&language=cy")
    visible_countries = _visible_part(html, "country")
    # A selected value always shows, even with no match and far down the list.
    assert 'value="ZW" checked' in visible_countries
    assert 'value="cy" checked' in _visible_part(html, "language")
    countries = _show_all(client, html, "export markets")
    for code, _ in taxonomies.choices("export_country"):
        assert f'name="country" type="checkbox" value="{code}"' in countries, code
    languages = _show_all(client, html, "languages")
    for code, _ in taxonomies.choices("language"):
        assert f'name="language" type="checkbox" value="{code}"' in languages, code
    # The selection is kept on the way: ZW stays ticked in the whole list of markets.
    assert 'value="ZW" checked' in _visible_part(countries, "country")


def test_sort_and_filters_are_one_form(client, catalogue):
    html = page(client, "?industry=FOOD_AND_DRINK&sort=name")
    forms = re.findall(r"<form method=\"get\".*?</form>", html, re.S)
    [search] = [f for f in forms if 'name="industry"' in f]
    # The sort control is part of the filter form, so "Apply filters" keeps the chosen order.
    assert '<select class="govuk-select" id="sort" name="sort">' in search
    assert "Apply filters" in search and 'name="sort" value=' not in search
    assert 'form="sort-form"' not in html


@pytest.mark.parametrize(
    "query, notice",
    [
        (
            "?industry=AEROSPACE&industry=NOT_A_SECTOR",
            "We ignored ‘NOT_A_SECTOR’ because it is not an industry we list.",
        ),
        ("?industry=AEROSPACE&page=abc", "We ignored the page number in the link"),
        ("?industry=AEROSPACE&page=-1", "We ignored the page number in the link"),
        ("?industry=AEROSPACE&sort=price", "We ignored the sort order in the link"),
    ],
)
def test_hand_edited_links_keep_the_valid_filters_with_a_short_notice(
    client, catalogue, query, notice
):
    html = page(client, query)
    assert notice in html
    assert "There is a problem" not in html
    assert result_names(html) == ["Filton Composite Structures"]
    assert 'value="AEROSPACE" checked' in html


@pytest.mark.parametrize("number", ["999", "4", "500"])
def test_a_page_past_the_end_shows_the_last_page(client, catalogue, number):
    response = client.get(f"{URL}?industry=AEROSPACE&page={number}")
    assert response.status_code == 302
    assert "page" not in parse_qs(urlsplit(response.headers["Location"]).query)
    last = "?" + urlsplit(response.headers["Location"]).query
    assert result_names(page(client, last)) == ["Filton Composite Structures"]


def test_a_page_past_the_end_of_nothing_is_a_friendly_empty_page(client, catalogue):
    html = page(client, "?q=submarines&page=7")
    assert "There are no suppliers that match your search." in html
    assert "Browse all UK suppliers" in html


def test_the_json_api_stays_strict_about_bad_parameters(client, catalogue):
    response = client.get("/api/v1/suppliers?industry=NOT_A_SECTOR")
    assert response.status_code == 400
    assert "industry" in response.get_data(as_text=True)
    assert client.get("/api/v1/suppliers?page=abc").status_code == 400
