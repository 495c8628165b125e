from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator

AliasName = Annotated[str, Field(min_length=1, max_length=200)]


class InSchema(Schema):
    """Input schemas refuse NUL characters (PostgreSQL cannot store them) and dates of birth
    in the future, with a 422 that names the field."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value):
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise ValueError("must not contain a NUL character")
        return value

    @field_validator("date_of_birth", mode="after", check_fields=False)
    @classmethod
    def _born_in_the_past(cls, value):
        if value is not None and value > timezone.localdate():
            raise ValueError("date of birth must be in the past")
        return value


class PersonListItem(Schema):
    id: int
    name: str
    full_name: str
    date_of_birth: dt.date | None
    areas_now: list[str]
    meets_three_of_five: bool
    last_contact_on: dt.date | None
    next_contact_on: dt.date | None


class PersonList(Schema):
    count: int
    page: int
    page_size: int
    items: list[PersonListItem]


class Identity(Schema):
    full_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: dt.date | None
    aliases: list[str]
    communication_needs: str
    languages: str


class Contact(Schema):
    district: str | None = Field(None, description="District code, e.g. fenland")
    address: str
    no_fixed_abode: bool
    phone: str
    safe_contact: str


class StoryOut(Schema):
    what_happened: str
    what_matters: str
    what_helps: str
    what_does_not_help: str
    never_ask_again: str


class EpisodeOut(Schema):
    id: int
    area: str
    area_name: str
    starts_on: dt.date
    ends_on: dt.date | None
    note: str


class RelationshipOut(Schema):
    id: int
    trusted_person: str
    kind: str
    organisation: str | None
    starts_on: dt.date
    ends_on: dt.date | None
    is_lead: bool
    next_contact_on: dt.date | None


class ContactRecordOut(Schema):
    id: int
    happened_on: dt.date
    method: str
    note: str


class PersonOut(Schema):
    """Only the categories the caller may read are present; the rest are null."""

    id: int
    version: int
    readable_categories: list[str]
    identity: Identity | None = None
    contact: Contact | None = None
    story: StoryOut | None = None
    needs: list[EpisodeOut] | None = None
    risk_notes: str | None = None
    health_notes: str | None = None
    justice_notes: str | None = None
    relationships: list[RelationshipOut] | None = None
    contacts: list[ContactRecordOut] | None = None


class PersonIn(InSchema):
    full_name: str = Field(..., min_length=1, max_length=200)
    preferred_name: str = Field("", max_length=100)
    pronouns: str = Field("", max_length=50)
    date_of_birth: dt.date | None = None
    aliases: list[AliasName] = []
    communication_needs: str = ""
    languages: str = Field("", max_length=200)
    district: str | None = Field(None, description="District code, e.g. peterborough")
    address: str = ""
    no_fixed_abode: bool = False
    phone: str = Field("", max_length=40)
    safe_contact: str = ""
    relationship_kind: str = Field("professional", pattern="^(professional|social|voluntary)$")
    organisation: str | None = Field(None, description="Organisation slug")


class PersonPatch(InSchema):
    """Send ``version`` as read; a stale version is refused with 409 and nothing changes."""

    version: int
    full_name: str | None = Field(None, min_length=1, max_length=200)
    preferred_name: str | None = Field(None, max_length=100)
    pronouns: str | None = Field(None, max_length=50)
    date_of_birth: dt.date | None = None
    aliases: list[AliasName] | None = None
    communication_needs: str | None = None
    languages: str | None = Field(None, max_length=200)
    district: str | None = None
    address: str | None = None
    no_fixed_abode: bool | None = None
    phone: str | None = Field(None, max_length=40)
    safe_contact: str | None = None
    what_happened: str | None = None
    what_matters: str | None = None
    what_helps: str | None = None
    what_does_not_help: str | None = None
    never_ask_again: str | None = None
    risk_notes: str | None = None
    health_notes: str | None = None
    justice_notes: str | None = None


class EpisodeIn(InSchema):
    area: str = Field(..., description="Area code, e.g. homelessness")
    starts_on: dt.date
    ends_on: dt.date | None = None
    note: str = Field("", max_length=500)


class RelationshipIn(InSchema):
    email: str = Field(..., description="The trusted person's Petal sign-in")
    kind: str = Field("professional", pattern="^(professional|social|voluntary)$")
    organisation: str | None = Field(None, description="Organisation slug")
