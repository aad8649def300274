"""Loading the packaged data files: the partner marketplaces with their UK offers, and the
seed exchange rates. `flask marketplaces load` runs both; a rerun changes only what differs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from marketplaces.facts import (
    apply_facts,
    check_currency,
    diff_facts,
    facts_of,
    normalise_facts,
    parse_decimal,
)
from marketplaces.models import (
    OFFER_KINDS,
    ExchangeRate,
    Marketplace,
    MarketplaceState,
    Offer,
    OfferState,
    RevisionAction,
)
from marketplaces.revisions import record_revision
from tradehub.db_types import utcnow
from tradehub.errors import ValidationFailed
from tradehub.extensions import db

DATA_DIR = Path(__file__).parent / "data"
MARKETPLACES_FILE = DATA_DIR / "marketplaces.json"
EXCHANGE_RATES_FILE = DATA_DIR / "exchange_rates.json"
# `Offer.source` of the offer the data file manages (staff-made offers have none).
DATA_FILE_SOURCE = "data-file"


def _read_json(path: Path | str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValidationFailed(f"cannot read {path}: {exc}") from exc


def _as_of_moment(as_of: str | None) -> datetime | None:
    """The data file's "as of" ("2017-01" or "2017-01-31") as the start of that day or month."""
    if not as_of:
        return None
    text = as_of if len(as_of) > 7 else f"{as_of}-01"
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    except ValueError as exc:
        raise ValidationFailed(f"'as_of' must be YYYY-MM or YYYY-MM-DD, not {as_of!r}") from exc


@dataclass
class LoadResult:
    """What `load_marketplaces` did, for the CLI to report."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_unpublished: list[str] = field(default_factory=list)
    offers_created: int = 0
    offers_updated: int = 0
    offers_withdrawn: int = 0
    as_of: str | None = None

    @property
    def total(self) -> int:
        """Marketplaces in the file."""
        return len(self.created) + len(self.updated) + len(self.unchanged)


def read_data_file(path: Path | str = MARKETPLACES_FILE) -> dict[str, Any]:
    """The parsed data file; ValidationFailed if it is not the expected shape."""
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("marketplaces"), list):
        raise ValidationFailed(f"{path} has no 'marketplaces' list")
    return data


def load_marketplaces(path: Path | str = MARKETPLACES_FILE) -> LoadResult:
    """Create or update (matched on slug) every marketplace in the file, published, with offers.

    A rerun changes only what differs and records a "loaded" revision for it; drafts staff have
    saved are left alone, and a marketplace staff unpublished stays unpublished.
    """
    data = read_data_file(path)
    result = LoadResult(as_of=data.get("as_of"))
    facts_as_of = _as_of_moment(data.get("as_of"))
    seen: set[str] = set()
    for index, entry in enumerate(data["marketplaces"]):
        slug = str(entry.get("slug") or "").strip()
        if not slug:
            raise ValidationFailed(f"entry {index} has no slug")
        if slug in seen:
            raise ValidationFailed(f"slug {slug!r} appears twice in the file")
        seen.add(slug)
        try:
            facts = normalise_facts(entry)
        except ValidationFailed as exc:
            raise ValidationFailed(f"{slug}: {exc}", exc.field) from exc

        marketplace = db.session.scalar(select(Marketplace).where(Marketplace.slug == slug))
        if marketplace is None:
            marketplace = Marketplace(slug=slug, name=facts["name"], state=MarketplaceState.DRAFT)
            db.session.add(marketplace)
            apply_facts(marketplace, facts, facts_as_of)
            record_revision(marketplace, RevisionAction.LOADED, diff_facts(None, facts))
            result.created.append(slug)
        else:
            changes = diff_facts(facts_of(marketplace), facts)
            if changes:
                apply_facts(marketplace, facts, facts_as_of)
                record_revision(marketplace, RevisionAction.LOADED, changes)
                result.updated.append(slug)
            else:
                result.unchanged.append(slug)
        # New and never-published marketplaces go live; one staff unpublished stays hidden.
        if marketplace.state == MarketplaceState.DRAFT:
            marketplace.state = MarketplaceState.PUBLISHED
            marketplace.published_at = utcnow()
            record_revision(marketplace, RevisionAction.PUBLISHED, {})
        elif marketplace.state == MarketplaceState.UNPUBLISHED:
            result.kept_unpublished.append(slug)
        _load_offer(marketplace, entry.get("uk_offer"), result)
    db.session.flush()
    return result


def _load_offer(marketplace: Marketplace, raw: dict | None, result: LoadResult) -> None:
    offer = next((o for o in marketplace.offers if o.source == DATA_FILE_SOURCE), None)
    if not raw:
        if offer is not None and offer.state == OfferState.PUBLISHED:
            offer.state = OfferState.UNPUBLISHED
            result.offers_withdrawn += 1
        return
    kind = raw.get("kind") if raw.get("kind") in OFFER_KINDS else "other"
    summary = str(raw.get("summary") or "").strip()
    if not summary:
        raise ValidationFailed(f"{marketplace.slug}: the UK offer has no summary", "uk_offer")
    badge = f"UK offer: {OFFER_KINDS[kind].lower()}"
    if offer is None:
        marketplace.offers.append(
            Offer(
                kind=kind,
                badge_text=badge,
                summary=summary,
                source=DATA_FILE_SOURCE,
                terms=str(raw.get("terms") or ""),
                eligibility=str(raw.get("eligibility") or ""),
                state=OfferState.PUBLISHED,
                published_at=utcnow(),
            )
        )
        result.offers_created += 1
        return
    # The file owns the offer's wording; staff own whether it is shown, so a rerun never
    # republishes an offer staff unpublished.
    if (offer.kind, offer.summary) != (kind, summary):
        offer.kind, offer.summary, offer.badge_text = kind, summary, badge
        result.offers_updated += 1


def load_exchange_rates(path: Path | str = EXCHANGE_RATES_FILE) -> tuple[int, int]:
    """Add the seed rates for currencies that have none; never overwrite a staff-edited rate.

    Returns (added, kept).
    """
    data = _read_json(path)
    source = f"{data['source']}, as of {data['as_of']}"
    as_of = date.fromisoformat(data["as_of"])
    existing = {r.currency for r in db.session.scalars(select(ExchangeRate))}
    added = kept = 0
    for code, rate in sorted(data["rates_per_gbp"].items()):
        code = check_currency(code, "exchange rates")
        if code in existing:
            kept += 1
            continue
        value = parse_decimal(rate)
        if value is None or value <= 0:
            raise ValidationFailed(f"exchange rate for {code} must be positive")
        db.session.add(ExchangeRate(currency=code, units_per_gbp=value, source=source, as_of=as_of))
        added += 1
    db.session.flush()
    return added, kept
