"""``/api/v1/audit``: the audit log, for those the rules let read it."""

from __future__ import annotations

from ninja import Router

from lantern.api.common import paginate, require
from lantern.api.schemas import AuditPage, ErrorOut
from lantern.audit import queries as audit_queries

router = Router()


@router.get("/audit", response={200: AuditPage, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def list_audit(
    request,
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    page: int = 1,
    page_size: int = 50,
):
    """The audit log, newest first. ``object_type=contact`` is short for ``contacts.contact``."""
    require(request.auth, "view_audit")
    if object_type and "." not in object_type:
        object_type = {"contact": "contacts.contact", "user": "accounts.user"}.get(
            object_type, object_type
        )
    qs = audit_queries.events(object_type=object_type, object_id=object_id, action=action)
    meta, rows = paginate(qs, page, page_size)
    return {
        **meta,
        "results": [
            {
                "id": e.id,
                "at": e.at,
                "actor": e.actor_label,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "changes": e.changes,
                "reason": e.reason,
                "hash": e.hash,
            }
            for e in rows
        ],
    }
