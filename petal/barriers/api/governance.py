"""/api/v1/groups: the governance groups at each level of the ladder, with how many barriers
wait there for a decision or are being resolved, how many members they have, and their next
meeting. The same selector as the structure page.

Nothing about members' lived experience, not even how many have it: that is theirs to share,
and only a group's runners and current members see it (``may_see_lived_experience``), on the
group's page. The API answers every reader the same, so it leaves it out."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Router, Schema

from petal.access.api import require
from petal.barriers.selectors.governance import groups_overview

router = Router(tags=["governance groups"])


class LevelOut(Schema):
    slug: str
    name: str
    rank: int = Field(..., description="1 for the operational partnerships, up to 4")


class GroupOut(Schema):
    slug: str
    name: str
    level: LevelOut
    partnership: str | None = Field(..., description="The partnership it is (first level only)")
    open_count: int = Field(..., description="Barriers waiting for a decision here")
    being_resolved_count: int
    member_count: int = Field(..., description="Current members")
    next_meeting: dt.date | None = Field(
        ..., description="Its next meeting (at the first level, the partnership's next session)"
    )


@router.get("", response=list[GroupOut], summary="Governance groups, lowest level first")
def groups_list(request):
    user = require(request, "barriers.view")
    return [
        GroupOut(
            slug=s.group.slug,
            name=s.group.name,
            level=LevelOut(slug=s.level.slug, name=s.level.name, rank=s.level.rank),
            partnership=s.group.partnership.slug if s.group.partnership_id else None,
            open_count=s.open_count,
            being_resolved_count=s.being_resolved_count,
            member_count=s.member_count,
            next_meeting=timezone.localdate(s.next_meeting.starts_at) if s.next_meeting else None,
        )
        for s in groups_overview(user)
    ]
