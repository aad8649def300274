"""Staff screens for supplier profiles, on the one staff blueprint (supplier_profiles_staff):
verifying and moderating companies (/staff/suppliers) and blocked senders
(/staff/blocked-senders)."""

from __future__ import annotations

from supplier_profiles.staff import blocked_senders, companies
from supplier_profiles.staff.common import staff_bp

# The topic modules add their routes to staff_bp when imported.
ROUTE_MODULES = (companies, blocked_senders)

__all__ = ["ROUTE_MODULES", "staff_bp"]
