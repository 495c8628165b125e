"""The governance structure and the report: how many barriers sit at each level in each state,
what each level decided, whether the lived-experience voice was heard ("not heard, because …"
shows up in the report) and how long barriers waited. Counts only, worked out in the
database."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.roles import Role
from petal.barriers.models import Decision, GroupMember, Status
from petal.barriers.selectors.governance import (
    governance_report,
    groups_overview,
    level_counts,
    structure,
)
from petal.barriers.tests.factories import (
    BarrierFactory,
    GovernanceMeetingFactory,
    GroupMemberFactory,
    SessionFactory,
    group,
)
from petal.meetings.models import MeetingStatus
from petal.reference.models import Partnership

pytestmark = pytest.mark.django_db

NOT_HEARD = "No member with lived experience could come, and no survey was open"


def decide(barrier, meeting, outcome, *, voice_kind="member", voice_said="It matters", on=None):
    """Record a decision as the decisions service would (the history it leaves)."""
    sequence = barrier.decisions.count() + 1
    upper = None
    if outcome == "escalate":
        upper = group(
            {1: "tactical-group", 2: "strategic-group", 3: "public-service-board"}[
                barrier.group.level.rank
            ]
        )
    decision = Decision.objects.create(
        barrier=barrier,
        sequence=sequence,
        group=barrier.group,
        level=barrier.group.level,
        meeting=meeting,
        outcome=outcome,
        reason=f"Reason {sequence}",
        voice_kind=voice_kind,
        voice_said=voice_said,
        escalated_to=upper,
        decided_on=on or timezone.localdate(),
    )
    if upper is not None:
        barrier.group = upper
        barrier.status = Status.OPEN
        barrier.level_since = timezone.make_aware(
            dt.datetime.combine(decision.decided_on, dt.time(12))
        )
    elif outcome == "resolve":
        barrier.status = Status.BEING_RESOLVED
    else:
        barrier.status = Status.CLOSED
    barrier.save()
    return decision


@pytest.fixture
def ladder():
    """Barriers at every level, in every state."""
    peterborough = Partnership.objects.get(slug="peterborough")
    made = {
        "cam_open": BarrierFactory.create_batch(2),
        "pet_resolving": [BarrierFactory(partnership=peterborough, status=Status.BEING_RESOLVED)],
        "tac_open": BarrierFactory.create_batch(3, group=group("tactical-group")),
        "tac_resolved": [BarrierFactory(group=group("tactical-group"), status=Status.RESOLVED)],
        "str_resolving": [
            BarrierFactory(group=group("strategic-group"), status=Status.BEING_RESOLVED)
        ],
        "psb_closed": [BarrierFactory(group=group("public-service-board"), status=Status.CLOSED)],
    }
    target = made["cam_open"][0]
    made["merged"] = [BarrierFactory(status=Status.MERGED, merged_into=target)]
    return made


def _counts():
    return {level.slug: counts for level, counts in level_counts()}


def test_level_counts_count_every_state_at_every_level(ladder):
    counts = _counts()
    assert list(counts) == [
        "operational-partnership",
        "tactical-group",
        "strategic-group",
        "public-service-board",
    ]
    assert counts["operational-partnership"] == {
        "open": 2,
        "being_resolved": 1,
        "resolved": 0,
        "closed": 0,
        "merged": 1,
    }
    assert counts["tactical-group"] == {
        "open": 3,
        "being_resolved": 0,
        "resolved": 1,
        "closed": 0,
        "merged": 0,
    }
    assert counts["strategic-group"]["being_resolved"] == 1
    assert counts["public-service-board"]["closed"] == 1
    assert sum(c["open"] for c in counts.values()) == 5


def test_an_escalation_moves_the_count_up_a_level(ladder, make_user):
    barrier = ladder["cam_open"][1]
    decide(barrier, SessionFactory(), "escalate")
    counts = _counts()
    assert counts["operational-partnership"]["open"] == 1
    assert counts["tactical-group"]["open"] == 4


def test_groups_overview_counts_each_group_members_and_next_meeting(ladder, make_user):
    tactical = group("tactical-group")
    GroupMemberFactory.create_batch(2, group=tactical)
    GroupMemberFactory(group=tactical, ended_on=timezone.localdate() - dt.timedelta(days=1))
    soon = timezone.now() + dt.timedelta(days=3)
    later = GovernanceMeetingFactory(
        group=tactical, starts_at=soon + dt.timedelta(days=30), status=MeetingStatus.DRAFT
    )
    nearest = GovernanceMeetingFactory(group=tactical, starts_at=soon, status=MeetingStatus.DRAFT)
    GovernanceMeetingFactory(
        group=tactical, starts_at=soon - dt.timedelta(days=1), status=MeetingStatus.CANCELLED
    )
    GovernanceMeetingFactory(group=tactical)  # held last week: not next
    session = SessionFactory(starts_at=soon, status=MeetingStatus.INVITED)
    coordinator = make_user(Role.PARTNERSHIP_COORDINATOR)

    overview = {g.group.slug: g for g in groups_overview(coordinator)}

    assert [g.group.slug for g in groups_overview(coordinator)][-3:] == [
        "tactical-group",
        "strategic-group",
        "public-service-board",
    ]
    assert (overview["tactical-group"].open_count, overview["tactical-group"].member_count) == (
        3,
        2,
    )
    assert overview["tactical-group"].next_meeting == nearest != later
    assert overview["partnership-cambridgeshire"].open_count == 2
    assert overview["partnership-cambridgeshire"].next_meeting == session
    assert overview["partnership-peterborough"].being_resolved_count == 1
    assert overview["partnership-peterborough"].next_meeting is None
    assert overview["strategic-group"].being_resolved_count == 1
    # Resolved, closed and merged barriers are not waiting anywhere.
    assert overview["public-service-board"].waiting_count == 0
    # A coordinator runs their own partnership's group, and no other.
    assert {slug for slug, g in overview.items() if g.runs} == {"partnership-cambridgeshire"}


def test_groups_overview_asks_the_same_number_of_queries_however_many_groups_have_barriers(
    ladder, make_user
):
    reader = make_user(Role.TRUSTED_PERSON)
    SessionFactory(starts_at=timezone.now() + dt.timedelta(days=1))
    groups_overview(reader)
    with CaptureQueriesContext(connection) as before:
        groups_overview(reader)
    BarrierFactory.create_batch(5, group=group("strategic-group"))
    GroupMemberFactory.create_batch(4, group=group("public-service-board"))
    GovernanceMeetingFactory(
        group=group("strategic-group"), starts_at=timezone.now() + dt.timedelta(days=2)
    )
    with CaptureQueriesContext(connection) as after:
        groups_overview(reader)
    assert len(after) == len(before) == 2


def test_structure_page_draws_the_ladder_with_counts_links_and_a_table(client, ladder, make_user):
    client.force_login(make_user(Role.SERVICE_STAFF))
    client.get("/governance/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/governance/")
    html = response.content.decode()
    assert response.status_code == 200
    assert len(queries) <= 14
    # The ladder, from the top: the Public Service Board first, the partnerships last.
    board = html.index("Cambridgeshire &amp; Peterborough Public Service Board")
    tactical = html.index("Tactical Group")
    partnerships = html.index("Cambridgeshire operational partnership")
    assert board < tactical < partnerships
    for slug in (
        "partnership-cambridgeshire",
        "partnership-peterborough",
        "partnership-fenland-east-cambridgeshire",
        "tactical-group",
        "strategic-group",
        "public-service-board",
    ):
        assert f'href="/governance/groups/{slug}"' in html
    assert '/barriers/?level=tactical-group&amp;status=open"' in html
    assert '/barriers/?level=strategic-group&amp;status=being_resolved"' in html
    assert "/barriers/?status=resolved" in html and "/barriers/?status=closed" in html
    assert "Barriers escalated up from level 1, " in html
    # The table says the same as the diagram: 3 waiting at the tactical level, none resolving.
    row = re.search(r"2\. Tactical Group</th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>", html)
    assert row and row.groups() == ("3", "0")
    totals = re.search(r"All levels</th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>", html)
    assert totals and totals.groups() == ("5", "2")
    assert structure(make_user(Role.SERVICE_STAFF)).totals["resolved"] == 1


def test_structure_is_for_workers_with_a_role(client, make_user):
    assert client.get("/governance/").status_code == 302
    client.force_login(make_user())
    assert client.get("/governance/").status_code == 403
    assert client.get("/governance/report").status_code == 403


# --- the report ----------------------------------------------------------------------------------


@pytest.fixture
def history(make_user):
    """Decisions at two levels, with voices heard and not, on known days."""
    day0 = timezone.localdate() - dt.timedelta(days=60)
    raised = timezone.make_aware(dt.datetime.combine(day0, dt.time(9)))
    session = SessionFactory()
    tactical_meeting = GovernanceMeetingFactory(group=group("tactical-group"))
    first = BarrierFactory(raised_at=raised)
    second = BarrierFactory(raised_at=raised)
    third = BarrierFactory(raised_at=raised)
    # First: escalated after 10 days (not heard), closed at the tactical level 15 days later.
    decide(
        first,
        session,
        "escalate",
        voice_kind="not_heard",
        voice_said=NOT_HEARD,
        on=day0 + dt.timedelta(days=10),
    )
    decide(
        first,
        tactical_meeting,
        "close",
        voice_kind="survey",
        voice_said="Most said it mattered",
        on=day0 + dt.timedelta(days=25),
    )
    # Second: resolved after 20 days (heard), then escalated when the resolution failed.
    decide(
        second,
        session,
        "resolve",
        voice_kind="member",
        voice_said="It happens every week",
        on=day0 + dt.timedelta(days=20),
    )
    decide(
        second,
        session,
        "escalate",
        voice_kind="not_heard",
        voice_said=NOT_HEARD,
        on=day0 + dt.timedelta(days=40),
    )
    # Third: escalated after 30 days, with someone's own words brought by a supporter.
    decide(
        third,
        session,
        "escalate",
        voice_kind="supporter",
        voice_said="I gave up asking",
        on=day0 + dt.timedelta(days=30),
    )
    return {"day0": day0, "barriers": [first, second, third]}


def test_report_counts_decisions_and_voices_and_lists_why_not_heard(history, make_user):
    report = governance_report(make_user(Role.TRUSTED_PERSON))
    operational, tactical, *_ = report.levels
    assert dict((v, n) for v, _, n in operational.outcomes) == {
        "resolve": 1,
        "escalate": 3,
        "close": 0,
    }
    assert dict((v, n) for v, _, n in tactical.outcomes) == {
        "resolve": 0,
        "escalate": 0,
        "close": 1,
    }
    assert dict((v, n) for v, _, n in operational.voices) == {
        "member": 1,
        "supporter": 1,
        "survey": 0,
    }
    assert operational.not_heard == 2
    assert operational.not_heard_reasons == [(NOT_HEARD, 2)]
    assert tactical.not_heard == 0 and tactical.not_heard_reasons == []
    assert (report.decisions, report.heard, report.not_heard) == (5, 3, 2)


def test_report_times_the_wait_for_a_first_decision_at_each_level(history, make_user):
    report = governance_report(make_user(Role.TRUSTED_PERSON))
    operational, tactical, strategic, _ = report.levels
    # Operational: 10, 20 and 30 days to a first decision (the second barrier's later
    # escalation is not a new wait). Tactical: 15 days from escalation to closing.
    assert operational.average_days == pytest.approx(20)
    assert operational.longest_days == 30
    assert tactical.average_days == pytest.approx(15)
    assert tactical.longest_days == 15
    assert strategic.average_days is None
    # Two barriers wait at the tactical level now, the longest since day 40 (escalated then).
    assert tactical.waiting_now == 2
    assert tactical.waiting_longest_days == (timezone.localdate() - history["day0"]).days - 30


def test_report_page_shows_reasons_and_meetings_but_no_names(client, history, make_user):
    raiser = make_user(Role.TRUSTED_PERSON, organisation=None)
    raiser.full_name = "Quentin Raiserworth"
    raiser.save()
    for barrier in history["barriers"]:
        barrier.raised_by = raiser
        barrier.save()
    client.force_login(make_user(Role.SERVICE_STAFF))
    client.get("/governance/report")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/governance/report")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not heard, because" in html and NOT_HEARD in html and "(2 decisions)" in html
    assert "Raiserworth" not in html
    assert len(queries) <= 16
    # Meetings held: the session and the tactical meeting, both last week.
    report = governance_report(make_user(Role.TRUSTED_PERSON))
    assert [r.meetings_held for r in report.levels] == [1, 1, 0, 0]


def test_report_for_one_year_leaves_out_other_years(history, make_user):
    reader = make_user(Role.TRUSTED_PERSON)
    barrier = BarrierFactory()
    old = timezone.localdate().replace(month=1, day=1) - dt.timedelta(days=400)
    decide(
        barrier,
        SessionFactory(),
        "close",
        voice_kind="not_heard",
        voice_said="An old reason",
        on=old,
    )
    everything = governance_report(reader)
    this_year = governance_report(reader, year=timezone.localdate().year)
    assert everything.levels[0].not_heard == 3
    assert old.year in everything.years
    reasons = [reason for reason, _ in this_year.levels[0].not_heard_reasons]
    if history["day0"].year == timezone.localdate().year:
        assert "An old reason" not in reasons
        assert this_year.levels[0].decisions == 4


def test_report_page_ignores_a_year_that_is_not_a_number(client, history, make_user):
    client.force_login(make_user(Role.SERVICE_STAFF))
    response = client.get("/governance/report?year=²²")
    assert response.status_code == 200


def test_group_membership_counts_ignore_members_who_have_left(make_user):
    tactical = group("tactical-group")
    GroupMemberFactory(group=tactical, lived_experience=True)
    GroupMember.objects.create(
        group=tactical, name="Gone", ended_on=timezone.localdate() - dt.timedelta(days=3)
    )
    overview = {g.group.slug: g for g in groups_overview(make_user(Role.SERVICE_STAFF))}
    assert overview["tactical-group"].member_count == 1


def test_a_decision_dated_before_the_barrier_arrived_shows_as_a_negative_wait(make_user):
    """Bad data (a decision before the barrier reached the level) is shown, not rounded up to
    a wait of 0 days."""
    day0 = timezone.localdate() - dt.timedelta(days=20)
    barrier = BarrierFactory(raised_at=timezone.make_aware(dt.datetime.combine(day0, dt.time(9))))
    decide(barrier, SessionFactory(), "close", on=day0 - dt.timedelta(days=5))
    operational = governance_report(make_user(Role.TRUSTED_PERSON)).levels[0]
    assert operational.average_days == pytest.approx(-5)
    assert operational.longest_days == -5
