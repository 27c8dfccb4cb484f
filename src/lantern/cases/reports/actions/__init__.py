"""Every change to a tip report, from draft to outcome, and every use of an agency link.

The workflow (DESIGN.md, "Tip report")::

    draft -> in_review -> awaiting_approval -> approved -> delivered -> acknowledged -> closed
      ^          |               |
      +- sent back with comments +            (a report not yet delivered can be withdrawn)

Each step checks the permission rules and the report's status inside one transaction, with
the row locked, so two people clicking at once cannot both move it. A refused step changes
nothing and is audited (``Audit.REFUSED``) with its reasons.

By topic, as Zulip's ``zerver/actions``: ``workflow`` (draft to approval), ``delivery``
(links, PDF, phone, acknowledgement, outcome), ``links`` (the agency's side), on ``common``;
everything is re-exported here, so callers import ``lantern.cases.reports.actions`` as before.
"""

from lantern.cases.reports.actions.common import (
    EDITABLE_FIELDS,
    RELEASED,
    AgencyLinkRefused,
    ReportError,
)
from lantern.cases.reports.actions.delivery import (
    do_email_agency_link,
    do_issue_agency_link,
    do_prepare_pdf,
    do_record_acknowledgement,
    do_record_outcome,
    do_record_phone_notification,
    do_revoke_agency_link,
)
from lantern.cases.reports.actions.links import (
    REFUSAL_WINDOW,
    acknowledge_via_link,
    agency_pdf,
    find_link,
    open_agency_link,
)
from lantern.cases.reports.actions.workflow import (
    do_approve_report,
    do_draft_report,
    do_edit_report,
    do_review_report,
    do_submit_report,
    do_withdraw_report,
    missing_for_submission,
)

__all__ = [
    "AgencyLinkRefused",
    "EDITABLE_FIELDS",
    "REFUSAL_WINDOW",
    "RELEASED",
    "ReportError",
    "acknowledge_via_link",
    "agency_pdf",
    "do_approve_report",
    "do_draft_report",
    "do_edit_report",
    "do_email_agency_link",
    "do_issue_agency_link",
    "do_prepare_pdf",
    "do_record_acknowledgement",
    "do_record_outcome",
    "do_record_phone_notification",
    "do_review_report",
    "do_revoke_agency_link",
    "do_submit_report",
    "do_withdraw_report",
    "find_link",
    "missing_for_submission",
    "open_agency_link",
]
