"""Client for the Companies House public data API (GET /company/{number}), and the one
Companies House number rule (`normalise_company_number`, `is_company_number`).

Profiles carry the raw SIC codes; what they suggest about a supplier's industries is a supplier
rule (supplier_profiles.taxonomies.industries_for_sic).

Built on `requests`: every call has a timeout, 5xx answers and refused connections are retried
with a short back-off, and every failure becomes an error whose message can be shown to the user
as it is. The base URL, API key and timeout come from config (COMPANIES_HOUSE_API_URL,
COMPANIES_HOUSE_API_KEY, COMPANIES_HOUSE_TIMEOUT), so tests point it at a local server.
The API key is sent as the HTTP basic-auth user name with an empty password, as the API expects.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import requests

from tradehub.errors import ExternalServiceError, TradeHubError

log = logging.getLogger(__name__)

# 8 digits (England and Wales), or two letters and 6 digits (SC, NI, OC, SO, NC, R0 ...).
NUMBER_RE = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6}|R0\d{6})$")

# Statuses of companies that no longer exist and so cannot have a profile.
CLOSED_STATUSES = {
    "dissolved": "dissolved",
    "converted-closed": "converted or closed",
    "closed": "closed",
    "removed": "removed from the register",
}


class CompanyNotFound(TradeHubError):
    """Companies House has no company with that number."""


class CompaniesHouseUnavailable(ExternalServiceError):
    """Companies House did not answer usefully (timeout, 5xx, refused); the user may retry."""


def normalise_company_number(raw: str | None) -> str:
    """The one spelling of a Companies House number: spaces removed, capitals, and all-digit
    numbers left-padded to 8 ("1234" -> "00001234", " sc 123456 " -> "SC123456")."""
    number = re.sub(r"\s+", "", raw or "").upper()
    if number.isdigit() and len(number) < 8:
        number = number.zfill(8)
    return number


def is_company_number(number: str) -> bool:
    """Whether `number` (already normalised) has the shape of a Companies House number."""
    return bool(NUMBER_RE.match(number))


# Companies House's types and number prefixes for companies registered in another country,
# and the names its registered office addresses use for the UK and its nations.
OVERSEAS_COMPANY_TYPES = frozenset(
    {"oversea-company", "uk-establishment", "registered-overseas-entity", "other-overseas"}
)
OVERSEAS_NUMBER_PREFIXES = ("FC", "BR", "OE")
UK_COUNTRY_NAMES = frozenset(
    {
        "united kingdom",
        "uk",
        "great britain",
        "england",
        "wales",
        "scotland",
        "northern ireland",
        "england and wales",
        "not specified",
    }
)


@dataclass(frozen=True)
class CompanyProfile:
    """What Companies House says about one company, in our terms."""

    number: str
    name: str
    status: str
    company_type: str
    date_of_creation: date | None
    address: dict[str, str] = field(default_factory=dict)
    sic_codes: list[str] = field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        """Dissolved (or otherwise closed): such a company cannot have a profile."""
        return self.status in CLOSED_STATUSES

    @property
    def closed_reason(self) -> str:
        """Why a closed company is refused, for the user."""
        return (
            f"Companies House lists {self.name} ({self.number}) as "
            f"{CLOSED_STATUSES.get(self.status, self.status)}, so it cannot have a profile."
        )

    @property
    def is_registered_outside_uk(self) -> bool:
        """An overseas company (a UK establishment of it, or an overseas entity): registered
        in another country, so it cannot have a profile as a UK supplier."""
        country = (self.address.get("country") or "").strip().lower()
        return (
            self.company_type in OVERSEAS_COMPANY_TYPES
            or self.number.upper().startswith(OVERSEAS_NUMBER_PREFIXES)
            or (bool(country) and country not in UK_COUNTRY_NAMES)
        )

    @property
    def outside_uk_reason(self) -> str:
        """Why a company registered outside the UK is refused, for the user."""
        return (
            f"Companies House lists {self.name} ({self.number}) as a company registered outside "
            "the UK, so it cannot have a profile as a UK supplier."
        )

    @classmethod
    def from_api(cls, number: str, data: Mapping) -> CompanyProfile:
        """Build from the API's JSON (fields documented by Companies House)."""
        office = data.get("registered_office_address") or {}
        created = None
        if data.get("date_of_creation"):
            try:
                created = date.fromisoformat(str(data["date_of_creation"]))
            except ValueError:
                created = None
        address = {
            "address_line_1": " ".join(
                part for part in (office.get("premises"), office.get("address_line_1")) if part
            ),
            "address_line_2": office.get("address_line_2") or "",
            "locality": office.get("locality") or "",
            "postal_code": office.get("postal_code") or "",
            "country": office.get("country") or "",
        }
        return cls(
            number=str(data.get("company_number") or number),
            name=str(data.get("company_name") or "").strip(),
            status=str(data.get("company_status") or "").strip().lower(),
            company_type=str(data.get("type") or ""),
            date_of_creation=created,
            address={key: str(value)[:255] for key, value in address.items()},
            sic_codes=[str(code) for code in data.get("sic_codes") or []],
        )


class CompaniesHouseClient:
    """Looks companies up by number. One instance per request is fine: it holds no state."""

    def __init__(
        self,
        base_url: str,
        api_key: str = "",
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
    ):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    @classmethod
    def from_config(cls, config: Mapping) -> CompaniesHouseClient:
        """A client configured from the app's settings."""
        return cls(
            base_url=config["COMPANIES_HOUSE_API_URL"],
            api_key=config.get("COMPANIES_HOUSE_API_KEY") or "",
            timeout=float(config.get("COMPANIES_HOUSE_TIMEOUT") or 5.0),
            retries=int(config["COMPANIES_HOUSE_RETRIES"]),
            backoff=float(config["COMPANIES_HOUSE_BACKOFF"]),
        )

    def get_company(self, number: str) -> CompanyProfile:
        """Fetch one company. Raises CompanyNotFound or CompaniesHouseUnavailable."""
        number = normalise_company_number(number)
        if not is_company_number(number):
            raise CompanyNotFound(f"{number or 'That'} is not a Companies House number.")
        response = self._get(f"/company/{number}")
        if response.status_code == 404:
            raise CompanyNotFound(f"Companies House has no company with number {number}.")
        if response.status_code in (401, 403):
            log.error("Companies House refused our API key (HTTP %s)", response.status_code)
            raise CompaniesHouseUnavailable(
                "We could not check Companies House just now. Try again later."
            )
        if response.status_code == 429:
            raise CompaniesHouseUnavailable("Companies House is busy. Wait a minute and try again.")
        if response.status_code != 200:
            raise CompaniesHouseUnavailable(
                f"Companies House answered with an error (HTTP {response.status_code}). "
                "Try again in a few minutes."
            )
        try:
            data = response.json()
        except ValueError as exc:
            raise CompaniesHouseUnavailable(
                "Companies House sent an answer we could not read. Try again in a few minutes."
            ) from exc
        if not isinstance(data, dict) or not data.get("company_name"):
            raise CompaniesHouseUnavailable(
                "Companies House sent an answer we could not read. Try again in a few minutes."
            )
        return CompanyProfile.from_api(number, data)

    def _get(self, path: str) -> requests.Response:
        url = self.base_url + path
        auth = (self.api_key, "") if self.api_key else None
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                response = requests.get(
                    url, auth=auth, timeout=self.timeout, headers={"Accept": "application/json"}
                )
            except requests.Timeout as exc:
                # Not retried: the user has already waited the whole timeout.
                log.warning("Companies House timed out after %ss: %s", self.timeout, url)
                raise CompaniesHouseUnavailable(
                    "Companies House did not answer in time. Try again in a few minutes."
                ) from exc
            except requests.ConnectionError as exc:
                log.warning("Companies House connection failed (attempt %s): %s", attempt, exc)
                if attempt == attempts:
                    raise CompaniesHouseUnavailable(
                        "We could not reach Companies House. Try again in a few minutes."
                    ) from exc
            except requests.RequestException as exc:
                raise CompaniesHouseUnavailable(
                    "We could not reach Companies House. Try again in a few minutes."
                ) from exc
            else:
                if response.status_code < 500 or attempt == attempts:
                    return response
                log.warning(
                    "Companies House HTTP %s (attempt %s of %s)",
                    response.status_code,
                    attempt,
                    attempts,
                )
            time.sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable")  # the loop always returns or raises
