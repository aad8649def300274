"""Which marketplaces sell an industry's goods: the marketplace product categories each
supplier industry's products fall into, for the industry pages (supplier_profiles.industries).
Industries that sell services, not goods, map to no category."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext

from marketplaces.catalogue import published_marketplaces
from supplier_profiles import taxonomies

INDUSTRY_CATEGORIES: dict[str, tuple[str, ...]] = {
    "ADVANCED_MANUFACTURING": ("Business, industrial and science",),
    "AGRICULTURE_HORTICULTURE_AND_FISHERIES": ("Garden and outdoor", "Food and drink"),
    "AUTOMOTIVE": ("Vehicle parts and accessories",),
    "BIOTECHNOLOGY_AND_PHARMACEUTICALS": ("Health and beauty",),
    "CHEMICALS": ("Business, industrial and science",),
    "CLOTHING_FOOTWEAR_AND_FASHION": ("Clothing and accessories", "Luggage and bags"),
    "COMMUNICATIONS": ("Electronics, computing and communications",),
    "CONSTRUCTION": ("DIY, tools and hardware",),
    "CREATIVE_AND_MEDIA": ("Books, music and film", "Arts, crafts and hobbies"),
    "EDUCATION_AND_TRAINING": ("Books, music and film", "Stationery and office supplies"),
    "ELECTRONICS_AND_IT_HARDWARE": (
        "Electronics, computing and communications",
        "Cameras, lenses and photography",
    ),
    "FOOD_AND_DRINK": ("Food and drink",),
    "GIFTWARE_JEWELLERY_AND_TABLEWARE": (
        "Home and lifestyle",
        "Celebration and ceremonial",
        "Clothing and accessories",
    ),
    "GLOBAL_SPORTS_INFRASTRUCTURE": ("Sports and leisure",),
    "HEALTHCARE_AND_MEDICAL": ("Health and beauty",),
    "HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS": ("Furniture", "Home and lifestyle"),
    "LEISURE_AND_TOURISM": ("Sports and leisure", "Toys and games"),
    "LIFE_SCIENCES": ("Business, industrial and science",),
    "MARINE": ("Sports and leisure",),
    "MECHANICAL_ELECTRICAL_AND_PROCESS_ENGINEERING": (
        "Business, industrial and science",
        "DIY, tools and hardware",
    ),
    "METALS_MINERALS_AND_MATERIALS": ("Business, industrial and science",),
    "RENEWABLE_ENERGY": ("Garden and outdoor", "DIY, tools and hardware"),
    "RETAIL_AND_LUXURY": ("Clothing and accessories", "Health and beauty", "Luggage and bags"),
    "SECURITY": ("Electronics, computing and communications",),
    "SOFTWARE_AND_COMPUTER_SERVICES": ("Computer software and games",),
    "TEXTILES_INTERIOR_TEXTILES_AND_CARPETS": ("Home and lifestyle", "Arts, crafts and hobbies"),
}


def marketplaces_for_industry(code: str) -> list[dict]:
    """Published marketplaces selling a category of this industry's goods, by name."""
    categories = set(INDUSTRY_CATEGORIES.get(code, ()))
    if not categories:
        return []
    found = []
    for market in published_marketplaces():
        shared = [c for c in market.product_categories or [] if c in categories]
        if shared:
            countries = market.countries or []
            names = ", ".join(taxonomies.display_label("country", c) for c in countries[:3])
            if market.is_global:
                where = gettext("worldwide")
            elif len(countries) > 3:
                where = gettext("%(countries)s and more", countries=names)
            else:
                where = names
            found.append(
                {
                    "name": market.name,
                    "href": url_for("marketplaces.marketplace", slug=market.slug),
                    "detail": gettext(
                        "%(categories)s; sells to %(where)s",
                        categories=", ".join(gettext(c) for c in shared),
                        where=where,
                    ),
                }
            )
    return found
