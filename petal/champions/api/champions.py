"""The champions directory API, /api/v1/champions: the same selectors as the pages, so the same
rule — only approved champions with an active sign-in, and nobody else, from the next request
after a withdrawal."""

from __future__ import annotations

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema

from petal.access.api import require
from petal.champions.selectors import champions as selectors

router = Router(tags=["champions"])

PAGE_SIZE = selectors.PAGE_SIZE


class AreaRef(Schema):
    code: str
    name: str


class SkillRef(Schema):
    slug: str
    name: str


class ChampionOut(Schema):
    id: int
    name: str
    job_title: str
    organisation: str = Field(..., description="Empty when they gave none")
    district: str | None = Field(..., description="The district's code")
    partnership: str | None = Field(..., description="The partnership's slug")
    areas: list[AreaRef]
    skills: list[SkillRef]
    help_with: str
    how_to_reach: str
    email: str
    phone: str


class ChampionList(Schema):
    count: int
    page: int
    page_size: int
    items: list[ChampionOut]


class ChampionQuery(Schema):
    q: str = Field("", max_length=200, description="Words in a name, organisation, job or help")
    area: str = Field("", max_length=80, description="An area of disadvantage's code")
    skill: str = Field("", max_length=80, description="A topic's slug")
    district: str = Field("", max_length=80, description="A district's code")
    partnership: str = Field("", max_length=80, description="A partnership's slug")
    page: int = Field(1, ge=1)


def _out(c) -> ChampionOut:
    return ChampionOut(
        id=c.pk,
        name=c.full_name,
        job_title=c.job_title,
        organisation=c.organisation_label or "",
        district=c.district.code if c.district_id else None,
        partnership=c.partnership.slug if c.partnership_id else None,
        areas=[AreaRef(code=a.code, name=a.name) for a in c.areas.all()],
        skills=[SkillRef(slug=s.slug, name=s.name) for s in c.skills.all()],
        help_with=c.help_with,
        how_to_reach=c.how_to_reach,
        email=c.email,
        phone=c.phone,
    )


@router.get("", response=ChampionList, summary="The champions directory")
def champions_list(request, query: Query[ChampionQuery]):
    require(request, "champions.view")
    found = selectors.directory_search(
        q=query.q,
        area=query.area,
        skill=query.skill,
        district=query.district,
        partnership=query.partnership,
    )
    page = Paginator(found, PAGE_SIZE).get_page(query.page)
    return ChampionList(
        count=page.paginator.count,
        page=page.number,
        page_size=PAGE_SIZE,
        items=[_out(c) for c in page.object_list],
    )


@router.get("/{champion_id}", response=ChampionOut, summary="One champion in the directory")
def champion_get(request, champion_id: int):
    require(request, "champions.view")
    return _out(selectors.champion_in_directory(champion_id))
