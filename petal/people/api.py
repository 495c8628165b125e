"""The people API: the same selectors and services as the pages, so the same rules."""

from __future__ import annotations

from django.db import transaction
from ninja import Field, Query, Router, Schema, Status

from petal.access.api import require
from petal.access.categories import Category
from petal.accounts.selectors import organisation_by_slug
from petal.core.errors import NotFound, ValidationFailed
from petal.people import selectors, services
from petal.people.categories import PERSON_FIELDS, STORY_FIELDS
from petal.people.disadvantage import THRESHOLD, area_rows, areas_in_mask
from petal.people.schemas import (
    Contact,
    ContactRecordOut,
    EpisodeIn,
    EpisodeOut,
    Identity,
    PersonIn,
    PersonList,
    PersonListItem,
    PersonOut,
    PersonPatch,
    RelationshipIn,
    RelationshipOut,
    StoryOut,
)
from petal.reference.selectors import area_by_code, district_by_code

router = Router(tags=["people"])


class ListQuery(Schema):
    search: str = Field(
        "",
        max_length=100,
        description="Deprecated: a name here is written into server and proxy logs. Use "
        "POST /people/search, which takes the search in the body.",
    )
    page: int = 1
    page_size: int = 50


class SearchIn(Schema):
    search: str = Field("", max_length=100, description="A name, other name or date of birth")
    page: int = 1
    page_size: int = 50


def _district(code):
    if not code:
        return None
    district = district_by_code(code)
    if district is None:
        raise ValidationFailed("Unknown district", field_errors={"district": ["Unknown district"]})
    return district


def _organisation(slug):
    if not slug:
        return None
    organisation = organisation_by_slug(slug)
    if organisation is None:
        message = "Unknown organisation"
        raise ValidationFailed(message, field_errors={"organisation": [message]})
    return organisation


def _person_out(view) -> PersonOut:
    p = view.person
    can = view.can
    story = getattr(p, "story", None) if can(Category.STORY) else None
    return PersonOut(
        id=p.pk,
        version=p.version,
        readable_categories=sorted(str(c) for c in view.categories),
        identity=Identity(
            full_name=p.full_name,
            preferred_name=p.preferred_name,
            pronouns=p.pronouns,
            date_of_birth=p.date_of_birth,
            aliases=[a.name for a in p.aliases.all()],
            communication_needs=p.communication_needs,
            languages=p.languages,
        )
        if can(Category.IDENTITY)
        else None,
        contact=Contact(
            district=p.district.code if p.district else None,
            address=p.address,
            no_fixed_abode=p.no_fixed_abode,
            phone=p.phone,
            safe_contact=p.safe_contact,
        )
        if can(Category.CONTACT)
        else None,
        story=StoryOut(**{name: getattr(story, name, "") for name in STORY_FIELDS})
        if can(Category.STORY)
        else None,
        needs=[
            EpisodeOut(
                id=e.pk,
                area=e.area.code,
                area_name=e.area.name,
                starts_on=e.starts_on,
                ends_on=e.ends_on,
                note=e.note,
            )
            for e in p.episodes.all()
        ]
        if can(Category.NEEDS)
        else None,
        risk_notes=p.risk_notes if can(Category.RISK) else None,
        health_notes=p.health_notes if can(Category.HEALTH) else None,
        justice_notes=p.justice_notes if can(Category.JUSTICE) else None,
        relationships=[_relationship_out(r) for r in p.relationships.all()]
        if can(Category.INVOLVEMENT)
        else None,
        contacts=[
            ContactRecordOut(id=c.pk, happened_on=c.happened_on, method=c.method, note=c.note)
            for c in p.contacts.all()
        ]
        if can(Category.INVOLVEMENT)
        else None,
    )


def _relationship_out(r) -> RelationshipOut:
    return RelationshipOut(
        id=r.pk,
        trusted_person=r.trusted_person.display_name,
        kind=r.kind,
        organisation=r.organisation.name if r.organisation else None,
        starts_on=r.starts_on,
        ends_on=r.ends_on,
        is_lead=r.is_lead,
        next_contact_on=r.next_contact_on,
    )


@router.get("/people", response=PersonList, summary="The people you may see")
def people_list(request, query: Query[ListQuery]):
    user = require(request, "people.use")
    return _people_page(user, search=query.search, page=query.page, page_size=query.page_size)


@router.post(
    "/people/search",
    response=PersonList,
    summary="Search the people you may see (the search in the body, never in the address)",
)
def people_search(request, payload: SearchIn):
    user = require(request, "people.use")
    return _people_page(user, search=payload.search, page=payload.page, page_size=payload.page_size)


def _people_page(user, *, search: str, page: int, page_size: int) -> PersonList:
    page_size = max(1, min(page_size, 200))
    page = selectors.caseload_page(
        user, search=search.replace("\x00", ""), page=page, page_size=page_size
    )
    areas = area_rows()
    items = [
        PersonListItem(
            id=p.pk,
            name=p.name,
            full_name=p.full_name,
            date_of_birth=p.date_of_birth,
            areas_now=areas_in_mask(p.areas_mask, areas),
            meets_three_of_five=p.areas_on >= THRESHOLD,
            last_contact_on=p.last_contact_on,
            next_contact_on=p.next_contact_on,
        )
        for p in page.object_list
    ]
    return PersonList(
        count=page.paginator.count, page=page.number, page_size=page_size, items=items
    )


@router.post("/people", response={201: PersonOut}, summary="Add a person you support")
def people_create(request, payload: PersonIn):
    user = require(request, "people.add")
    with transaction.atomic():
        person = services.person_create(
            actor=user,
            full_name=payload.full_name,
            preferred_name=payload.preferred_name,
            pronouns=payload.pronouns,
            date_of_birth=payload.date_of_birth,
            aliases=payload.aliases,
            communication_needs=payload.communication_needs,
            languages=payload.languages,
            district=_district(payload.district),
            address=payload.address,
            no_fixed_abode=payload.no_fixed_abode,
            phone=payload.phone,
            safe_contact=payload.safe_contact,
            relationship_kind=payload.relationship_kind,
            organisation=_organisation(payload.organisation),
        )
    return Status(201, _person_out(selectors.person_get_for(user, person.pk, purpose="created")))


@router.get("/people/{person_id}", response=PersonOut, summary="One person, as you may see them")
def people_get(request, person_id: int):
    user = require(request, "people.use")
    return _person_out(selectors.person_get_for(user, person_id))


@router.patch("/people/{person_id}", response=PersonOut, summary="Change a person's record")
def people_patch(request, person_id: int, payload: PersonPatch):
    user = require(request, "people.use")
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "district" in changes:
        changes["district"] = _district(changes["district"])
    by_category: dict[Category, dict] = {}
    for name, value in changes.items():
        if name in STORY_FIELDS:
            category = Category.STORY
        elif name == "aliases":
            category = Category.IDENTITY
        else:
            category = next(c for c, fields in PERSON_FIELDS.items() if name in fields)
        if value is None and name not in ("date_of_birth", "district"):
            message = "Send a value, or leave the field out"
            raise ValidationFailed(message, field_errors={name: [message]})
        by_category.setdefault(category, {})[name] = value
    view = selectors.person_get_for(
        user, person_id, categories=(), purpose="change", require_change=True
    )
    with transaction.atomic():
        person = view.person
        for category, values in by_category.items():
            person = services.person_update(
                actor=user,
                person=person,
                category=category,
                values=values,
                expected_version=version,
            )
            version = person.version
    return _person_out(selectors.person_get_for(user, person_id, purpose="changed"))


@router.get(
    "/people/{person_id}/episodes", response=list[EpisodeOut], summary="A person's needs over time"
)
def episodes_list(request, person_id: int):
    user = require(request, "people.use")
    view = selectors.person_get_for(user, person_id, categories=(Category.NEEDS,))
    if not view.can(Category.NEEDS):
        raise NotFound("No such person")
    return _person_out(view).needs


@router.post(
    "/people/{person_id}/episodes",
    response={201: EpisodeOut},
    summary="Add an area to a person's timeline",
)
def episodes_create(request, person_id: int, payload: EpisodeIn):
    user = require(request, "people.use")
    view = selectors.person_get_for(
        user, person_id, categories=(), purpose="add episode", require_change=True
    )
    area = area_by_code(payload.area)
    if area is None:
        raise ValidationFailed("Unknown area", field_errors={"area": ["Unknown area"]})
    episode = services.episode_add(
        actor=user,
        person=view.person,
        area=area,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        note=payload.note,
    )
    return Status(
        201,
        EpisodeOut(
            id=episode.pk,
            area=area.code,
            area_name=area.name,
            starts_on=episode.starts_on,
            ends_on=episode.ends_on,
            note=episode.note,
        ),
    )


@router.get(
    "/people/{person_id}/relationships",
    response=list[RelationshipOut],
    summary="A person's trusted persons",
)
def relationships_list(request, person_id: int):
    user = require(request, "people.use")
    view = selectors.person_get_for(user, person_id, categories=(Category.INVOLVEMENT,))
    if not view.can(Category.INVOLVEMENT):
        raise NotFound("No such person")
    return [_relationship_out(r) for r in view.person.relationships.all()]


@router.post(
    "/people/{person_id}/relationships",
    response={201: RelationshipOut},
    summary="Add another trusted person the person has chosen",
)
def relationships_create(request, person_id: int, payload: RelationshipIn):
    user = require(request, "people.use")
    view = selectors.person_get_for(
        user, person_id, categories=(), purpose="add trusted person", require_change=True
    )
    relationship = services.relationship_add(
        actor=user,
        person=view.person,
        email=payload.email,
        kind=payload.kind,
        organisation=_organisation(payload.organisation),
    )
    return Status(201, _relationship_out(relationship))
