"""Feedback: "Report a problem with this page" (linked from every page by the layout), reports
about things features show (supplier_profiles plugs in "Report this profile" with the forms and
`report_subject` here), the contact page, and the staff list at /staff/feedback."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from tradehub.feedback import staff_views, views  # noqa: E402,F401  (routes attach to the blueprints)
