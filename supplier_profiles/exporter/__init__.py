"""The exporter's pages under /profile, one module per topic: creating and deleting the company
(with a Companies House lookup), the profile and logo, case studies, members, verification and
publishing, and the enquiries inbox. All routes are on the one `exporter_bp`
(supplier_profiles_exporter), guarded for UK business accounts.

Views are thin: a form validates, one service acts inside `service_call`, which commits once or
puts the service's refusal next to the field it names.
"""

from __future__ import annotations

from supplier_profiles.exporter import (
    case_studies,
    companies,
    enquiries,
    members,
    profile,
    publishing,
)
from supplier_profiles.exporter.common import account_links, exporter_bp

# The topic modules add their routes to exporter_bp when imported.
ROUTE_MODULES = (companies, profile, case_studies, members, publishing, enquiries)

__all__ = ["ROUTE_MODULES", "account_links", "exporter_bp"]
