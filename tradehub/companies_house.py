"""Client for the Companies House public data API (GET /company/{number}).

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

# SIC 2007 code prefixes -> the industry they suggest. The longest matching prefix wins, so
# a 4-digit class (3030: aircraft) overrides its 2-digit division (30: other transport).
# Suggestions only: the exporter confirms or changes them on the profile form.
SIC_INDUSTRIES: dict[str, str] = {
    "01": "AGRICULTURE_HORTICULTURE_AND_FISHERIES",
    "02": "AGRICULTURE_HORTICULTURE_AND_FISHERIES",
    "03": "AGRICULTURE_HORTICULTURE_AND_FISHERIES",
    "05": "MINING",
    "06": "OIL_AND_GAS",
    "07": "MINING",
    "08": "MINING",
    "091": "OIL_AND_GAS",
    "099": "MINING",
    "10": "FOOD_AND_DRINK",
    "11": "FOOD_AND_DRINK",
    "13": "TEXTILES_INTERIOR_TEXTILES_AND_CARPETS",
    "14": "CLOTHING_FOOTWEAR_AND_FASHION",
    "15": "CLOTHING_FOOTWEAR_AND_FASHION",
    "18": "CREATIVE_AND_MEDIA",
    "19": "OIL_AND_GAS",
    "20": "CHEMICALS",
    "21": "BIOTECHNOLOGY_AND_PHARMACEUTICALS",
    "22": "ADVANCED_MANUFACTURING",
    "23": "METALS_MINERALS_AND_MATERIALS",
    "24": "METALS_MINERALS_AND_MATERIALS",
    "25": "METALS_MINERALS_AND_MATERIALS",
    "26": "ELECTRONICS_AND_IT_HARDWARE",
    "27": "MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING",
    "28": "MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING",
    "29": "AUTOMOTIVE",
    "301": "MARINE",
    "302": "RAILWAYS",
    "303": "AEROSPACE",
    "30": "ADVANCED_MANUFACTURING",
    "31": "HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS",
    "321": "GIFTWARE_JEWELLERY_AND_TABLEWARE",
    "323": "GLOBAL_SPORTS_INFRASTRUCTURE",
    "325": "HEALTHCARE_AND_MEDICAL",
    "32": "ADVANCED_MANUFACTURING",
    "33": "MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING",
    "35": "POWER",
    "36": "WATER",
    "37": "WATER",
    "38": "ENVIRONMENT",
    "39": "ENVIRONMENT",
    "41": "CONSTRUCTION",
    "42": "CONSTRUCTION",
    "43": "CONSTRUCTION",
    "45": "AUTOMOTIVE",
    "46": "RETAIL_AND_LUXURY",
    "47": "RETAIL_AND_LUXURY",
    "491": "RAILWAYS",
    "492": "RAILWAYS",
    "49": "PORTS_AND_LOGISTICS",
    "50": "MARINE",
    "51": "AIRPORTS",
    "5222": "PORTS_AND_LOGISTICS",
    "5223": "AIRPORTS",
    "52": "PORTS_AND_LOGISTICS",
    "53": "PORTS_AND_LOGISTICS",
    "55": "LEISURE_AND_TOURISM",
    "56": "LEISURE_AND_TOURISM",
    "582": "SOFTWARE_AND_COMPUTER_SERVICES",
    "58": "CREATIVE_AND_MEDIA",
    "59": "CREATIVE_AND_MEDIA",
    "60": "CREATIVE_AND_MEDIA",
    "61": "COMMUNICATIONS",
    "62": "SOFTWARE_AND_COMPUTER_SERVICES",
    "63": "SOFTWARE_AND_COMPUTER_SERVICES",
    "64": "FINANCIAL_AND_PROFESSIONAL_SERVICES",
    "65": "FINANCIAL_AND_PROFESSIONAL_SERVICES",
    "66": "FINANCIAL_AND_PROFESSIONAL_SERVICES",
    "68": "BUSINESS_AND_CONSUMER_SERVICES",
    "691": "LEGAL_SERVICES",
    "692": "FINANCIAL_AND_PROFESSIONAL_SERVICES",
    "70": "FINANCIAL_AND_PROFESSIONAL_SERVICES",
    "71": "MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING",
    "7211": "BIOTECHNOLOGY_AND_PHARMACEUTICALS",
    "72": "LIFE_SCIENCES",
    "73": "CREATIVE_AND_MEDIA",
    "74": "CREATIVE_AND_MEDIA",
    "77": "BUSINESS_AND_CONSUMER_SERVICES",
    "78": "BUSINESS_AND_CONSUMER_SERVICES",
    "79": "LEISURE_AND_TOURISM",
    "80": "SECURITY",
    "81": "BUSINESS_AND_CONSUMER_SERVICES",
    "82": "BUSINESS_AND_CONSUMER_SERVICES",
    "85": "EDUCATION_AND_TRAINING",
    "86": "HEALTHCARE_AND_MEDICAL",
    "87": "HEALTHCARE_AND_MEDICAL",
    "88": "HEALTHCARE_AND_MEDICAL",
    "90": "CREATIVE_AND_MEDIA",
    "91": "LEISURE_AND_TOURISM",
    "93": "LEISURE_AND_TOURISM",
}


class CompanyNotFound(TradeHubError):
    """Companies House has no company with that number."""


class CompaniesHouseUnavailable(ExternalServiceError):
    """Companies House did not answer usefully (timeout, 5xx, refused); the user may retry."""


def normalise_number(raw: str) -> str:
    """Upper-case, strip spaces, and left-pad all-digit numbers to 8 ("1234" -> "00001234")."""
    number = re.sub(r"\s+", "", raw or "").upper()
    if number.isdigit() and len(number) < 8:
        number = number.zfill(8)
    return number


def is_valid_number(number: str) -> bool:
    """Whether `number` (normalised) has the shape of a Companies House number."""
    return bool(NUMBER_RE.match(number))


def industries_for_sic(sic_codes: list[str]) -> list[str]:
    """Industry codes suggested by SIC codes (longest prefix match), without repeats."""
    found: list[str] = []
    for code in sic_codes:
        code = str(code).strip()
        for length in (4, 3, 2):
            industry = SIC_INDUSTRIES.get(code[:length])
            if industry:
                if industry not in found:
                    found.append(industry)
                break
    return found


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
    def suggested_industries(self) -> list[str]:
        """Industries suggested by the SIC codes."""
        return industries_for_sic(self.sic_codes)

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
        number = normalise_number(number)
        if not is_valid_number(number):
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
