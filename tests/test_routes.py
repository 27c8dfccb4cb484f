"""Route × role, generated from the URL map (issue 25 part 2).

Every console and API route is walked from Django's URL resolver. Each must have an entry in
``ROUTES`` saying who may use it; a route without one fails ``test_every_route_has_an_entry``,
so a new page cannot ship unchecked. For every route the test then checks:

- anonymous: the console sends you to sign in, the API answers 401;
- every role that may not use it: 403 or 404;
- a role that may: 200 for a page (for a form posted empty: anything but 401/403/404/405/5xx);
- another advocate, for a record that is not theirs (a contact or case they have no part in):
  404, exactly as for a missing id.

Adding a route: add one line to ``ROUTES``: ``Route(method, allowed, obj)``. ``allowed`` is the
set of personas (``tests/conftest.py``) the default rules let in; ``obj`` names what the URL's
ids point at (a key of ``OBJECTS``; ``None`` for no id). See docs/development/access.md.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from lantern.cases import actions as case_actions
from lantern.cases.models import TipReport
from lantern.cases.reports import actions as report_actions
from lantern.contacts.actions import do_open_chat, do_take_contact
from lantern.contacts.models import Contact
from lantern.directory import actions as directory_actions
from lantern.protocols.actions import do_save_protocol
from lantern.routing.models import Queue
from lantern.training import queries as training_queries
from lantern.training.actions import do_record_training, do_review_contact
from lantern.training.models import Course
from tests.conftest import PASSWORD

ROLES = ("advocate", "analyst", "supervisor", "directory", "admin")
STAFF = frozenset(ROLES)
TAKERS = frozenset({"advocate", "analyst", "supervisor"})  # take_contact, create_contact...
READERS = frozenset({"advocate", "analyst", "supervisor", "admin"})  # view_contact
CASE_STAFF = frozenset({"advocate", "analyst", "supervisor"})
REVIEWERS = frozenset({"analyst", "supervisor"})
BOARD = frozenset({"supervisor", "admin"})
STATS = frozenset({"analyst", "supervisor", "admin"})


@dataclass(frozen=True)
class Route:
    method: str  # "get" or "post"
    allowed: frozenset  # personas the default rules let in (besides the record's own rules)
    obj: str | None = None  # what the URL's ids name: a key of OBJECTS
    public: bool = False  # no sign-in needed (the sign-in page itself)
    ok: tuple = (200,)  # what an allowed role gets for a page (a workflow may redirect)
    # a public route that checks for itself: what anonymous gets with nothing in progress
    anonymous: tuple = ()


R = Route
ROUTES: dict[str, Route] = {
    "console:login": R("get", STAFF, public=True),
    "console:logout": R("post", STAFF, public=True),
    "console:home": R("get", STAFF),
    "console:inbox": R("get", TAKERS),
    "console:contact_list": R("get", READERS),
    "console:contact_new": R("get", TAKERS),
    "console:repeat_check": R("post", TAKERS),
    "console:contact_detail": R("get", READERS, "contact"),
    "console:contact_hold": R("post", {"supervisor"}, "contact"),
    "console:case_hold": R("post", {"supervisor"}, "case"),
    "console:hold_release": R("post", {"supervisor"}, "legal_hold"),
    "console:range_hold": R("post", {"supervisor"}),
    "console:person_records": R("get", {"supervisor"}),
    "console:person_shred": R("post", {"supervisor"}),
    "console:person_exports": R("get", {"supervisor"}),
    "console:person_export_create": R("post", {"supervisor"}),
    "console:person_export": R("get", {"supervisor"}, "person_export"),
    "console:person_export_decide": R("post", {"supervisor"}, "person_export"),
    "console:person_export_download": R("post", {"supervisor"}, "person_export"),
    "console:transcript_export": R("get", {"supervisor"}),
    "console:retention": R("get", {"admin"}),
    "console:assessment": R("get", {"supervisor", "admin"}),
    "console:assessment_pdf": R("get", {"supervisor", "admin"}),
    "console:library": R("get", {"supervisor", "admin"}),
    "console:library_new": R("get", {"supervisor", "admin"}),
    "console:library_edit": R("get", {"supervisor", "admin"}, "resource"),
    "console:contact_edit": R("get", TAKERS, "contact"),
    "console:contact_take": R("post", TAKERS, "contact"),
    "console:conversation": R("get", READERS, "chat"),
    "console:referral_give": R("post", TAKERS, "contact"),
    "console:referral_remove": R("post", TAKERS, "referral"),
    "console:referral_update": R("post", TAKERS, "referral"),
    "console:directory": R("get", STAFF),
    "console:directory_search": R("get", STAFF),
    "console:directory_due": R("get", frozenset({"directory"})),
    "console:directory_service": R("get", STAFF, "service"),
    "console:directory_service_edit": R("get", frozenset({"directory"}), "service"),
    "console:directory_verify": R("post", frozenset({"directory"}), "service"),
    "console:directory_retire": R("post", frozenset({"directory"}), "service"),
    "console:directory_reactivate": R("post", frozenset({"directory"}), "service"),
    "console:directory_organizations": R("get", frozenset({"directory"})),
    "console:directory_organization_new": R("get", frozenset({"directory"})),
    "console:directory_organization": R("get", frozenset({"directory"}), "organization"),
    "console:directory_service_new": R("get", frozenset({"directory"}), "organization"),
    "console:audit_list": R("get", BOARD),
    "console:case_list": R("get", CASE_STAFF),
    "console:case_detail": R("get", CASE_STAFF, "case"),
    "console:case_edit": R("get", CASE_STAFF, "case"),
    "console:case_status": R("post", CASE_STAFF, "case"),
    "console:case_note": R("post", CASE_STAFF, "case"),
    "console:case_link": R("post", CASE_STAFF, "case"),
    "console:case_unlink": R("post", CASE_STAFF, "case_contact"),
    "console:case_merge": R("post", REVIEWERS, "case"),
    "console:case_from_contact": R("post", CASE_STAFF, "contact"),
    "console:report_new": R("get", CASE_STAFF, "case"),
    "console:report_list": R("get", CASE_STAFF),
    "console:report_detail": R("get", CASE_STAFF, "report"),
    "console:report_edit": R("get", CASE_STAFF, "report", ok=(200, 302)),  # author edits
    "console:report_submit": R("post", CASE_STAFF, "report"),
    "console:report_decide": R("post", REVIEWERS, "report"),
    "console:report_withdraw": R("post", CASE_STAFF, "report"),
    "console:report_link": R("post", REVIEWERS, "report"),
    "console:report_link_revoke": R("post", REVIEWERS, "report_link"),
    "console:report_pdf": R("post", REVIEWERS, "report"),
    "console:report_phone": R("post", REVIEWERS, "report"),
    "console:report_acknowledged": R("post", REVIEWERS, "report"),
    "console:report_outcome": R("post", REVIEWERS, "report"),
    # T&TA requests: advocates see the queue of those assigned to them (none here)
    "console:assistance_list": R("get", CASE_STAFF),
    "console:assistance_detail": R("get", REVIEWERS, "assistance"),
    "console:assistance_assign": R("post", REVIEWERS, "assistance"),
    "console:assistance_status": R("post", REVIEWERS, "assistance"),
    "console:assistance_deliverable": R("post", REVIEWERS, "assistance"),
    "console:assistance_from_contact": R("get", TAKERS, "contact"),
    "console:protocols": R("get", STAFF),
    "console:protocol_new": R("get", frozenset({"directory"})),
    "console:protocol_detail": R("get", STAFF, "protocol"),
    "console:protocol_edit": R("get", frozenset({"directory"}), "protocol"),
    "console:protocol_verify": R("post", frozenset({"directory"}), "protocol"),
    "console:stats_home": R("get", STATS),
    "console:stats_prepare": R("post", REVIEWERS),
    "console:stats_operations": R("get", STATS),
    "console:stats_tables": R("get", STATS),
    "console:stats_snapshot": R("post", REVIEWERS),
    "console:stats_release": R("get", STATS, "release"),
    "console:stats_approve": R("post", frozenset({"supervisor"}), "release"),
    "console:stats_withdraw": R("post", frozenset({"supervisor"}), "release"),
    "console:routing_bar": R("get", TAKERS),
    "console:presence": R("post", TAKERS),
    "console:offer_accept": R("post", TAKERS, "offer"),
    "console:offer_decline": R("post", TAKERS, "offer"),
    "console:board": R("get", BOARD),
    "console:board_partial": R("get", BOARD),
    "console:routing_metrics": R("get", BOARD),
    "console:queue_divert": R("post", frozenset({"supervisor"}), "queue"),
    "console:staffing": R("get", BOARD),
    "console:retriage": R("post", TAKERS, "routed"),
    "console:sign_in_verify": R("get", STAFF, public=True),  # the second step of signing in
    "console:sign_in_enrol": R("get", STAFF, public=True),
    # security keys: no sign-in (or enrolment) in progress in this browser is a JSON 403
    "console:webauthn_register_begin": R("post", STAFF, public=True, anonymous=(403,)),
    "console:webauthn_register_complete": R("post", STAFF, public=True, anonymous=(403,)),
    "console:webauthn_auth_begin": R("post", STAFF, public=True, anonymous=(403,)),
    "console:webauthn_auth_complete": R("post", STAFF, public=True, anonymous=(403,)),
    "console:webauthn_jsi18n": R("get", STAFF, public=True),
    "console:account": R("get", STAFF),
    "console:profile": R("get", STAFF),  # the console's language
    "console:password_change": R("get", STAFF),
    "console:factor_add": R("get", STAFF),
    "console:factor_remove": R("post", STAFF, "factor"),
    "console:recovery_codes_new": R("post", STAFF),
    "console:sign_out_everywhere": R("post", STAFF),
    "console:staff_factors": R("get", BOARD),
    "console:staff_factor_reset": R("post", BOARD, "staff_user"),
    "console:report_fast_track": R("post", frozenset({"supervisor"}), "report"),
    "console:report_review_after": R("post", REVIEWERS, "report"),
    "console:contact_police_call": R("post", TAKERS, "contact"),
    "console:spam": R("get", frozenset({"supervisor"})),
    "console:spam_dismiss": R("post", frozenset({"supervisor"})),
    "console:spam_restore": R("post", frozenset({"supervisor"}), "spam_batch"),
    "console:call_action": R("post", TAKERS, "call"),  # no live call: back to the contact
    "console:training": R("get", STAFF),  # one's own training; supervisors see everyone's
    "console:training_courses": R("get", STAFF),
    "console:training_staff": R("get", BOARD, "staff_member"),
    "console:training_record_remove": R("post", BOARD, "training_record"),
    "console:review_new": R("get", frozenset({"supervisor"}), "contact"),
    "console:review_list": R("get", TAKERS),  # one's own reviews; a reviewer sees every one
    "console:review_summary": R("get", BOARD),
    "console:review_detail": R("get", frozenset({"advocate", "supervisor"}), "review"),
    "console:review_acknowledge": R("post", frozenset({"advocate"}), "review"),
    "console:softphone": R("get", TAKERS),
    "console:softphone_token": R("get", TAKERS, ok=(200, 503)),  # 503: no API key set up here
    "console:softphone_action": R("post", TAKERS, "hold"),  # not on a call: 409
    "api:api-root": R("get", STAFF, public=True),  # no page at the root: 404 for all
    "api:openapi-json": R("get", STAFF, public=True),
    "api:openapi-view": R("get", STAFF, public=True),
    "api:list_contacts": R("get", READERS),
    "api:create_contact": R("get", READERS),  # the same URL as list_contacts (POST creates)
    "api:get_contact": R("get", READERS, "contact"),
    "api:update_contact": R("get", READERS, "contact"),  # the same URL as get_contact
    "api:list_audit": R("get", BOARD),
    "api:get_presence": R("get", TAKERS),
    "api:put_presence": R("get", TAKERS),  # the same URL as get_presence
    "api:my_offers": R("get", TAKERS),
    "api:accept_offer": R("post", TAKERS, "offer"),
    "api:decline_offer": R("post", TAKERS, "offer"),
    "api:call_action": R("post", TAKERS, "call"),  # no live call: a 4xx that is not a refusal
    "api:my_training": R("get", STAFF),
    "api:my_reviews": R("get", STAFF),  # one's own: empty for those who take no contacts
    "api:get_review": R("get", frozenset({"advocate", "supervisor"}), "review"),
    "api:acknowledge_review": R("post", frozenset({"advocate"}), "review"),
    "api:list_assistance": R("get", CASE_STAFF),  # advocates: the requests assigned to them
    "api:create_assistance": R("get", CASE_STAFF),  # the same URL as list_assistance
    "api:get_assistance": R("get", REVIEWERS, "assistance"),
    "api:update_assistance": R("get", REVIEWERS, "assistance"),  # the same URL as get_assistance
    "api:add_assistance_deliverable": R("post", REVIEWERS, "assistance"),
}

# Objects whose rules are per record: another advocate with no part in them gets a 404.
PRIVATE = {"contact", "chat", "routed", "call", "referral", "case", "case_contact", "report",
           "report_link", "review"}  # fmt: skip
# What an allowed role posts (an empty form is enough for the others).
DATA = {"console:referral_give": lambda world: {"service": str(world.get("service").pk)}}
# Objects a test cannot cheaply make (an offer, a statistics release, an agency link): the URL
# names a missing id, so an allowed role must reach the lookup and get 404, never 401/403.
MISSING = {"offer", "release", "report_link", "factor", "staff_user", "spam_batch", "legal_hold",
           "person_export"}  # fmt: skip


def _routes():
    def walk(patterns, ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, ns + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and ns in ("console:", "api:"):
                yield f"{ns}{p.name}", p

    return dict(walk(get_resolver().url_patterns))


def test_every_route_has_an_entry():
    routes = _routes()
    missing = sorted(set(routes) - set(ROUTES))
    assert not missing, f"add these routes to ROUTES in tests/test_routes.py: {missing}"
    gone = sorted(set(ROUTES) - set(routes))
    assert not gone, f"ROUTES names routes that no longer exist: {gone}"


class World:
    """The records a route's ids point at, made once per test, lazily."""

    def __init__(self, personas, make_contact):
        self.p, self.make_contact = personas, make_contact
        self._made: dict = {}

    def get(self, kind):
        if kind not in self._made:
            self._made[kind] = getattr(self, f"_{kind}")()
        return self._made[kind]

    def _contact(self):
        return self.make_contact("advocate")

    def _call(self):
        return self.get("contact")

    def _routed(self):
        from lantern.routing.actions import do_route_contact

        contact = self.get("contact")
        do_route_contact(contact)
        return contact

    def _case_contact(self):
        case = self.get("case")
        case_actions.do_link_contact(case, self.make_contact("advocate"), actor=self.p["advocate"])
        return case

    def _old_contact(self):
        contact = self.make_contact("advocate")
        old = timezone.now() - timedelta(hours=100)  # past the shift window: advocate2 is out
        Contact.objects.filter(pk=contact.pk).update(created_at=old, received_at=old)
        return Contact.objects.get(pk=contact.pk)

    def _chat(self):
        conversation = do_open_chat()
        return do_take_contact(conversation.contact, actor=self.p["advocate"])

    def _case(self):
        return case_actions.do_open_case(self.get("contact"), actor=self.p["advocate"])

    def _service(self):
        org = self.get("organization")
        return directory_actions.do_create_service(
            org, {"name": "Synthetic Route Shelter", "description": "Synthetic.",
                  "service_types": ["emergency-shelter"]}, actor=self.p["directory"],
        )  # fmt: skip

    def _organization(self):
        return directory_actions.do_create_organization(
            {"name": "Synthetic Route Coalition", "organization_type": "anti_trafficking",
             "description": "A synthetic organization."},
            actor=self.p["directory"],
        )

    def _referral(self):
        return case_actions.do_give_referral(
            self.get("contact"), self.get("service"), actor=self.p["advocate"]
        )

    def _report(self):
        return report_actions.do_draft_report(
            self.get("case"), {"agency_name": "Synthetic Task Force"}, actor=self.p["advocate"]
        )

    def _protocol(self):
        return do_save_protocol(
            {"name": "Synthetic national protocol", "level": "national"},
            [{"agency": "Synthetic hotline desk", "instructions": "Synthetic."}],
            actor=self.p["directory"],
        )

    def _assistance(self):
        from lantern.assistance.actions import do_create_assistance_request

        return do_create_assistance_request(
            {"requester_name": "Synthetic Requester", "email": "route@example.org",
             "organization_type": "educator", "topic": "data", "description": "Synthetic."},
            actor="public", source="public_form",
        )  # fmt: skip
    def _staff_member(self):
        return self.p["advocate"]

    def _training_record(self):
        course = Course.objects.create(name="Synthetic route course", validity_months=12)
        return do_record_training(
            self.p["advocate"], course, completed_on=date(2026, 1, 5), actor=self.p["supervisor"]
        )

    def _review(self):
        """The supervisor's review of the advocate's contact: theirs to read and acknowledge."""
        answers = {c.pk: "2" if c.scale == "zero_to_two" else "yes"
                   for c in training_queries.active_rubric().criteria.all()}  # fmt: skip
        return do_review_contact(self.get("contact"), answers, actor=self.p["supervisor"])

    def _resource(self):
        from lantern.library.actions import do_save_resource

        return do_save_resource(
            {"title": "Synthetic fact sheet", "kind": "fact_sheet",
             "url": "https://example.org/fact-sheet"},
            actor=self.p["supervisor"],
        )  # fmt: skip

    def _queue(self):
        return Queue.objects.first() or Queue.objects.create(name="general", label="General")

    def kwargs(self, kind):
        """The URL's keyword arguments for a record of this kind."""
        if kind is None:
            return {}
        if kind in MISSING:
            ids = {"offer": "offer_id", "release": "release_id", "spam_batch": "batch_id",
                   "person_export": "export_id"}  # fmt: skip
            if kind == "factor":
                return {"kind": "totp", "device_id": 999_999}
            if kind == "staff_user":
                return {"user_id": 999_999}
            if kind == "legal_hold":
                return {"hold_id": 999_999}
            if kind == "report_link":
                return {"report_id": self.get("report").pk, "link_id": uuid.uuid4()}
            return {ids[kind]: uuid.uuid4()}
        if kind == "hold":
            return {"action": "hold"}
        record = self.get(kind)
        return {
            "contact": lambda: {"contact_id": record.pk},
            "chat": lambda: {"contact_id": record.pk},
            "routed": lambda: {"contact_id": record.pk},
            "call": lambda: {"contact_id": record.pk, "action": "hold"},
            "case": lambda: {"case_id": record.pk},
            "case_contact": lambda: {"case_id": record.pk, "contact_id": self.get("contact").pk},
            "referral": lambda: {"contact_id": record.contact_id, "referral_id": record.pk},
            "report": lambda: {"report_id": record.pk},
            "service": lambda: {"service_id": record.pk},
            "organization": lambda: {"organization_id": record.pk},
            "protocol": lambda: {"protocol_id": record.pk},
            "queue": lambda: {"queue_id": record.pk},
            "assistance": lambda: {"request_id": record.pk},
            "staff_member": lambda: {"user_id": record.pk},
            "training_record": lambda: {"record_id": record.pk},
            "review": lambda: {"review_id": record.pk},
            "resource": lambda: {"resource_id": record.pk},
        }[kind]()  # fmt: skip

    def private_kwargs(self, kind):
        """The same route for a record advocate2 has no part in."""
        if kind in ("contact", "chat", "routed", "call", "referral", "case_contact", "case",
                    "report"):  # fmt: skip
            self._made["contact"] = self._old_contact()
            for later in ("chat", "routed", "call", "case", "case_contact", "referral", "report"):
                self._made.pop(later, None)
        if kind == "chat":
            contact = self.get("chat")
            Contact.objects.filter(pk=contact.pk).update(
                created_at=timezone.now() - timedelta(hours=100)
            )
        return self.kwargs(kind)


def _client(name):
    from django.test import Client

    client = Client()
    if name:
        assert client.login(username=name, password=PASSWORD)
    return client


def _call(client, route, path, api_token=None, data=None):
    headers = {"Authorization": f"Bearer {api_token}"} if api_token else {}
    if path.startswith("/api/") and route.method == "post":  # the API reads JSON bodies
        return client.post(path, data="{}", content_type="application/json", headers=headers)
    return getattr(client, route.method)(path, data=data or {}, headers=headers)


def _path(name, kwargs):
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_by_role(name, personas, make_contact):
    from lantern.accounts.actions import do_issue_token

    route = ROUTES[name]
    world = World(personas, make_contact)
    path = _path(name, world.kwargs(route.obj))
    is_api = name.startswith("api:")
    data = DATA[name](world) if name in DATA else None

    def ask(persona):
        if is_api:
            token = do_issue_token(personas[persona]) if persona else None
            return _call(_client(None), route, path, token)
        return _call(_client(persona), route, path, data=data)

    anonymous = ask(None)
    if route.anonymous:
        assert anonymous.status_code in route.anonymous, (name, anonymous.status_code)
        return
    if route.public:
        assert anonymous.status_code < 500 and anonymous.status_code not in (401, 403)
        return
    if is_api:
        assert anonymous.status_code == 401, (name, anonymous.status_code)
    else:
        assert anonymous.status_code == 302, (name, anonymous.status_code)
        assert anonymous.url.startswith("/console/login/?next="), (name, anonymous.url)

    # the roles that may not first; then those that may (a POST changes things: only one)
    refused_roles = [p for p in ROLES if p not in route.allowed]
    allowed_roles = [p for p in ROLES if p in route.allowed]
    if route.method == "post":
        allowed_roles = allowed_roles[:1]
    for persona in refused_roles + allowed_roles:
        response = ask(persona)
        code = response.status_code
        assert code < 500 or code in route.ok, (name, persona, code)
        if persona not in route.allowed:
            assert code in (403, 404), (name, persona, "should be refused", code)
        elif route.obj in MISSING:
            assert code == 404, (name, persona, "should reach the lookup", code)
        elif route.method == "get":
            assert code in route.ok, (name, persona, "should be allowed", code)
        else:
            assert code not in (401, 403, 404, 405), (name, persona, "should be allowed", code)

    if route.obj in PRIVATE and "advocate" in route.allowed:
        private = _path(name, world.private_kwargs(route.obj))
        if is_api:
            refused = _call(_client(None), route, private, do_issue_token(personas["advocate2"]))
        else:
            refused = _call(_client("advocate2"), route, private, data=data)
        assert refused.status_code == 404, (name, "another's record", refused.status_code)
        # ...exactly as for a missing id
        missing = {k: uuid.uuid4() if k.endswith("_id") else v
                   for k, v in world.kwargs(route.obj).items()}  # fmt: skip
        if is_api:
            absent = _call(_client(None), route, _path(name, missing),
                           do_issue_token(personas["advocate2"]))  # fmt: skip
        else:
            absent = _call(_client("advocate2"), route, _path(name, missing))
        assert absent.status_code == 404, (name, "missing", absent.status_code)


def test_a_report_in_the_world_is_a_draft():
    """``World._report`` makes a draft; the routes' expectations above assume it."""
    assert TipReport._meta.get_field("status").default == "draft"
