"""The barriers demo (what it loads, every level and state, the voices, feedback, governance
meetings and a board pack, safe to load twice, no demo person named in any text) and the
synthetic barriers (consistent histories at scale)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from petal.access.barriers import OPERATIONAL_RANK
from petal.accounts.models import Membership, User
from petal.audit.selectors import audit_chain_verify
from petal.barriers.demo import BARRIERS, MEETINGS, load_demo
from petal.barriers.models import (
    AgendaItem,
    Attendance,
    Barrier,
    Decision,
    DecisionNotice,
    GroupMember,
    LearningEntry,
    MeToo,
    Outcome,
    Status,
    VoiceKind,
)
from petal.barriers.synth import synth_barriers
from petal.meetings.models import Action, ActionStatus, Kind, Meeting, MeetingStatus
from petal.meetings.services import names_in, partnership_consent
from petal.reference.models import GovernanceGroup, GovernanceLevel

pytestmark = pytest.mark.django_db

PASSWORD = "a demo passphrase"
MODELS = (
    Barrier,
    MeToo,
    Decision,
    DecisionNotice,
    GroupMember,
    AgendaItem,
    Attendance,
    LearningEntry,
    Meeting,
    Action,
    User,
    Membership,
)


@pytest.fixture
def demo():
    """What the barriers demo needs (sign-ins, people, consents, meetings, champions), then
    the barriers."""
    from petal.accounts.demo import load_demo as load_accounts
    from petal.champions.demo import load_demo as load_champions
    from petal.consent.demo import load_consents
    from petal.meetings.demo import load_demo as load_meetings
    from petal.people.demo import load_people

    load_accounts(password=PASSWORD)
    load_people()
    load_consents(password=PASSWORD)
    load_meetings(password=PASSWORD)
    load_champions(password=PASSWORD)
    return load_demo()


def _snapshot() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def _demo_barriers():
    return Barrier.objects.filter(summary__in=[b.summary for b in BARRIERS])


def test_the_demo_command_loads_the_barriers_once_and_says_so(client):
    out = StringIO()
    call_command("demo", "--password", PASSWORD, stdout=out)
    first = _snapshot()
    call_command("demo", "--password", PASSWORD, stdout=StringIO())
    assert _snapshot() == first
    printed = out.getvalue()
    barriers = Barrier.objects.filter(raised_by__email__endswith="@example.org").count()
    assert barriers >= len(BARRIERS) == 22
    assert f"Barriers: {barriers} barriers at every level" in printed
    # Every meeting and action the demo holds is counted, governance meetings among them.
    assert f"Meetings: {first['Meeting']} " in printed
    assert f"{first['Action']} actions" in printed
    # The governance groups' demo sign-ins are listed and work.
    for email in ("tactical@example.org", "strategic@example.org", "board@example.org"):
        assert email in printed
        response = client.post("/sign-in", {"email": email, "password": PASSWORD})
        assert response.status_code == 302, email
        client.post("/sign-out")
    assert audit_chain_verify().ok


def test_loading_twice_adds_nothing(demo):
    first = _snapshot()
    again = load_demo()
    assert _snapshot() == first
    assert again == demo
    assert demo.barriers == Barrier.objects.count() >= 22
    assert demo.meetings == Meeting.objects.filter(kind=Kind.GOVERNANCE).count() == len(MEETINGS)


def test_barriers_at_every_level_in_every_state(demo):
    barriers = _demo_barriers()
    assert barriers.count() == len(BARRIERS)
    for level in GovernanceLevel.objects.all():
        at_level = barriers.filter(group__level=level)
        assert at_level.exists(), level
        # Something is waiting or being worked on at every level.
        assert at_level.filter(status__in=[Status.OPEN, Status.BEING_RESOLVED]).exists(), level
    assert set(barriers.values_list("status", flat=True)) == set(Status.values)
    # Every operational partnership raised some, each partnership's group among them.
    assert barriers.values("partnership").distinct().count() == 3
    assert set(barriers.values_list("raised_as", flat=True)) >= {
        "own_work",
        "for_trusted_person",
        "for_person",
        "at_session",
    }
    for barrier in Barrier.objects.all():
        assert barrier.me_too_count == barrier.me_toos.count(), barrier
        assert barrier.areas.exists() or barrier.session_id, barrier
    assert barriers.filter(me_too_count__gte=4).exists()


def test_each_history_climbs_the_ladder_in_order_at_the_right_meetings(demo):
    barriers = _demo_barriers().select_related("group__level")
    decided = 0
    for barrier in barriers:
        decisions = list(
            barrier.decisions.select_related("group__level", "meeting", "escalated_to", "action")
        )
        assert [d.sequence for d in decisions] == list(range(1, len(decisions) + 1))
        rank, last = OPERATIONAL_RANK, barrier.raised_at
        for decision in decisions:
            decided += 1
            assert decision.group.level.rank == rank == decision.level.rank
            meeting = decision.meeting
            # A meeting of the group it sat with: a session at the first level, a governance
            # meeting above it; held, started before the decision, dated that day.
            if rank == OPERATIONAL_RANK:
                assert meeting.kind == Kind.PARTNERSHIP
                assert meeting.partnership_id == decision.group.partnership_id
            else:
                assert meeting.kind == Kind.GOVERNANCE and meeting.group_id == decision.group_id
            assert meeting.status == MeetingStatus.HELD
            assert last <= decision.recorded_at and meeting.starts_at <= decision.recorded_at
            assert decision.decided_on == timezone.localdate(meeting.starts_at)
            assert decision.reason and decision.voice_said
            last = decision.recorded_at
            if decision.outcome == Outcome.ESCALATE:
                assert decision.escalated_to.level.rank == rank + 1
                rank += 1
            if decision.outcome == Outcome.RESOLVE:
                action = decision.action
                assert action.meeting_id == meeting.pk and action.due_on >= decision.decided_on
                assert action.owner_user_id or action.owner_organisation_id
            else:
                assert decision.action_id is None
        assert barrier.group.level.rank == rank, barrier
        final = decisions[-1].outcome if decisions else None
        expected = {
            None: {Status.OPEN, Status.MERGED},
            Outcome.ESCALATE: {Status.OPEN, Status.MERGED},
            Outcome.RESOLVE: {Status.BEING_RESOLVED, Status.RESOLVED},
            Outcome.CLOSE: {Status.CLOSED},
        }[final]
        assert barrier.status in expected, barrier
        if final == Outcome.ESCALATE:
            assert barrier.level_since == decisions[-1].meeting.ends_at
        if barrier.status == Status.CLOSED:
            assert barrier.closed_at == decisions[-1].meeting.ends_at
    assert decided >= 35
    # One barrier went all the way from a partnership to the Board and was decided there.
    assert barriers.filter(group__slug="public-service-board", decisions__sequence=4).exists()


def test_every_voice_is_recorded_and_some_were_not_heard(demo):
    decisions = Decision.objects.filter(barrier__in=_demo_barriers())
    kinds = dict(decisions.values_list("voice_kind").annotate(n=Count("id")))
    assert set(kinds) == set(VoiceKind.values)
    assert kinds[VoiceKind.NOT_HEARD] >= 2
    # A level at which a voice was not heard says why.
    for decision in decisions.filter(voice_kind=VoiceKind.NOT_HEARD):
        assert len(decision.voice_said) > 40


def test_every_decision_went_back_to_who_raised_or_met_the_barrier(demo):
    merged_in = set(
        Barrier.objects.filter(status=Status.MERGED).values_list("merged_into", flat=True)
    )
    told = 0
    for decision in Decision.objects.select_related("barrier").prefetch_related("notices"):
        barrier = decision.barrier
        got = {n.user_id: n.why for n in decision.notices.all()}
        told += len(got)
        if barrier.raised_by_id:
            assert got.get(barrier.raised_by_id) == DecisionNotice.Why.RAISED, decision
        if barrier.pk in merged_in:
            continue  # some "me too"s arrived with the merge, after its decisions
        met = set(
            barrier.me_toos.filter(created_at__lt=decision.recorded_at).values_list(
                "user_id", flat=True
            )
        ) - {barrier.raised_by_id, barrier.on_behalf_of_id}
        assert {u for u, why in got.items() if why == DecisionNotice.Why.ME_TOO} == met
        for notice in decision.notices.all():
            assert notice.sent_at == decision.recorded_at
    assert told >= 100


def test_a_merged_pair(demo):
    merged = Barrier.objects.get(status=Status.MERGED)
    target = merged.merged_into
    assert target.status in (Status.OPEN, Status.BEING_RESOLVED)
    assert merged.me_too_count == 0 and not merged.me_toos.exists()
    # Its raiser counts on the other one now, with its effect as their example.
    joined = target.me_toos.get(user=merged.raised_by)
    assert joined.example == merged.effect
    assert merged.merged_by.email == "programme@example.org"
    assert merged.raised_at < merged.merged_at <= timezone.now()


def test_one_barrier_links_to_a_person_who_agreed_to_share_with_the_partnership(demo):
    from petal.access.people import can_change_person

    linked = Barrier.objects.exclude(person=None)
    assert linked.count() == 1
    barrier = linked.select_related("group__level", "person", "raised_by").get()
    assert barrier.group.level.rank == OPERATIONAL_RANK
    assert partnership_consent(barrier.person, barrier.partnership_id)
    assert can_change_person(barrier.raised_by, barrier.person)


def test_learning_some_published_one_waiting(demo, client):
    entries = LearningEntry.objects.filter(barrier__in=_demo_barriers())
    assert entries.count() == 4
    published = entries.filter(published_at__isnull=False)
    assert published.count() == 3
    waiting = entries.get(published_at__isnull=True)
    for entry in entries.select_related("barrier"):
        assert entry.barrier.status == Status.RESOLVED
        assert entry.barrier.resolved_at == entry.created_at
        assert entry.areas.exists()
        if entry.published_at:
            assert entry.published_at > entry.created_at
    # "You said, we did" has the published ones, not the one waiting for the programme team.
    page = client.get("/you-said-we-did/").content.decode()
    for entry in published:
        assert entry.title.replace("'", "&#x27;") in page
    assert waiting.title not in page


def test_governance_groups_members_and_meetings(demo):
    today = timezone.localdate()
    for slug, user in (
        ("tactical-group", "tactical@example.org"),
        ("strategic-group", "strategic@example.org"),
        ("public-service-board", "board@example.org"),
    ):
        group = GovernanceGroup.objects.get(slug=slug)
        members = GroupMember.objects.filter(group=group)
        assert members.filter(user__email=user).exists()
        assert members.filter(user=None).count() >= 3
        assert members.filter(lived_experience=True).exists()
        assert members.filter(role="chair").count() == 1
        meetings = Meeting.objects.filter(kind=Kind.GOVERNANCE, group=group)
        held = meetings.filter(status=MeetingStatus.HELD, ends_at__lte=timezone.now())
        assert held.exists() and not meetings.filter(status=MeetingStatus.CANCELLED).exists()
        for meeting in held:
            assert meeting.minutes and meeting.minutes_at > meeting.ends_at
            assert meeting.agenda_items.filter(barrier__isnull=False).exists()
            assert meeting.attendance.filter(attended=True).exists()
            assert meeting.attendance.filter(attended=False).exists()
            assert meeting.barrier_decisions.exists() and meeting.actions.exists()
        upcoming = meetings.filter(starts_at__gt=timezone.now())
        assert upcoming.count() == 1
        assert upcoming.get().agenda_items.filter(barrier__isnull=False).exists()
    assert GroupMember.objects.filter(ended_on__lt=today).count() == 1


def test_a_strategic_group_meeting_with_a_full_board_pack(demo):
    from petal.barriers.selectors.pack import previous_meeting

    meeting = (
        Meeting.objects.filter(group__slug="strategic-group", status=MeetingStatus.HELD)
        .order_by("-starts_at")
        .first()
    )
    items = list(meeting.agenda_items.all())
    assert len([i for i in items if i.barrier_id]) >= 4
    assert len([i for i in items if not i.barrier_id and i.notes]) >= 2
    assert meeting.barrier_decisions.values("outcome").distinct().count() == 3
    assert meeting.attendance.filter(attended=True).count() >= 4
    assert meeting.actions.count() >= 4
    previous = previous_meeting(meeting)
    assert previous.group_id == meeting.group_id and previous.actions.count() >= 3
    assert set(previous.actions.values_list("status", flat=True)) >= {
        ActionStatus.DONE,
        ActionStatus.IN_PROGRESS,
    }


def test_actions_are_in_every_state_with_dates_to_match(demo):
    today = timezone.localdate()
    # The actions agreed at governance meetings and those resolving a barrier.
    actions = Action.objects.filter(
        Q(meeting__kind=Kind.GOVERNANCE)
        | Q(pk__in=Decision.objects.exclude(action=None).values("action"))
    )
    assert {ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE} <= set(
        actions.values_list("status", flat=True)
    )
    for action in actions.select_related("meeting"):
        assert action.created_at >= action.meeting.ends_at
        if action.status == ActionStatus.DONE:
            assert action.meeting.ends_at < action.completed_at <= timezone.now()
        if action.is_overdue:
            assert timezone.localtime(action.reminded_at).date() == action.due_on
    assert actions.filter(status=ActionStatus.OPEN, due_on__lt=today).exists()


def test_no_demo_person_is_named_in_any_barrier_text(demo):
    from petal.people.demo import load_people
    from petal.people.models import Person

    load_people()
    people = list(Person.objects.prefetch_related("aliases"))
    assert len(people) >= 40
    texts = [
        *(f"{b.summary} {b.detail} {b.effect} {b.services}" for b in Barrier.objects.all()),
        *MeToo.objects.values_list("example", flat=True),
        *(f"{d.reason} {d.voice_said}" for d in Decision.objects.all()),
        *(f"{e.title} {e.problem} {e.change} {e.contact}" for e in LearningEntry.objects.all()),
        *(f"{i.title} {i.notes}" for i in AgendaItem.objects.all()),
        *Meeting.objects.filter(kind=Kind.GOVERNANCE).values_list("minutes", flat=True),
        *Action.objects.filter(meeting__kind=Kind.GOVERNANCE).values_list("description", flat=True),
        *Action.objects.filter(
            pk__in=Decision.objects.exclude(action=None).values("action")
        ).values_list("description", flat=True),
    ]
    assert len(texts) > 150
    for text in texts:
        assert not names_in(text, people), (names_in(text, people), text[:80])
    # The check would catch one.
    assert names_in(f"Housing for {people[0].full_name.split()[0]}", people)


# --- synthetic data ------------------------------------------------------------------------------


@pytest.fixture
def users():
    from petal.accounts.demo import load_demo as load_accounts

    load_accounts(password=PASSWORD)


def test_synthetic_barriers_climb_the_ladder_consistently(users):
    made, decisions, me_toos = synth_barriers(300, seed=5)
    assert made == Barrier.objects.count() == 300
    assert decisions == Decision.objects.count() and me_toos == MeToo.objects.count()
    assert set(Barrier.objects.values_list("status", flat=True)) == set(Status.values)
    for level in GovernanceLevel.objects.all():
        assert Barrier.objects.filter(group__level=level).exists(), level
    assert set(Decision.objects.values_list("voice_kind", flat=True)) == set(VoiceKind.values)
    now = timezone.now()
    for barrier in Barrier.objects.select_related("group__level").prefetch_related(
        "decisions__meeting", "decisions__group__level"
    ):
        assert barrier.me_too_count == barrier.me_toos.count()
        assert not barrier.me_toos.filter(user_id=barrier.raised_by_id).exists()
        rank, last = OPERATIONAL_RANK, barrier.raised_at
        for n, decision in enumerate(barrier.decisions.all(), start=1):
            assert decision.sequence == n and decision.group.level.rank == rank
            meeting = decision.meeting
            assert meeting.group_id == decision.group_id or (
                meeting.partnership_id == decision.group.partnership_id
            )
            assert last < meeting.starts_at < meeting.ends_at <= now
            last = meeting.ends_at
            if decision.outcome == Outcome.ESCALATE:
                rank += 1
            assert (decision.action_id is not None) == (decision.outcome == Outcome.RESOLVE)
        assert barrier.group.level.rank == rank
        if barrier.status == Status.MERGED:
            assert barrier.merged_into_id and barrier.merged_into.status != Status.MERGED
        if barrier.status == Status.RESOLVED:
            assert LearningEntry.objects.filter(barrier=barrier).exists()
    assert DecisionNotice.objects.filter(why="raised").count() == Decision.objects.count()
    # Upcoming meetings have barriers waiting on their agendas; held ones have attendance.
    assert AgendaItem.objects.filter(meeting__starts_at__gt=now, barrier__isnull=False).exists()
    assert Attendance.objects.exists()
    # Twice adds more.
    assert synth_barriers(20, seed=6)[0] == 20
    assert Barrier.objects.count() == 320


def test_synth_command_makes_barriers(users):
    out = StringIO()
    call_command(
        *("synth", "--users", "20", "--organisations", "3", "--events", "10"),
        *("--barriers", "50"),
        stdout=out,
    )
    assert "Made 50 barriers with" in out.getvalue()
    assert Barrier.objects.count() == 50
