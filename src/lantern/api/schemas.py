from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict, model_validator

from lantern.core import coerce
from lantern.core.errors import InvalidInput


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _valid_text(cls, data):
        """A lone surrogate (``"\\ud800"``) or NUL anywhere is a 422 naming the field: UTF-8
        cannot store the one, PostgreSQL refuses the other."""
        found = coerce.find_bad_text(data)
        if found:  # not a ValueError: pydantic passes it on, and the API answers 422 with it
            raise InvalidInput({found[0]: found[1]})
        return data


class LocationIn(Strict):
    state: str | None = Field(None, description="U.S. state or territory code, e.g. NY, PR")
    county: str | None = None
    city: str | None = None
    postal_code: str | None = Field(None, description="ZIP code: 12345 or 12345-6789")


class CallerIn(Strict):
    name: str | None = None
    phone: str | None = Field(None, description="Any common format; stored as E.164")
    email: str | None = None


class ContactIn(Strict):
    channel: str = Field(..., description="phone, sms, chat, email, webform, other")
    call_types: list[str] = Field(
        ...,
        description="One or more of crisis, tip, tta, referral, general_info, at_risk, unrelated; "
        "or exactly one non-data type: hang_up, silent, wrong_number, prank, abusive",
    )
    received_at: datetime | None = Field(None, description="Defaults to now")
    ended_at: datetime | None = None
    language: str | None = Field(None, description="BCP 47 tag, e.g. en, es-MX")
    interpreter_used: bool | None = None
    caller_type: str | None = None
    at_risk: list[str] | None = Field(
        None,
        description="With the at_risk call type only (form version 2 and later): any of "
        "labour_exploitation, domestic_violence, sexual_assault, child_abuse, "
        "runaway_homeless_youth, other",
    )
    urgent: bool | None = None
    heard_about: str | None = None
    summary: str | None = Field(None, description="Free text, at most 20,000 characters")
    handled_by: str | None = Field(None, description="Username; defaults to the caller of the API")
    location: LocationIn | None = None
    caller: CallerIn | None = None


class ContactPatch(ContactIn):
    channel: str | None = None
    call_types: list[str] | None = None


class LocationOut(Schema):
    state: str
    county: str
    city: str
    postal_code: str


class CallerOut(Schema):
    name: str | None
    phone: str | None
    email: str | None
    masked: bool = Field(description="True when the rules hide the clear values from you")


class ContactOut(Schema):
    id: UUID
    channel: str
    call_types: list[str]
    received_at: datetime
    ended_at: datetime | None
    language: str
    interpreter_used: bool
    caller_type: str
    at_risk: list[str]
    urgent: bool
    substantive: bool
    heard_about: str
    summary: str | None
    handled_by: str | None
    location: LocationOut
    caller: CallerOut
    form_version: int
    created_at: datetime
    updated_at: datetime


class Page(Schema):
    count: int
    page: int
    page_size: int
    pages: int


class ContactPage(Page):
    results: list[ContactOut]


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    changes: dict
    reason: str
    hash: str


class AuditPage(Page):
    results: list[AuditEventOut]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str] | None = None
