"""Deterministic, realistic demo suppliers in the bulk-import format (docs/import-schema.md).

`generate_companies(n, seed)` yields the same n companies for the same seed, every time and on
every machine (a private random.Random, no clock, no Faker). Each is published and verified, has
a Companies House number (so reruns update rather than duplicate), one to three industries with
matching products and wording, a UK region, export markets, languages and zero to three case
studies. `flask demo seed` imports them; the benchmarks reuse the generator for large corpora.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from slugify import slugify

from supplier_profiles import taxonomies

# Industry -> (what they make or do, customers, keywords). Industries not listed use _GENERIC.
_INDUSTRY_WORDS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "FOOD_AND_DRINK": (
        [
            "artisan cheese",
            "craft gin",
            "single malt whisky",
            "shortbread",
            "organic granola",
            "smoked salmon",
            "English sparkling wine",
            "plant-based snacks",
            "premium tea blends",
            "chutneys and preserves",
        ],
        ["supermarkets", "delicatessens", "hotel groups", "importers"],
        ["halal", "organic", "gluten free", "export ready", "private label"],
    ),
    "AEROSPACE": (
        [
            "composite wing panels",
            "precision-machined titanium brackets",
            "avionics test rigs",
            "cabin interior fittings",
            "satellite antennas",
        ],
        ["airframe manufacturers", "MRO providers", "tier one suppliers"],
        ["AS9100", "NADCAP", "CNC machining", "composites", "space"],
    ),
    "AUTOMOTIVE": (
        [
            "electric vehicle battery enclosures",
            "lightweight aluminium castings",
            "wiring harnesses",
            "performance exhaust systems",
            "vehicle telematics",
        ],
        ["carmakers", "motorsport teams", "fleet operators"],
        ["IATF 16949", "EV", "motorsport", "die casting", "telematics"],
    ),
    "SOFTWARE_AND_COMPUTER_SERVICES": (
        [
            "cloud accounting software",
            "cyber security monitoring",
            "machine learning platforms",
            "e-commerce integrations",
            "mobile banking apps",
            "data analytics dashboards",
        ],
        ["banks", "retailers", "public bodies", "start-ups"],
        ["SaaS", "AI", "cyber security", "fintech", "API"],
    ),
    "CLOTHING_FOOTWEAR_AND_FASHION": (
        [
            "handmade leather brogues",
            "merino knitwear",
            "tailored tweed jackets",
            "sustainable activewear",
            "waxed cotton outerwear",
        ],
        ["department stores", "boutiques", "online retailers"],
        ["heritage", "sustainable", "made in Britain", "apparel"],
    ),
    "HEALTHCARE_AND_MEDICAL": (
        [
            "wound care dressings",
            "diagnostic test kits",
            "hospital beds",
            "surgical instruments",
            "telehealth software",
        ],
        ["hospitals", "clinics", "distributors", "health ministries"],
        ["ISO 13485", "CE marked", "UKCA", "medical devices"],
    ),
    "RENEWABLE_ENERGY": (
        [
            "offshore wind monitoring systems",
            "solar mounting frames",
            "tidal turbine blades",
            "battery storage controllers",
            "heat pumps",
        ],
        ["utilities", "developers", "EPC contractors"],
        ["offshore wind", "solar", "net zero", "energy storage"],
    ),
    "CREATIVE_AND_MEDIA": (
        [
            "animation and visual effects",
            "brand design",
            "podcast production",
            "video games",
            "architectural visualisation",
        ],
        ["broadcasters", "publishers", "brands", "studios"],
        ["VFX", "design", "branding", "games", "content"],
    ),
    "EDUCATION_AND_TRAINING": (
        [
            "English language courses",
            "STEM teaching kits",
            "online professional qualifications",
            "school leadership training",
        ],
        ["schools", "universities", "ministries of education"],
        ["edtech", "e-learning", "curriculum", "teacher training"],
    ),
    "MARINE": (
        ["workboats", "marine navigation electronics", "hull coatings", "mooring systems"],
        ["ports", "navies", "offshore operators", "shipyards"],
        ["shipbuilding", "maritime", "coatings", "navigation"],
    ),
    "SECURITY": (
        [
            "perimeter intrusion detection",
            "body-worn cameras",
            "access control systems",
            "counter-drone radar",
        ],
        ["airports", "police forces", "critical infrastructure operators"],
        ["CCTV", "access control", "counter terrorism", "radar"],
    ),
    "GIFTWARE_JEWELLERY_AND_TABLEWARE": (
        ["fine bone china", "silver jewellery", "hand-blown glassware", "scented candles"],
        ["gift shops", "department stores", "hotels"],
        ["jewellery", "ceramics", "luxury", "handmade"],
    ),
    "HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS": (
        ["solid oak furniture", "upholstered sofas", "kitchen textiles", "bathroom fittings"],
        ["interior designers", "retailers", "hotels"],
        ["furniture", "interiors", "bespoke"],
    ),
    "PORTS_AND_LOGISTICS": (
        ["freight forwarding", "cold chain logistics", "port cranes", "customs brokerage"],
        ["exporters", "shipping lines", "retailers"],
        ["logistics", "freight", "shipping", "customs"],
    ),
    "BIOTECHNOLOGY_AND_PHARMACEUTICALS": (
        [
            "generic medicines",
            "cell therapy manufacturing",
            "clinical trial services",
            "veterinary vaccines",
        ],
        ["pharmaceutical companies", "hospitals", "researchers"],
        ["pharma", "GMP", "clinical trials", "biologics"],
    ),
    "CONSTRUCTION": (
        ["modular buildings", "structural steelwork", "timber frame homes", "project management"],
        ["developers", "governments", "contractors"],
        ["BIM", "modular", "infrastructure", "timber"],
    ),
}
_GENERIC = (
    [
        "specialist equipment",
        "engineering services",
        "consultancy",
        "precision components",
        "training and support",
    ],
    ["manufacturers", "distributors", "public bodies", "international partners"],
    ["quality assured", "bespoke", "export", "innovation"],
)

_PLACES = [
    "Albion",
    "Avon",
    "Bramble",
    "Caledonian",
    "Castle",
    "Cheviot",
    "Clyde",
    "Cotswold",
    "Dales",
    "Derwent",
    "Forth",
    "Glen",
    "Granite",
    "Harbour",
    "Heather",
    "Highland",
    "Kestrel",
    "Lakeland",
    "Lomond",
    "Lune",
    "Mendip",
    "Mersey",
    "Moorland",
    "Northgate",
    "Orchard",
    "Pennine",
    "Quay",
    "Riverside",
    "Severn",
    "Solent",
    "Stag",
    "Tamar",
    "Thames",
    "Thistle",
    "Tyne",
    "Ure",
    "Wessex",
    "Westfield",
    "Wharf",
    "Wye",
    "Yarrow",
]
_NAME_ENDINGS = [
    "Engineering",
    "Foods",
    "Technologies",
    "Systems",
    "Solutions",
    "Works",
    "Industries",
    "Design",
    "Group",
    "Partners",
    "Manufacturing",
    "Labs",
    "Trading",
]
_ENDINGS = {
    "FOOD_AND_DRINK": ["Foods", "Distillery", "Bakery", "Fine Foods", "Drinks"],
    "AEROSPACE": ["Aerospace", "Aero Engineering", "Space Systems"],
    "AUTOMOTIVE": ["Automotive", "Motor Components", "Mobility"],
    "SOFTWARE_AND_COMPUTER_SERVICES": ["Software", "Digital", "Technologies", "Data"],
    "CLOTHING_FOOTWEAR_AND_FASHION": ["Clothing", "Shoemakers", "Textiles", "Apparel"],
    "HEALTHCARE_AND_MEDICAL": ["Medical", "Healthcare", "Diagnostics"],
    "RENEWABLE_ENERGY": ["Energy", "Renewables", "Power Systems"],
    "CREATIVE_AND_MEDIA": ["Studios", "Media", "Design"],
    "EDUCATION_AND_TRAINING": ["Learning", "Education", "Training"],
    "MARINE": ["Marine", "Boatbuilders", "Maritime"],
    "SECURITY": ["Security", "Defence Systems", "Surveillance"],
    "GIFTWARE_JEWELLERY_AND_TABLEWARE": ["Jewellers", "Pottery", "Glassworks", "Gifts"],
    "HOUSEHOLD_GOODS_FURNITURE_AND_FURNISHINGS": ["Furniture", "Interiors", "Furnishings"],
    "PORTS_AND_LOGISTICS": ["Logistics", "Freight", "Shipping"],
    "BIOTECHNOLOGY_AND_PHARMACEUTICALS": ["Pharma", "Biosciences", "Therapeutics"],
    "CONSTRUCTION": ["Construction", "Building Systems", "Structures"],
}
_MIDDLES = [
    "Precision",
    "Valley",
    "Bridge",
    "Oak",
    "Star",
    "Crown",
    "Harbour",
    "Green",
    "Forge",
    "Meadow",
    "Summit",
    "Anchor",
    "Beacon",
    "Field",
    "Vale",
]
_FOUNDERS = [
    "Ashworth",
    "Baxter",
    "Campbell",
    "Davies",
    "Evans",
    "Fraser",
    "Gallagher",
    "Hughes",
    "Iqbal",
    "Jenkins",
    "Kaur",
    "Lloyd",
    "McAllister",
    "Nowak",
    "O'Neill",
    "Patel",
    "Quinn",
    "Robertson",
    "Shah",
    "Thomson",
    "Underwood",
    "Vaughan",
    "Whitfield",
    "Young",
    "Zielinski",
    "Ahmed",
    "Brennan",
    "Chowdhury",
    "Doyle",
    "Ellis",
    "Fitzgerald",
    "Grant",
    "Hussain",
    "Irvine",
    "Jones",
    "Kennedy",
    "Lewis",
    "Morgan",
    "Nicholson",
    "Owen",
    "Price",
    "Rees",
    "Singh",
    "Taylor",
    "Walker",
    "Wright",
    "Murray",
    "Reid",
    "Stewart",
    "Wilson",
    "Clarke",
    "Hall",
    "Wood",
    "Khan",
    "Ali",
    "Begum",
    "Mitchell",
    "Turner",
    "Parker",
    "Cooper",
    "Hill",
    "Ward",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Harris",
    "Clark",
    "King",
    "Green",
    "Baker",
    "Adams",
    "Scott",
    "Bell",
    "Carter",
    "Phillips",
    "Watson",
    "Brooks",
    "Gray",
    "James",
    "Watts",
    "Hunter",
    "Palmer",
    "Mason",
    "Russell",
    "Barker",
    "Gibson",
    "Marshall",
    "Ellison",
    "Pearce",
    "Holmes",
    "Dixon",
    "Knight",
    "Mills",
    "Black",
    "Cox",
    "Rose",
    "Webb",
    "Burton",
    "Lane",
]
_SUFFIXES = ["Ltd", "Limited", "Ltd", "PLC", "LLP", "Ltd"]
_MARKETS = [
    "US",
    "DE",
    "FR",
    "IE",
    "NL",
    "CN",
    "JP",
    "AE",
    "SA",
    "IN",
    "AU",
    "CA",
    "SG",
    "ES",
    "IT",
    "SE",
    "NO",
    "PL",
    "KR",
    "BR",
    "MX",
    "ZA",
    "NG",
    "KE",
    "TR",
    "HK",
    "NZ",
    "QA",
    "CH",
    "BE",
    "DK",
    "VN",
    "MY",
    "EG",
    "CL",
]
_LANGUAGES = ["fr", "de", "es", "it", "zh", "ja", "ar", "pt", "pl", "nl", "hi", "ru", "ko", "cy"]
_REGION_PLACES = {
    "NORTH_EAST": "Newcastle",
    "NORTH_WEST": "Manchester",
    "NORTHERN_IRELAND": "Belfast",
    "YORKSHIRE_AND_HUMBER": "Leeds",
    "EAST_MIDLANDS": "Nottingham",
    "WEST_MIDLANDS": "Birmingham",
    "EASTERN": "Cambridge",
    "LONDON": "London",
    "SOUTH_EAST": "Reading",
    "SOUTH_WEST": "Bristol",
    "SCOTLAND": "Glasgow",
    "WALES": "Cardiff",
}
_SERVICE_PROMISES = [
    "next-day dispatch",
    "dedicated account managers",
    "in-house testing",
    "custom packaging",
]
_CASE_VERBS = ["supplied", "designed and delivered", "developed", "manufactured", "installed"]
_OUTCOMES = [
    "cut lead times by a third",
    "doubled repeat orders within a year",
    "opened a new distribution channel",
    "met a tight launch deadline",
    "reduced waste by 40 per cent",
    "won a five-year framework contract",
]


def _pick(rng: random.Random, items: list, low: int, high: int) -> list:
    return rng.sample(items, min(len(items), rng.randint(low, high)))


def company_name(index: int, industry: str, rng: random.Random) -> str:
    """A plausible company name for the industry, different for every index."""
    base = len(_PLACES) * len(_MIDDLES)
    place = _PLACES[index % len(_PLACES)]
    middle = _MIDDLES[(index // len(_PLACES)) % len(_MIDDLES)]
    founders = ""
    if index >= base:
        first = _FOUNDERS[(index // base - 1) % len(_FOUNDERS)]
        founders = f"{first} "
        if index >= base * (len(_FOUNDERS) + 1):
            second = _FOUNDERS[(index // (base * len(_FOUNDERS))) % len(_FOUNDERS)]
            founders = f"{first} & {second} "
    ending = rng.choice(_ENDINGS.get(industry, _NAME_ENDINGS))
    return f"{founders}{place} {middle} {ending} {rng.choice(_SUFFIXES)}"


def generate_company(index: int, rng: random.Random) -> dict:
    """One demo company (import format) from the generator's random state."""
    industry_codes = [code for code, _ in taxonomies.choices("industry")]
    favoured = list(_INDUSTRY_WORDS)
    # Two in three companies come from the richly described industries: the search has depth.
    main = rng.choice(favoured) if rng.random() < 0.66 else rng.choice(industry_codes)
    industries = [main] + [c for c in _pick(rng, industry_codes, 0, 2) if c != main]
    products, customers, keywords = _INDUSTRY_WORDS.get(main, _GENERIC)
    product, other = rng.sample(products, 2)
    region = rng.choice(list(_REGION_PLACES))
    place = _REGION_PLACES[region]
    name = company_name(index, main, rng)
    markets = _pick(rng, _MARKETS, 1, 8)
    languages = ["en"] + _pick(rng, _LANGUAGES, 0, 3)
    bands = [band for band, _ in taxonomies.choices("employees")]
    services = sorted(
        {label for _, labels in taxonomies.products_and_services() for label in labels}
    )
    customer = rng.choice(customers)
    summary = (
        f"{place}-based supplier of {product} and {other} for {customer} in "
        f"{len(markets)} {'country' if len(markets) == 1 else 'countries'}."
    )[:250]
    description = (
        f"{name} designs and supplies {product} from {place}. "
        f"We work with {customer} and {rng.choice(customers)} at home and overseas, and "
        f"export to {', '.join(taxonomies.country_name(m) for m in markets[:4])}. "
        f"Our team also offers {other}, with after-sales support and "
        f"{rng.choice(_SERVICE_PROMISES)}."
    )
    studies = []
    for n in range(rng.choice([0, 1, 1, 2, 3])):
        market = taxonomies.country_name(rng.choice(markets))
        verb = rng.choice(_CASE_VERBS)
        outcome = rng.choice(_OUTCOMES)
        studies.append(
            {
                "title": f"{product.capitalize()} for {rng.choice(customers)} in {market}"[:90]
                + ("" if n == 0 else f" ({n + 1})"),
                "summary": f"We {verb} {product} and {outcome}."[:250],
                "description": (
                    f"A buyer in {market} needed {product} at short notice. "
                    f"{name} {verb} a tailored solution and {outcome}. "
                    f"The project used {rng.choice(keywords)} expertise from our "
                    f"{place} site."
                ),
                "industry": main,
                "keywords": _pick(rng, keywords, 1, 3),
            }
        )
    number = f"{index + 1:08d}" if rng.random() < 0.85 else f"SC{index + 1:06d}"
    slug = slugify(name)
    return {
        "number": number,
        "name": name,
        "company_type": "COMPANIES_HOUSE",
        "summary": summary,
        "description": description[:2000],
        "website": f"https://www.{slug[:40].strip('-')}.example",
        "email": f"sales@{slug[:40].strip('-')}.example",
        "employees": rng.choice(bands),
        "industries": industries,
        "region": region,
        "export_countries": markets,
        "languages": languages,
        "keywords": _pick(rng, keywords, 1, 4),
        "products_services": _pick(rng, services, 0, 3),
        "locality": place,
        "case_studies": studies,
        "verified": True,
        "published": True,
    }


def generate_companies(count: int, seed: int = 2027) -> Iterator[dict]:
    """`count` demo companies, the same ones for the same seed."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    for index in range(count):
        yield generate_company(index, rng)
