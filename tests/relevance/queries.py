"""The judged set's graded queries: what a buyer types, and how useful each company is for it.

Grades (0-3) come from rules over what a company makes, never from search output:
``trade:KEY`` every firm of a trade, ``has:TEXT`` firms whose products mention TEXT,
``name:NAME`` one firm. A company's grade is the highest rule it meets (unlisted = 0).
``first`` names the company that must be ranked first; ``suggest`` the "did you mean" a badly
misspelt query must get; kind ``nothing`` queries must find nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Judged:
    text: str
    kind: str
    grades: tuple[tuple[str, int], ...] = ()
    filters: dict[str, list[str]] = field(default_factory=dict)
    first: str | None = None
    suggest: str | None = None


def q(text: str, kind: str, *grades: tuple[str, int], **extra: Any) -> Judged:
    return Judged(text, kind, tuple(grades), **extra)


def t(key: str, grade: int = 3) -> tuple[str, int]:
    return (f"trade:{key}", grade)


def h(text: str, grade: int = 3) -> tuple[str, int]:
    return (f"has:{text}", grade)


def n(name: str, grade: int = 3) -> tuple[str, int]:
    return (f"name:{name}", grade)


QUERIES: tuple[Judged, ...] = (
    # -- plain product and service queries -----------------------------------------------------
    q("reusable nappies", "plain", h("nappies"), t("nappies", 1)),
    q("glasshouse tomatoes", "plain", h("glasshouse tomatoes"), t("aubergines", 1)),
    q("running trainers", "plain", h("running trainers"), h("trainers", 2)),
    q("heating oil", "plain", h("heating oil"), t("fuel", 1)),
    q("shortbread", "plain", h("shortbread"), t("biscuits", 1)),
    q("serviced flats", "plain", h("serviced flats"), h("flats", 2), t("flats", 1)),
    q("boiling water taps", "plain", h("boiling water taps"), h("taps", 1)),
    q("residential lettings", "plain", h("residential lettings"), t("estate_agents", 1)),
    q("oak staircases", "plain", h("oak staircases"), t("joinery", 1)),
    q("office relocations", "plain", h("office relocations"), t("removals", 1)),
    q("kitchen worktops", "plain", h("kitchen worktops"), t("kitchens", 1)),
    q("refrigerated lorries", "plain", h("refrigerated lorries"), t("lorries", 1)),
    q("phone repairs", "plain", h("mobile phone repairs"), t("mobile_phones", 1)),
    q("cashmere", "plain", h("cashmere")),
    q("chinos", "plain", h("chinos")),
    q("popcorn", "plain", h("popcorn")),
    q("clotted cream fudge", "plain", n("Cornish Fudge Kitchen"), h("fudge", 2)),
    q("parking enforcement", "plain", h("parking enforcement"), t("parking", 1)),
    q("stairlifts", "plain", h("stairlifts"), t("lifts", 1)),
    q("baby car seats", "plain", h("car seats"), t("pushchairs", 1)),
    q("glamping", "plain", h("glamping")),
    q("skip hire", "plain", h("skip hire"), t("waste", 1)),
    q("head torches", "plain", h("head torches"), h("torches", 2)),
    q("smoked salmon", "plain", h("smoked salmon"), t("tinned_fish", 1)),
    q("microgreens", "plain", h("microgreens")),
    q("block paving", "plain", h("block paving"), t("road_surfacing", 1)),
    q("conveyancing", "plain", h("conveyancing")),
    q("payroll services", "plain", h("payroll"), t("accountants", 1)),
    q("decking", "plain", h("decking")),
    q("roman blinds", "plain", h("roman blinds"), t("curtains", 1)),
    q("wound dressings", "plain", h("wound dressings"), t("first_aid", 1)),
    q("peat free compost", "plain", h("compost")),
    q("door handles", "plain", h("door handles"), t("ironmongery", 1)),
    q("english sparkling wine", "plain", h("sparkling wine"), t("wine_merchants", 1)),
    q("ginger beer", "plain", h("ginger beer"), t("soft_drinks", 1)),
    q("wiper blades", "plain", h("wiper blades")),
    q("anodising", "plain", h("anodising")),
    q("engagement rings", "plain", h("engagement rings"), t("jewellery", 1)),
    q("business cards", "plain", h("business cards"), t("printing", 1)),
    q("beard oil", "plain", h("beard oil")),
    q("dentures", "plain", h("dentures"), t("dental", 1)),
    q("natural pet food", "plain", h("pet food")),
    q("drain unblocking", "plain", h("drain unblocking"), t("plumbing", 1)),
    q("ev charger installation", "plain", h("EV charger"), t("electricians", 1)),
    q("single malt whisky", "plain", h("whisky"), t("gin", 1)),
    q("pallet delivery", "plain", h("pallet delivery"), t("haulage", 1)),
    q("kitchen knives", "plain", h("kitchen knives"), t("cutlery", 1)),
    q("blue cheese", "plain", h("blue cheese"), t("cheese", 1)),
    # -- British and American words ------------------------------------------------------------
    q("diapers", "vocabulary", h("nappies"), h("nappy"), t("nappies", 1)),
    q("eggplant", "vocabulary", h("aubergines")),
    q("zucchini", "vocabulary", h("courgettes")),
    q("sneakers", "vocabulary", h("trainers"), h("plimsolls", 2)),
    q("gasoline supply", "vocabulary", h("petrol"), t("fuel", 1)),
    q("cookies", "vocabulary", h("biscuits"), t("biscuits", 1)),
    q("serviced apartments", "vocabulary", h("serviced flats"), h("flats", 2), t("flats", 1)),
    q("kitchen faucets", "vocabulary", h("kitchen taps"), h("taps", 2), t("taps", 1)),
    q("realtor", "vocabulary", h("estate agents"), t("estate_agents", 1)),
    q("drugstore", "vocabulary", h("chemist"), h("pharmacy", 2)),
    q("parking lot management", "vocabulary", h("car park management"), t("parking", 1)),
    q("elevators", "vocabulary", h("lifts"), t("lifts", 1)),
    q("strollers", "vocabulary", h("pushchairs"), h("prams", 2)),
    q("vacation rentals", "vocabulary", h("holiday cottages"), h("self-catering", 2),
      t("holiday_lets", 1)),
    q("garbage removal", "vocabulary", h("rubbish removal"), t("waste", 1)),
    q("dumpster rental", "vocabulary", h("skip hire")),
    q("flashlights", "vocabulary", h("torches")),
    q("canned sardines", "vocabulary", h("tinned sardines"), h("tinned fish", 2)),
    q("cilantro", "vocabulary", h("coriander")),
    q("lumber", "vocabulary", h("timber"), t("timber", 1)),
    q("drapes", "vocabulary", h("curtains")),
    q("band-aids", "vocabulary", h("sticking plasters"), h("first aid kits", 1)),
    q("liquor store", "vocabulary", h("beer and spirits"), h("wine merchant", 2)),
    q("soda", "vocabulary", h("fizzy drinks"), t("soft_drinks", 1)),
    q("windshield replacement", "vocabulary", h("windscreen replacement"),
      h("windscreen", 2), t("windscreens", 1)),
    q("tire fitting", "vocabulary", h("tyre fitting"), h("tyres", 2), t("tyres", 1)),
    q("aluminum extrusions", "vocabulary", h("aluminium extrusions"), t("aluminium", 1)),
    q("jewelry repairs", "vocabulary", h("jewellery repairs"), t("jewellery", 1)),
    q("color printing", "vocabulary", h("colour printing"), t("printing", 1)),
    q("catalog design", "vocabulary", h("catalogue design"), t("catalogues", 1)),
    q("organic moisturizer", "vocabulary", h("moisturisers"), h("organic skincare", 2)),
    q("cell phone repairs", "vocabulary", h("mobile phone repairs"), t("mobile_phones", 1)),
    q("sweaters", "vocabulary", h("jumpers"), h("cardigans", 2), t("knitwear", 1)),
    q("potato chips", "vocabulary", h("crisps")),
    # -- lay words for trade words -------------------------------------------------------------
    q("carpenter", "lay", h("joinery"), t("joinery", 2)),
    q("moving company", "lay", h("removals"), t("removals", 2)),
    q("kitchen cabinets", "lay", h("fitted kitchens"), t("kitchens", 1)),
    q("truck rental", "lay", h("lorry hire"), h("lorries", 1)),
    q("lawyers", "lay", t("solicitors")),
    q("pharmacy", "lay", h("chemist"), h("pharmacy")),
    q("hoover repairs", "lay", h("vacuum repairs"), t("vacuum_cleaners", 1)),
    q("dentist crowns", "lay", h("crowns"), t("dental", 1)),
    q("vet", "lay", h("veterinary"), h("vets")),
    q("electrician", "lay", h("electrical contractors"), t("electricians", 2)),
    q("trucking", "lay", h("road haulage"), t("haulage", 1)),
    q("plumber", "lay", h("plumbing"), t("plumbing", 2)),
    # -- company names with other legal forms ----------------------------------------------------
    q("Snugbottom Nappies Company Limited", "name", n("Snugbottom Nappies Ltd"),
      first="Snugbottom Nappies Ltd"),
    q("Little Acorn Baby & Co", "name", n("Little Acorn Baby Co"), first="Little Acorn Baby Co"),
    q("Little Acorn Baby Co.", "name", n("Little Acorn Baby Co"), first="Little Acorn Baby Co"),
    q("Meadow Baby Inc", "name", n("Meadow Baby CIC"), first="Meadow Baby CIC"),
    q("Hartley Wade Solicitors", "name", n("Hartley Wade Solicitors LLP"),
      first="Hartley Wade Solicitors LLP"),
    q("Crumb and Co", "name", n("Crumb & Co"), first="Crumb & Co"),
    q("Forecourt Direct", "name", n("Forecourt Direct Plc"), first="Forecourt Direct Plc"),
    q("Cosy Cubs Corp", "name", n("Cosy Cubs Limited"), first="Cosy Cubs Limited"),
    q("Stride Northampton Limited", "name", n("Stride Northampton Ltd"),
      first="Stride Northampton Ltd"),
    q("Isle of Wight Aubergine Co", "name", n("Isle of Wight Aubergine Company"),
      first="Isle of Wight Aubergine Company"),
    q("Highland Shortbread Co Ltd", "name", n("Highland Shortbread Company"),
      first="Highland Shortbread Company"),
    q("Tread Tyres", "name", n("Tread Tyres Ltd"), h("tyres", 1), first="Tread Tyres Ltd"),
    q("Pop and Crunch Limited", "name", n("Pop & Crunch"), first="Pop & Crunch"),
    q("Kitchen Tap Company", "name", n("Kitchen Tap Company"), h("kitchen taps", 2),
      first="Kitchen Tap Company"),
    # -- the whole query as a phrase ------------------------------------------------------------
    q("fish pâté", "phrase", h("fish pâté")),
    q("farmhouse cheddar", "phrase", h("farmhouse cheddar"), t("cheese", 1)),
    q("sash windows", "phrase", h("sash windows"), t("joinery", 1)),
    q("small batch gin", "phrase", h("small batch gin"), t("gin", 1)),
    q("sparkling water", "phrase", h("sparkling water"), t("soft_drinks", 1)),
    q("road surfacing", "phrase", h("road surfacing"), t("road_surfacing", 1)),
    # -- several words, not all in any one company -----------------------------------------------
    q("organic bamboo nappies", "or", h("bamboo nappy"), h("nappies", 2), t("nappies", 1)),
    q("oak doors joinery", "or", h("oak staircases"), h("timber doors"), t("joinery", 2)),
    q("refrigerated lorry hire", "or", h("refrigerated lorries"), h("lorry hire"),
      t("lorries", 1)),
    q("silver handmade jewellery", "or", h("silver jewellery"), h("handmade jewellery"),
      t("jewellery", 1)),
    q("boiler bathroom plumbing", "or", h("boiler"), h("bathroom fitting"), h("plumbing"),
      t("plumbing", 1)),
    q("cordless carpet vacuum", "or", h("cordless"), h("carpet cleaners"), h("vacuum", 2)),
    q("colour litho printing", "or", h("colour printing"), h("litho printing"),
      t("printing", 1)),
    q("elderflower cordial sparkling", "or", h("elderflower"), h("sparkling water", 1)),
    # -- misspellings, some written by ear ---------------------------------------------------
    q("nappys", "typo", h("nappies"), h("nappy", 2), t("nappies", 1)),
    q("auberjines", "typo", h("aubergines")),
    q("product fotografy", "typo", h("photography"), suggest="product photography"),
    q("silver joolery", "typo", h("silver jewellery"), h("jewellery", 2), t("jewellery", 1),
      suggest="silver jewellery"),
    q("hairdressing sizzors", "typo", h("scissors"), suggest="hairdressing scissors"),
    q("cheezmongers", "typo", h("cheesemongers"), suggest="cheesemongers"),
    q("shortbred", "typo", h("shortbread"), t("biscuits", 1)),
    q("craft distilary", "typo", h("distillery"), t("gin", 1)),
    q("upolstery fabrics", "typo", h("upholstery")),
    # -- markup and punctuation pasted into the box ----------------------------------------------
    q("<b>gin</b>", "markup", h("gin")),
    q("<i>fudge</i> &amp; toffee", "markup", h("fudge"), h("toffee")),
    q("skip&nbsp;hire", "markup", h("skip hire"), t("waste", 1)),
    # -- profile addresses pasted into the box ------------------------------------------------
    q("https://www.tradehub.example/suppliers/boothby-chemists", "address",
      n("Boothby Chemists"), first="Boothby Chemists"),
    q("tradehub.example/suppliers/tread-tyres-ltd", "address", n("Tread Tyres Ltd"),
      first="Tread Tyres Ltd"),
    q("/suppliers/juniper-hill-distillery", "address", n("Juniper Hill Distillery"),
      first="Juniper Hill Distillery"),
    # -- text with filters ------------------------------------------------------------------------
    q("gin", "filter", h("gin"), filters={"region": ["SCOTLAND"]}),
    q("trainers", "filter", h("trainers"), filters={"country": ["US"]}),
    q("estate agents", "filter", h("estate agents"), t("estate_agents", 1),
      filters={"verified": ["true"]}),
    q("diapers", "filter", h("nappies"), h("nappy"), t("nappies", 1),
      filters={"employees": ["1-10", "11-50"]}),
    q("cheese", "filter", h("cheese"), h("cheesemongers"), filters={"region": ["LONDON", "WALES"]}),
    q("lumber", "filter", h("timber"), filters={"industry": ["CONSTRUCTION"]}),
    # -- the right answer is nothing ----------------------------------------------------------
    q("nuclear submarines", "nothing"),
    q("helicopter charter flights", "nothing"),
    q("quantum computing", "nothing"),
    q("tattoo studio", "nothing"),
    q("casino gaming machines", "nothing"),
    q("oil rig decommissioning", "nothing"),
    q("space rockets", "nothing"),
    q("wedding dresses", "nothing"),
)  # fmt: skip


def grade(judged: Judged, company: dict[str, Any]) -> int:
    """How useful `company` is for `judged` (0-3)."""
    best = 0
    products = ". ".join(company["_products"]).lower()
    for rule, value in judged.grades:
        kind, _, arg = rule.partition(":")
        if (
            (kind == "trade" and company["_trade"] == arg)
            or (kind == "has" and re.search(rf"\b{re.escape(arg.lower())}\b", products))
            or (kind == "name" and company["name"] == arg)
        ):
            best = max(best, value)
    return best
