"""The meetings and actions API: the same selectors and services as the pages, so the same
rules — a meeting the caller may not see is answered as missing, and of each person discussed
the caller sees only what the person's consents allow, worked out at every request."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema

from petal.access.api import require
from petal.access.categories import Category
from petal.access.rls import unrestricted
from petal.meetings import selectors, services
from petal.meetings.models import ActionStatus, Kind
from petal.people.categories import STORY_FIELDS
from petal.people.schemas import Contact, InSchema, StoryOut

router = Router(tags=["meetings and actions"])

ActionStatusCode = Literal[tuple(ActionStatus.values)]  # type: ignore[valid-type]
ActionStatusFilter = Literal[tuple([*ActionStatus.values, ""])]  # type: ignore[valid-type]
KindFilter = Literal[tuple([*Kind.values, ""])]  # type: ignore[valid-type]


# --- schemas -------------------------------------------------------------------------------------


class PartnershipRef(Schema):
    slug: str
    name: str


class PersonRef(Schema):
    id: int
    full_name: str


class CaseOut(Schema):
    id: int
    person: PersonRef | None = Field(
        ..., description="Who it is: null when the person has not agreed to share it with you"
    )
    shared_categories: list[str] = Field(
        ..., description="What you see of the person: empty when consent no longer covers it"
    )


class CaseDetail(CaseOut):
    question: str | None
    voice: str | None
    views: str | None
    retold: str | None
    outcome: str | None


class MeetingOut(Schema):
    id: int
    reference: str
    kind: str
    title: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_link: str
    partnership: PartnershipRef | None
    convened_by: str | None
    cases: list[CaseOut]


class MeetingList(Schema):
    count: int
    page: int
    page_size: int
    items: list[MeetingOut]


class MeetingQuery(Schema):
    when: Literal["upcoming", "past", ""] = ""
    kind: KindFilter = ""  # type: ignore[valid-type]
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class InvitationOut(Schema):
    id: int
    invitee: str
    kind: Literal["user", "organisation"]
    reply: str
    attended: bool | None
    sent_at: dt.datetime | None


class MeetingDecisionOut(Schema):
    id: int
    text: str
    case_id: int | None


class MeetingActionOut(Schema):
    id: int
    reference: str
    description: str
    owner: str
    due_on: dt.date
    status: str
    overdue: bool


class MeetingBarrierOut(Schema):
    id: int
    summary: str
    detail: str
    services: str
    areas: list[str]


class MeetingDetail(MeetingOut):
    purpose: str
    agenda: str
    cases: list[CaseDetail]
    invitations: list[InvitationOut]
    your_invitations: list[int] = Field(..., description="The invitations you answer for")
    minutes: str | None = Field(
        ..., description="Null when they are about a person you may not see"
    )
    decisions: list[MeetingDecisionOut]
    actions: list[MeetingActionOut]
    barriers: list[MeetingBarrierOut]


class PackIdentity(Schema):
    id: int
    full_name: str
    preferred_name: str
    aliases: list[str]


class NeedOut(Schema):
    area: str
    area_name: str
    starts_on: dt.date


class Involvement(Schema):
    trusted_persons: list[str]


class PackPerson(PackIdentity):
    contact: Contact | None
    story: StoryOut | None
    needs: list[NeedOut] | None
    risk_notes: str | None
    health_notes: str | None
    justice_notes: str | None
    involvement: Involvement | None


class PackCase(Schema):
    id: int
    person: PackPerson | None = Field(
        ..., description="Null when the person has not agreed to share who they are with you"
    )
    shared_categories: list[str]
    not_shared: list[str]


class PackOut(Schema):
    meeting_id: int
    reference: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    invitee: str
    cases: list[PackCase]


class MeetingRef(Schema):
    id: int
    reference: str
    title: str
    starts_at: dt.datetime


class ActionOut(MeetingActionOut):
    meeting: MeetingRef
    person: PersonRef | None = Field(
        ..., description="Who it is about: null unless the person agreed to share it with you"
    )


class ActionList(Schema):
    count: int
    page: int
    page_size: int
    items: list[ActionOut]


class ActionQuery(Schema):
    status: ActionStatusFilter = ""  # type: ignore[valid-type]
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class ActionStatusIn(InSchema):
    status: ActionStatusCode  # type: ignore[valid-type]
    note: str = Field("", max_length=500)


# --- building the answers ------------------------------------------------------------------------


def _categories(categories) -> list[str]:
    return sorted(str(c) for c in categories)


def _person_ref(case_view) -> PersonRef | None:
    if not case_view.sees_person:
        return None
    person = case_view.case.person
    return PersonRef(id=person.pk, full_name=person.full_name)


def _case_out(case_view) -> CaseOut:
    return CaseOut(
        id=case_view.case.pk,
        person=_person_ref(case_view),
        shared_categories=_categories(case_view.categories),
    )


def _case_detail(case_view) -> CaseDetail:
    case, sees = case_view.case, case_view.sees_record
    return CaseDetail(
        id=case.pk,
        person=_person_ref(case_view),
        shared_categories=_categories(case_view.categories),
        question=case.question if sees else None,
        voice=case.voice if sees else None,
        views=case.views if sees else None,
        retold=case.retold if sees else None,
        outcome=case.outcome if sees else None,
    )


def _meeting_fields(m) -> dict:
    return {
        "id": m.pk,
        "reference": m.reference,
        "kind": m.kind,
        "title": m.title,
        "status": m.status,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "place": m.place,
        "online_link": m.online_link,
        "partnership": PartnershipRef(slug=m.partnership.slug, name=m.partnership.name)
        if m.partnership_id
        else None,
        "convened_by": m.convened_by.display_name if m.convened_by_id else None,
    }


def _meeting_out(row) -> MeetingOut:
    return MeetingOut(**_meeting_fields(row.meeting), cases=[_case_out(c) for c in row.cases])


def _meeting_action_fields(a) -> dict:
    return {
        "id": a.pk,
        "reference": a.reference,
        "description": a.description,
        "owner": a.owner_label,
        "due_on": a.due_on,
        "status": a.status,
        "overdue": a.is_overdue,
    }


def _meeting_detail(view) -> MeetingDetail:
    m = view.meeting
    return MeetingDetail(
        **_meeting_fields(m),
        purpose=m.purpose,
        agenda=m.agenda,
        cases=[_case_detail(c) for c in view.cases],
        invitations=[
            InvitationOut(
                id=i.pk,
                invitee=i.label,
                kind="user" if i.user_id else "organisation",
                reply=i.reply,
                attended=i.attended,
                sent_at=i.sent_at,
            )
            for i in view.invitations
        ],
        your_invitations=[i.pk for i in view.mine],
        minutes=m.minutes if view.sees_minutes else None,
        decisions=[
            MeetingDecisionOut(id=d.pk, text=d.text, case_id=d.case_id) for d in view.decisions
        ],
        actions=[MeetingActionOut(**_meeting_action_fields(a)) for a in view.actions],
        barriers=[
            MeetingBarrierOut(
                id=b.pk,
                summary=b.summary,
                detail=b.detail,
                services=b.services,
                areas=[a.code for a in b.areas.all()],
            )
            for b in view.barriers
        ],
    )


def _pack_person(entry) -> PackPerson:
    p, shared = entry.person, entry.categories
    story = entry.story
    return PackPerson(
        id=p.pk,
        full_name=p.full_name,
        preferred_name=p.preferred_name,
        aliases=[a.name for a in p.aliases.all()],
        contact=Contact(
            district=p.district.code if p.district else None,
            address=p.address,
            no_fixed_abode=p.no_fixed_abode,
            phone=p.phone,
            safe_contact=p.safe_contact,
        )
        if Category.CONTACT in shared
        else None,
        story=StoryOut(**{name: getattr(story, name, "") for name in STORY_FIELDS})
        if Category.STORY in shared
        else None,
        needs=[
            NeedOut(area=e.area.code, area_name=e.area.name, starts_on=e.starts_on)
            for e in entry.episodes
        ]
        if Category.NEEDS in shared
        else None,
        risk_notes=p.risk_notes if Category.RISK in shared else None,
        health_notes=p.health_notes if Category.HEALTH in shared else None,
        justice_notes=p.justice_notes if Category.JUSTICE in shared else None,
        involvement=Involvement(
            trusted_persons=[r.trusted_person.display_name for r in entry.involved]
        )
        if Category.INVOLVEMENT in shared
        else None,
    )


def _pack_out(pack) -> PackOut:
    m = pack.meeting
    return PackOut(
        meeting_id=m.pk,
        reference=m.reference,
        title=m.title,
        starts_at=m.starts_at,
        ends_at=m.ends_at,
        invitee=pack.invitee,
        cases=[
            PackCase(
                id=entry.case.pk,
                person=_pack_person(entry) if entry.sees_person else None,
                shared_categories=_categories(entry.categories),
                not_shared=[str(c) for c in entry.not_shared],
            )
            for entry in pack.entries
        ],
    )


def _action_out(row) -> ActionOut:
    a = row.action
    m = a.meeting
    return ActionOut(
        **_meeting_action_fields(a),
        meeting=MeetingRef(id=m.pk, reference=m.reference, title=m.title, starts_at=m.starts_at),
        person=PersonRef(id=a.case.person_id, full_name=a.case.person.full_name)
        if row.sees_person
        else None,
    )


# --- operations ----------------------------------------------------------------------------------


@router.get("/meetings", response=MeetingList, summary="Meetings you may see")
def meetings_list(request, query: Query[MeetingQuery]):
    user = require(request, "meetings.view")
    found = selectors.meetings_for_api(user, when=query.when, kind=query.kind)
    with unrestricted():  # every case of each meeting; rows_for decides what each shows
        page = Paginator(found, query.page_size).get_page(query.page)
        listed = list(page.object_list)
    rows = selectors.rows_for(user, listed, context="api")
    return MeetingList(
        count=page.paginator.count,
        page=page.number,
        page_size=query.page_size,
        items=[_meeting_out(row) for row in rows],
    )


@router.get("/meetings/{meeting_id}", response=MeetingDetail, summary="One meeting")
def meeting_get(request, meeting_id: int):
    user = require(request, "meetings.view")
    return _meeting_detail(selectors.meeting_get_for(user, meeting_id))


@router.get(
    "/meetings/{meeting_id}/pack",
    response=PackOut,
    summary="Your information pack: what you may see of each person discussed",
)
def meeting_pack(request, meeting_id: int):
    user = require(request, "meetings.view")
    return _pack_out(selectors.pack_for(user, meeting_id))


@router.get("/actions", response=ActionList, summary="Your actions and your organisations'")
def actions_list(request, query: Query[ActionQuery]):
    user = require(request, "actions.view")
    found = selectors.actions_for_api(user, status=query.status)
    with unrestricted():  # each action's person is shown only where ActionRow allows
        page = Paginator(found, query.page_size).get_page(query.page)
        listed = list(page.object_list)
    rows = selectors.action_rows(user, listed, context="api")
    return ActionList(
        count=page.paginator.count,
        page=page.number,
        page_size=query.page_size,
        items=[_action_out(row) for row in rows],
    )


@router.post(
    "/actions/{action_id}/status",
    response=ActionOut,
    summary="Move an action on: in progress, done, cancelled (with a note), or back to do",
)
def action_status(request, action_id: int, payload: ActionStatusIn):
    user = require(request, "actions.view")
    services.action_set_status(
        actor=user, action_id=action_id, status=payload.status, note=payload.note
    )
    action = selectors.action_get_for(user, action_id)
    return _action_out(selectors.action_rows(user, [action], context="api")[0])
