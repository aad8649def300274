"""The supplier API's part of the site's OpenAPI 3 document (/api/v1/openapi.json).

Kept beside the API (supplier_profiles.api) so the two change together; a test validates real
responses against the served document. Error responses refer to the site-wide `Error` schema
that tradehub.api_docs defines.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from tradehub.api_docs import error_response, query_list_parameter, register_openapi

TAG = {"name": "Find a Supplier", "description": "Published UK supplier profiles."}

_NULLABLE_STRING = {"type": "string", "nullable": True}
_STRING_LIST = {"type": "array", "items": {"type": "string"}}

PATHS: dict[str, Any] = {
    "/api/v1/suppliers": {
        "get": {
            "tags": ["Find a Supplier"],
            "operationId": "searchSuppliers",
            "summary": "Search published UK suppliers",
            "description": (
                "Free text over names, keywords, products and services, summaries, case studies "
                "and descriptions, with filters (OR within a filter, AND across filters), facet "
                "counts for every filter, sort and pages. Only published and verified suppliers "
                "are ever returned. Unknown parameters are refused."
            ),
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "description": (
                        "Search words (up to 200 characters). Empty lists every supplier."
                    ),
                    "schema": {"type": "string", "maxLength": 200},
                },
                query_list_parameter("industry", "Industry code, e.g. FOOD_AND_DRINK. Repeatable."),
                query_list_parameter("region", "UK region code, e.g. LONDON. Repeatable."),
                query_list_parameter(
                    "country", "Export market, ISO 3166-1 alpha-2, e.g. FR. Repeatable."
                ),
                query_list_parameter(
                    "language", "Language spoken, ISO 639-1, e.g. fr. Repeatable."
                ),
                query_list_parameter("employees", "Employee band, e.g. 11-50. Repeatable."),
                {
                    "name": "verified",
                    "in": "query",
                    "required": False,
                    "description": (
                        "true for verified suppliers (every listed supplier is verified)."
                    ),
                    "style": "form",
                    "explode": True,
                    "schema": {
                        "type": "array",
                        "items": {"type": "string", "enum": ["true", "false"]},
                    },
                },
                {
                    "name": "sort",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "string",
                        "enum": ["relevance", "name", "updated"],
                        "default": "relevance",
                    },
                },
                {
                    "name": "page",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 1},
                },
                {
                    "name": "per_page",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                },
            ],
            "responses": {
                "200": {
                    "description": "A page of suppliers, facet counts and a suggestion.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/SupplierSearchResult"}
                        }
                    },
                },
                "400": error_response(
                    "A parameter is invalid or unknown; error.parameter names it."
                ),
                "503": error_response("The search engine is unavailable; try again later."),
            },
        }
    },
    "/api/v1/suppliers/{slug}": {
        "get": {
            "tags": ["Find a Supplier"],
            "operationId": "getSupplier",
            "summary": "A published supplier's public profile with its case studies",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": {
                    "description": "The public profile.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/SupplierProfile"}
                        }
                    },
                },
                "301": {
                    "description": "The slug is not canonical; Location has the canonical URL."
                },
                "404": error_response("No published supplier has this slug."),
            },
        }
    },
    "/api/v1/suggest": {
        "get": {
            "tags": ["Find a Supplier"],
            "operationId": "suggestSuppliers",
            "summary": "Company-name completions for a search box",
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "description": "The start of a company name.",
                    "schema": {"type": "string", "maxLength": 200},
                }
            ],
            "responses": {
                "200": {
                    "description": "Up to 8 completions, alphabetical.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Suggestions"}}
                    },
                },
                "400": error_response("A parameter is invalid or unknown."),
                "503": error_response("The search engine is unavailable; try again later."),
            },
        }
    },
}

_FACET_GROUPS = ("industry", "region", "country", "language", "employees", "verified")
_FACET_LIST = {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}

SCHEMAS: dict[str, Any] = {
    "FacetValue": {
        "type": "object",
        "required": ["value", "label", "count"],
        "additionalProperties": False,
        "properties": {
            "value": {"type": "string"},
            "label": {"type": "string"},
            "count": {"type": "integer", "minimum": 1},
        },
    },
    "SupplierSearchHit": {
        "type": "object",
        "required": [
            "slug",
            "name",
            "summary",
            "highlight",
            "industries",
            "region",
            "countries",
            "verified",
            "url",
        ],
        "additionalProperties": False,
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "summary": {"type": "string"},
            "highlight": {
                "type": "string",
                "description": "HTML: escaped text with matches in <mark> elements.",
            },
            "industries": _STRING_LIST,
            "region": _NULLABLE_STRING,
            "countries": _STRING_LIST,
            "verified": {"type": "boolean"},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "SupplierSearchResult": {
        "type": "object",
        "required": [
            "total",
            "total_capped",
            "page",
            "per_page",
            "results",
            "facets",
            "suggestion",
        ],
        "additionalProperties": False,
        "properties": {
            "total": {
                "type": "integer",
                "minimum": 0,
                "maximum": 10000,
                "description": "Matches, counted exactly up to 10,000 (see total_capped).",
            },
            "total_capped": {
                "type": "boolean",
                "description": "True when more than 10,000 suppliers match: total is then"
                " 10,000 and the page shows 10,000+.",
            },
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "results": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/SupplierSearchHit"},
            },
            "facets": {
                "type": "object",
                "required": list(_FACET_GROUPS),
                "additionalProperties": False,
                "properties": dict.fromkeys(_FACET_GROUPS, _FACET_LIST),
            },
            "suggestion": {
                "type": "string",
                "nullable": True,
                "description": "Corrected search words (did you mean), or null.",
            },
        },
    },
    "CaseStudyImage": {
        "type": "object",
        "required": ["url", "caption", "width", "height"],
        "additionalProperties": False,
        "properties": {
            "url": _NULLABLE_STRING,
            "caption": {"type": "string"},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
        },
    },
    "CaseStudy": {
        "type": "object",
        "required": [
            "slug",
            "title",
            "summary",
            "description",
            "industry",
            "website",
            "keywords",
            "testimonial",
            "testimonial_source",
            "images",
            "url",
        ],
        "additionalProperties": False,
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "description": {"type": "string"},
            "industry": _NULLABLE_STRING,
            "website": _NULLABLE_STRING,
            "keywords": _STRING_LIST,
            "testimonial": _NULLABLE_STRING,
            "testimonial_source": _NULLABLE_STRING,
            "images": {"type": "array", "items": {"$ref": "#/components/schemas/CaseStudyImage"}},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "SupplierProfile": {
        "type": "object",
        "required": [
            "slug",
            "name",
            "number",
            "company_type",
            "company_type_label",
            "summary",
            "description",
            "website",
            "employees",
            "region",
            "industries",
            "export_countries",
            "languages",
            "keywords",
            "products_services",
            "social",
            "locality",
            "verified",
            "logo_url",
            "updated_at",
            "url",
            "contact_url",
            "case_studies",
        ],
        "additionalProperties": False,
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "number": {
                "type": "string",
                "nullable": True,
                "description": "Companies House number, if registered there.",
            },
            "company_type": {"type": "string"},
            "company_type_label": {"type": "string"},
            "summary": {"type": "string"},
            "description": {"type": "string"},
            "website": _NULLABLE_STRING,
            "employees": _NULLABLE_STRING,
            "region": _NULLABLE_STRING,
            "industries": _STRING_LIST,
            "export_countries": _STRING_LIST,
            "languages": _STRING_LIST,
            "keywords": _STRING_LIST,
            "products_services": _STRING_LIST,
            "social": {
                "type": "object",
                "required": ["twitter", "facebook", "linkedin"],
                "additionalProperties": False,
                "properties": {
                    "twitter": _NULLABLE_STRING,
                    "facebook": _NULLABLE_STRING,
                    "linkedin": _NULLABLE_STRING,
                },
            },
            "locality": _NULLABLE_STRING,
            "verified": {"type": "boolean"},
            "logo_url": _NULLABLE_STRING,
            "updated_at": {"type": "string", "format": "date-time"},
            "url": {"type": "string", "format": "uri"},
            "contact_url": {"type": "string", "format": "uri"},
            "case_studies": {"type": "array", "items": {"$ref": "#/components/schemas/CaseStudy"}},
        },
    },
    "Suggestions": {
        "type": "object",
        "required": ["query", "suggestions"],
        "additionalProperties": False,
        "properties": {"query": {"type": "string"}, "suggestions": _STRING_LIST},
    },
}


def register(app: Flask) -> None:
    """Add the supplier endpoints, their schemas and tag to the app's OpenAPI document."""
    register_openapi(app, paths=PATHS, schemas=SCHEMAS, tags=[TAG])
