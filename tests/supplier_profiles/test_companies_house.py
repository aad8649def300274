"""The Companies House client against a real HTTP server on loopback."""

from __future__ import annotations

import time
from datetime import date

import pytest

from supplier_profiles.taxonomies import industries_for_sic
from tests.supplier_profiles.conftest import API_KEY
from tradehub.companies_house import (
    CompaniesHouseClient,
    CompaniesHouseUnavailable,
    CompanyNotFound,
    is_company_number,
    normalise_company_number,
)


@pytest.fixture
def client_for(companies_house):
    def make(**kwargs):
        options = {
            "base_url": companies_house.url,
            "api_key": API_KEY,
            "timeout": 2.0,
            "backoff": 0.01,
        }
        options.update(kwargs)
        return CompaniesHouseClient(**options)

    return make


def test_found_company_is_mapped_with_address_dates_and_suggested_industries(
    companies_house, client_for
):
    companies_house.add("01234567", "SHEFFIELD STEEL WORKS LIMITED", sic_codes=["24100", "62012"])
    profile = client_for().get_company("1234567")  # short numbers are zero-padded
    assert profile.number == "01234567"
    assert profile.name == "SHEFFIELD STEEL WORKS LIMITED"
    assert profile.status == "active" and not profile.is_closed
    assert profile.date_of_creation == date(2009, 3, 17)
    assert profile.address["address_line_1"] == "Unit 4 Riverside Works"
    assert profile.address["postal_code"] == "S3 8EN"
    assert profile.sic_codes == ["24100", "62012"]  # the client returns them raw
    assert industries_for_sic(profile.sic_codes) == [
        "METALS_MINERALS_AND_MATERIALS",
        "SOFTWARE_AND_COMPUTER_SERVICES",
    ]
    # The API key travels as the basic-auth user name with an empty password.
    assert companies_house.requests[-1]["auth"].startswith("Basic ")


def test_unknown_number_is_not_found(companies_house, client_for):
    with pytest.raises(CompanyNotFound, match="no company with number 09999999"):
        client_for().get_company("09999999")


def test_badly_shaped_number_is_refused_without_calling_the_api(companies_house, client_for):
    with pytest.raises(CompanyNotFound, match="not a Companies House number"):
        client_for().get_company("ABC")
    assert companies_house.requests == []


def test_dissolved_company_is_reported_closed_with_a_reason(companies_house, client_for):
    companies_house.add("SC123456", "OLD MILL LIMITED", status="dissolved")
    profile = client_for().get_company("sc123456")
    assert profile.is_closed
    assert "dissolved" in profile.closed_reason and "OLD MILL LIMITED" in profile.closed_reason


def test_timeout_gives_a_clear_error_without_waiting_for_the_server(companies_house, client_for):
    companies_house.add("01234567", "SLOW LIMITED")
    companies_house.sleep["01234567"] = 3.0
    started = time.monotonic()
    with pytest.raises(CompaniesHouseUnavailable, match="did not answer in time"):
        client_for(timeout=0.3).get_company("01234567")
    assert time.monotonic() - started < 1.5


def test_5xx_is_retried_and_then_succeeds(companies_house, client_for):
    companies_house.add("01234567", "FLAKY LIMITED")
    companies_house.fail["01234567"] = [502, 503]
    profile = client_for(retries=2).get_company("01234567")
    assert profile.name == "FLAKY LIMITED"
    assert companies_house.calls("01234567") == 3


def test_5xx_every_time_is_retried_then_explained(companies_house, client_for):
    companies_house.add("01234567", "DOWN LIMITED")
    companies_house.fail["01234567"] = [500, 500, 500, 500]
    with pytest.raises(CompaniesHouseUnavailable, match=r"HTTP 500.*Try again"):
        client_for(retries=2).get_company("01234567")
    assert companies_house.calls("01234567") == 3


def test_wrong_api_key_is_a_service_error_not_a_missing_company(companies_house, client_for):
    companies_house.add("01234567", "ANY LIMITED")
    with pytest.raises(CompaniesHouseUnavailable, match="could not check Companies House"):
        client_for(api_key="wrong").get_company("01234567")


def test_refused_connection_is_retried_then_explained():
    client = CompaniesHouseClient("http://127.0.0.1:9", "k", timeout=0.3, retries=1, backoff=0.01)
    with pytest.raises(CompaniesHouseUnavailable, match="could not reach Companies House"):
        client.get_company("01234567")


@pytest.mark.parametrize(
    ("sic", "industry"),
    [
        (["30300"], "AEROSPACE"),  # 4-digit class beats its division
        (["30110"], "MARINE"),
        (["30990"], "ADVANCED_MANUFACTURING"),
        (["69101"], "LEGAL_SERVICES"),
        (["10710"], "FOOD_AND_DRINK"),
    ],
)
def test_sic_codes_suggest_industries(sic, industry):
    assert industries_for_sic(sic) == [industry]


def test_unknown_sic_codes_suggest_nothing():
    assert industries_for_sic(["99999"]) == []


@pytest.mark.parametrize(
    ("raw", "number", "valid"),
    [
        (" sc 123456 ", "SC123456", True),
        ("1234567", "01234567", True),  # all-digit numbers are zero-padded
        ("1234", "00001234", True),
        ("R0123456", "R0123456", True),
        ("OC 123 456", "OC123456", True),
        ("12-34", "12-34", False),
        ("AB12", "AB12", False),
        ("123456789", "123456789", False),
        ("1234567A", "1234567A", False),
    ],
)
def test_one_number_rule_normalises_and_checks(raw, number, valid):
    assert normalise_company_number(raw) == number
    assert is_company_number(number) is valid
