"""The marketplaces part of the site's OpenAPI 3 document (/api/v1/openapi.json).

`register(app)` adds it (called from marketplaces.init_app); the error responses refer to the
site-wide `Error` schema that tradehub.api_docs defines. Kept beside the API so the two change
together.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from marketplaces.api import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from marketplaces.finder import SORTS
from marketplaces.models import (
    COMMISSION_BASES,
    FEE_FREQUENCIES,
    FULFILMENT,
    OFFER_KINDS,
    POSITIONING,
    PRODUCT_CATEGORIES,
    SELLER_MODELS,
    SETUP_REQUIREMENTS,
    TRANSLATION_NEEDS,
)
from tradehub.api_docs import error_response, query_list_parameter, register_openapi

TAG = "Selling Online Overseas"
_STRINGS = {"type": "array", "items": {"type": "string"}}
_DECIMAL = {
    "type": "string",
    "pattern": r"^\d+(\.\d+)?$",
    "nullable": True,
    "description": "A decimal number as a string, so no precision is lost.",
}


def _flag(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string", "enum": ["true", "false", "1", "0"], "default": "false"},
    }


def _money(with_frequency: bool = False) -> dict:
    schema: dict[str, Any] = {
        "type": "object",
        "nullable": True,
        "additionalProperties": False,
        "required": ["amount", "currency"],
        "properties": {
            "amount": {
                "type": "string",
                "pattern": r"^\d+(\.\d+)?$",
                "description": "In the currency's minor units: 12.50 GBP, 19500 JPY",
            },
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217 code"},
        },
    }
    if with_frequency:
        schema["required"].append("frequency")
        schema["properties"]["frequency"] = {"type": "string", "enum": list(FEE_FREQUENCIES)}
    return schema


PATHS: dict[str, Any] = {
    "/api/v1/marketplaces": {
        "get": {
            "tags": [TAG],
            "operationId": "listMarketplaces",
            "summary": "Published partner marketplaces, filtered and sorted like the finder",
            "description": (
                "Filters are OR within a parameter and AND across parameters. A marketplace "
                "that sells worldwide matches every country. Only published marketplaces and "
                "their live (published, in-date) UK offers are returned. Unknown parameters "
                "are refused."
            ),
            "parameters": [
                query_list_parameter(
                    "category", "Product category. Repeatable.", list(PRODUCT_CATEGORIES)
                ),
                query_list_parameter(
                    "country", "Country to sell to, ISO 3166-1 alpha-2, e.g. JP. Repeatable."
                ),
                query_list_parameter(
                    "positioning", "Market positioning. Repeatable.", list(POSITIONING)
                ),
                query_list_parameter(
                    "fulfilment", "Fulfilment model. Repeatable.", list(FULFILMENT)
                ),
                query_list_parameter(
                    "seller_model", "Seller model. Repeatable.", list(SELLER_MODELS)
                ),
                _flag("uk_offer", "true: only marketplaces with a live offer for UK businesses."),
                _flag("no_local_company", "true: only marketplaces that need no local company."),
                _flag(
                    "no_local_bank_account",
                    "true: only marketplaces that need no local bank account.",
                ),
                {
                    "name": "sort",
                    "in": "query",
                    "required": False,
                    "description": "; ".join(f"{k}: {v}" for k, v in SORTS.items()),
                    "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"},
                },
                {
                    "name": "page",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                },
                {
                    "name": "per_page",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_PER_PAGE,
                        "default": DEFAULT_PER_PAGE,
                    },
                },
            ],
            "responses": {
                "200": {
                    "description": "A page of marketplaces.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/MarketplaceList"}
                        }
                    },
                },
                "400": error_response(
                    "A parameter is invalid or unknown; error.parameter names it."
                ),
            },
        }
    },
    "/api/v1/marketplaces/{slug}": {
        "get": {
            "tags": [TAG],
            "operationId": "getMarketplace",
            "summary": "One published marketplace with every fact and its live UK offers",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {
                    "description": "The marketplace.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Marketplace"}}
                    },
                },
                "404": error_response("No published marketplace has this slug."),
            },
        }
    },
}

SCHEMAS: dict[str, Any] = {
    "MarketplaceOffer": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "kind",
            "badge_text",
            "summary",
            "terms",
            "eligibility",
            "valid_from",
            "valid_until",
        ],
        "properties": {
            "kind": {"type": "string", "enum": list(OFFER_KINDS)},
            "badge_text": {"type": "string"},
            "summary": {"type": "string"},
            "terms": {"type": "string"},
            "eligibility": {"type": "string"},
            "valid_from": {"type": "string", "format": "date", "nullable": True},
            "valid_until": {"type": "string", "format": "date", "nullable": True},
        },
    },
    "Marketplace": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "slug",
            "name",
            "url",
            "website",
            "worldwide",
            "countries",
            "product_categories",
            "positioning",
            "commission",
            "fees",
            "payment_days",
            "payout_currencies",
            "registered_users_millions",
            "seller_models",
            "fulfilment",
            "upload_methods",
            "customer_support_channels",
            "seller_support_channels",
            "setup_requirements",
            "translation_required_for",
            "product_exclusivity_required",
            "shipping_tracking_required",
            "famous_brands",
            "uk_offers",
            "facts_updated_at",
        ],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "url": {"type": "string", "format": "uri", "description": "The public page."},
            "website": {"type": "string"},
            "worldwide": {
                "type": "boolean",
                "description": "Sells to every country (countries is then empty).",
            },
            "countries": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
            "product_categories": _STRINGS,
            "positioning": _STRINGS,
            "commission": {
                "type": "object",
                "additionalProperties": False,
                "required": ["low_percent", "high_percent", "basis"],
                "properties": {
                    "low_percent": _DECIMAL,
                    "high_percent": _DECIMAL,
                    "basis": {
                        "type": "string",
                        "nullable": True,
                        "enum": [*COMMISSION_BASES, None],
                    },
                },
            },
            "fees": {
                "type": "object",
                "additionalProperties": False,
                "required": ["one_off_registration", "membership", "deposit", "per_listing"],
                "properties": {
                    "one_off_registration": _money(),
                    "membership": _money(with_frequency=True),
                    "deposit": _money(),
                    "per_listing": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["charged", "amount"],
                        "properties": {"charged": {"type": "boolean"}, "amount": _money()},
                    },
                },
            },
            "payment_days": {"type": "integer", "nullable": True, "minimum": 0},
            "payout_currencies": _STRINGS,
            "registered_users_millions": _DECIMAL,
            "seller_models": _STRINGS,
            "fulfilment": _STRINGS,
            "upload_methods": _STRINGS,
            "customer_support_channels": _STRINGS,
            "seller_support_channels": _STRINGS,
            "setup_requirements": {
                "type": "array",
                "items": {"type": "string", "enum": list(SETUP_REQUIREMENTS)},
            },
            "translation_required_for": {
                "type": "array",
                "items": {"type": "string", "enum": list(TRANSLATION_NEEDS)},
            },
            "product_exclusivity_required": {"type": "boolean"},
            "shipping_tracking_required": {"type": "boolean"},
            "famous_brands": _STRINGS,
            "uk_offers": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/MarketplaceOffer"},
            },
            "facts_updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "MarketplaceList": {
        "type": "object",
        "additionalProperties": False,
        "required": ["total", "page", "per_page", "pages", "next", "previous", "marketplaces"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "pages": {"type": "integer", "minimum": 0},
            "next": {"type": "string", "format": "uri", "nullable": True},
            "previous": {"type": "string", "format": "uri", "nullable": True},
            "marketplaces": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Marketplace"},
            },
        },
    },
}


TAG_OBJECT = {"name": TAG, "description": "Partner e-marketplaces and their UK offers."}


def openapi_fragment() -> dict:
    """The paths, schemas and tag this package adds to the site's OpenAPI document."""
    return {"paths": PATHS, "components": {"schemas": SCHEMAS}, "tags": [TAG_OBJECT]}


def register(app: Flask) -> None:
    """Add the marketplaces endpoints, their schemas and tag to the app's OpenAPI document."""
    register_openapi(app, paths=PATHS, schemas=SCHEMAS, tags=[TAG_OBJECT])
