"""Governance groups and their meetings: only a group's runners keep its members, meetings,
agendas and attendance (a coordinator cannot manage the Tactical Group; a governance member at
the tactical level can; the programme team any); members' lived experience is shown only to
the group's runners and members; agendas are built from the barriers waiting at that level."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.tests.factories import OrganisationFactory
from petal.audit.models import AuditEvent
from petal.barriers.models import AgendaItem, Attendance, GroupMember, Status
from petal.barriers.services import governance as services
from petal.barriers.tests.factories import (
    AgendaItemFactory,
    BarrierFactory,
    GovernanceMeetingFactory,
    GroupMemberFactory,
    SessionFactory,
    group,
)
from petal.barriers.tests.test_structure import decide
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.meetings.models import Action, Kind, Meeting, MeetingStatus
from petal.people.tests.factories import person_of
from petal.reference.models import GovernanceLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    tactical = GovernanceLevel.objects.get(slug="tactical-group")
    strategic = GovernanceLevel.objects.get(slug="strategic-group")
    return {
        "programme": make_user(Role.PROGRAMME_TEAM),
        "coordinator": make_user(Role.PARTNERSHIP_COORDINATOR),
        "tactical": make_user(Role.GOVERNANCE_MEMBER, governance_level=tactical),
        "strategic": make_user(Role.GOVERNANCE_MEMBER, governance_level=strategic),
        "reader": make_user(Role.TRUSTED_PERSON),
        "no_role": make_user(),
    }


def _lived_experience_figures(html: str) -> list[str]:
    """Every number the page's text puts to lived experience ("1 has lived experience",
    "including 2 with lived experience")."""
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    return re.findall(r"\d[^\d.]{0,30}lived experience", text, re.IGNORECASE)


def _member_form(**changes):
    data = {"email": "", "name": "Sam Lived", "role": "member", "lived_experience": "yes"}
    data.update(changes)
    return data


# --- who manages members ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "slug", "status"),
    [
        ("programme", "tactical-group", 302),
        ("programme", "public-service-board", 302),
        ("programme", "partnership-peterborough", 302),
        ("tactical", "tactical-group", 302),
        ("tactical", "strategic-group", 403),
        ("strategic", "strategic-group", 302),
        ("coordinator", "partnership-cambridgeshire", 302),
        ("coordinator", "partnership-peterborough", 403),
        ("coordinator", "tactical-group", 403),
        ("reader", "tactical-group", 403),
        ("programme", "no-such-group", 404),
        ("tactical", "no-such-group", 404),
    ],
)
def test_only_a_groups_runners_add_its_members(client, people, who, slug, status):
    client.force_login(people[who])
    response = client.post(f"/governance/groups/{slug}/members", _member_form())
    assert response.status_code == status
    added = GroupMember.objects.filter(name="Sam Lived").exists()
    assert added == (status == 302)
    if status == 302:
        assert response["Location"] == f"/governance/groups/{slug}"
        assert client.get(f"/governance/groups/{slug}/members").status_code == 200


def test_the_service_refuses_a_reader_who_does_not_run_the_group(people):
    with pytest.raises(Forbidden):
        services.member_add(actor=people["coordinator"], group_slug="tactical-group", name="X")
    with pytest.raises(NotFound):
        services.member_add(actor=people["no_role"], group_slug="tactical-group", name="X")


def test_a_member_with_a_sign_in_is_added_by_email_with_their_organisation(people, make_user):
    org = OrganisationFactory(name="Governance Test Council")
    colleague = make_user(Role.SERVICE_STAFF, organisation=org)
    member = services.member_add(
        actor=people["tactical"],
        group_slug="tactical-group",
        email=colleague.email.upper(),
        role="chair",
        lived_experience=False,
    )
    assert (member.user, member.organisation, member.role, member.name) == (
        colleague,
        org,
        "chair",
        "",
    )
    event = AuditEvent.objects.get(action="governance.member_added")
    assert event.data == {"group": "tactical-group", "user": colleague.pk, "role": "chair"}
    # Lived experience is theirs to share: never in the audit data.
    assert "lived" not in str(event.data)
    with pytest.raises(ValidationFailed) as again:
        services.member_add(
            actor=people["tactical"], group_slug="tactical-group", email=colleague.email
        )
    assert "already a member" in again.value.message


def test_bad_member_details_are_refused_on_the_form_with_what_was_typed_kept(client, people):
    client.force_login(people["tactical"])
    response = client.post(
        "/governance/groups/tactical-group/members",
        _member_form(name="", email="nobody@example.org", role="chair"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "There is no one with that email address in Petal" in html
    assert 'value="nobody@example.org"' in html
    response = client.post(
        "/governance/groups/tactical-group/members", _member_form(name="", email="")
    )
    assert "Enter their name, or the email address they sign in with" in response.content.decode()
    assert not GroupMember.objects.exists()


def test_ending_a_membership_is_for_runners_and_takes_them_off_the_group(client, people):
    member = GroupMemberFactory(group=group("tactical-group"), name="Pat Leaving")
    client.force_login(people["coordinator"])
    url = f"/governance/groups/tactical-group/members/{member.pk}/end"
    assert client.post(url).status_code == 403
    client.force_login(people["tactical"])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    member.refresh_from_db()
    assert member.ended_on == timezone.localdate() and not member.is_current
    assert AuditEvent.objects.filter(action="governance.member_ended").count() == 1
    client.get("/governance/groups/tactical-group")  # the message shown once
    page = client.get("/governance/groups/tactical-group").content.decode()
    assert "Pat Leaving" not in page
    # A member of another group is not found here.
    other = GroupMemberFactory(group=group("strategic-group"))
    response = client.post(f"/governance/groups/tactical-group/members/{other.pk}/end")
    assert response.status_code == 404


# --- lived experience -----------------------------------------------------------------------------


def test_lived_experience_is_shown_only_to_runners_and_members(client, people, make_user):
    tactical = group("tactical-group")
    member_user = make_user(Role.SERVICE_STAFF)
    GroupMemberFactory(group=tactical, name="Robin Sharing", lived_experience=True)
    GroupMemberFactory(group=tactical, name="Alex Other")
    GroupMemberFactory(group=tactical, user=member_user, name="")

    client.force_login(people["reader"])
    html = client.get("/governance/groups/tactical-group").content.decode()
    assert "Robin Sharing" in html and "Alex Other" in html
    # Not even a count: next to the names, "1 of 3" (or "3 of 3") gives it away.
    assert _lived_experience_figures(html) == []
    assert "of whom" not in html
    assert 'govuk-tag--purple">Lived experience' not in html

    for who in (people["tactical"], people["programme"], member_user):
        client.force_login(who)
        html = client.get("/governance/groups/tactical-group").content.decode()
        assert html.count('govuk-tag--purple">Lived experience') == 1
        assert "3, of whom 1 has lived experience" in html


def test_a_reader_who_is_neither_member_nor_runner_finds_no_lived_experience_figures(
    client, people, make_user
):
    """Every member has lived experience, two of three came: a count next to the names would
    tell a reader who has it. Only the group's members and runners see any figure."""
    tactical = group("tactical-group")
    meeting = GovernanceMeetingFactory(group=tactical)
    day = timezone.localtime(meeting.starts_at).date() - dt.timedelta(days=30)
    member_user = make_user(Role.SERVICE_STAFF)
    came = [
        GroupMemberFactory(group=tactical, name="Iris Came", lived_experience=True, started_on=day),
        GroupMemberFactory(
            group=tactical, user=member_user, name="", lived_experience=True, started_on=day
        ),
    ]
    GroupMemberFactory(group=tactical, name="Jo Away", lived_experience=True, started_on=day)
    services.attendance_record(
        actor=people["tactical"], meeting_id=meeting.pk, attended=[m.pk for m in came]
    )
    pages = (f"/governance/meetings/{meeting.pk}", "/governance/groups/tactical-group")

    client.force_login(people["reader"])  # a trusted person: neither member nor runner
    for url in pages:
        html = client.get(url).content.decode()
        assert _lived_experience_figures(html) == [], url
    meeting_html = client.get(pages[0]).content.decode()
    assert "2 of 3 members attended." in meeting_html
    assert "Iris Came" in meeting_html and "including" not in meeting_html

    client.force_login(member_user)  # a member (not a runner) sees the figures
    meeting_html = client.get(pages[0]).content.decode()
    assert "2 of 3 members attended, including 2 with lived experience." in meeting_html
    group_html = client.get(pages[1]).content.decode()
    assert "3, of whom 3 have lived experience" in group_html


def test_group_page_lists_meetings_and_the_barriers_waiting_there(client, people):
    tactical = group("tactical-group")
    waiting = BarrierFactory(group=tactical, summary="Benefits letters arrive too late")
    BarrierFactory(group=tactical, summary="Already closed barrier", status=Status.CLOSED)
    BarrierFactory(group=group("strategic-group"), summary="A strategic barrier")
    held = GovernanceMeetingFactory(group=tactical)
    planned = GovernanceMeetingFactory(
        group=tactical,
        starts_at=timezone.now() + dt.timedelta(days=10),
        status=MeetingStatus.DRAFT,
    )
    client.force_login(people["reader"])
    html = client.get("/governance/groups/tactical-group").content.decode()
    assert waiting.summary in html and f'href="/barriers/{waiting.pk}"' in html
    assert "Already closed barrier" not in html and "A strategic barrier" not in html
    assert f'href="/governance/meetings/{held.pk}"' in html
    assert f'href="/governance/meetings/{planned.pk}"' in html
    assert "Add a member" not in html and "Plan a meeting" not in html


def test_an_operational_group_lists_its_partnerships_sessions(client, people):
    session = SessionFactory()
    client.force_login(people["coordinator"])
    html = client.get("/governance/groups/partnership-cambridgeshire").content.decode()
    assert f'href="/meetings/{session.pk}"' in html
    assert "Plan a problem-solving session" in html
    # The programme team runs the group but does not plan sessions: no link it cannot follow.
    client.force_login(people["programme"])
    html = client.get("/governance/groups/partnership-cambridgeshire").content.decode()
    assert "Add a member" in html and "Plan a problem-solving session" not in html
    # The operational level meets at sessions: no governance meeting is planned for it.
    assert (
        client.get("/governance/groups/partnership-cambridgeshire/meetings/new").status_code == 404
    )


def test_group_page_queries_do_not_grow_with_members_meetings_or_barriers(client, people):
    tactical = group("tactical-group")
    org = OrganisationFactory()
    client.force_login(people["programme"])
    GroupMemberFactory(group=tactical, organisation=org)
    GovernanceMeetingFactory(group=tactical)
    BarrierFactory(group=tactical)
    client.get("/governance/groups/tactical-group")
    with CaptureQueriesContext(connection) as before:
        client.get("/governance/groups/tactical-group")
    for _ in range(5):
        GroupMemberFactory(group=tactical, organisation=OrganisationFactory())
        GovernanceMeetingFactory(group=tactical)
        BarrierFactory(group=tactical)
    with CaptureQueriesContext(connection) as after:
        response = client.get("/governance/groups/tactical-group")
    assert response.status_code == 200
    assert len(after) == len(before) <= 14


# --- planning a meeting ----------------------------------------------------------------------------


def _plan_form(day: dt.date, **changes):
    data = {
        "on_0": day.day,
        "on_1": day.month,
        "on_2": day.year,
        "starts": "10:00",
        "ends": "12:30",
        "place": "Shire Hall, Alconbury",
        "online_link": "",
    }
    data.update(changes)
    return data


def test_a_runner_plans_a_governance_meeting_of_their_group(client, people):
    day = timezone.localdate() + dt.timedelta(days=14)
    client.force_login(people["coordinator"])
    assert (
        client.post("/governance/groups/tactical-group/meetings/new", _plan_form(day)).status_code
        == 403
    )
    client.force_login(people["tactical"])
    response = client.post("/governance/groups/tactical-group/meetings/new", _plan_form(day))
    meeting = Meeting.objects.get(kind=Kind.GOVERNANCE)
    assert response["Location"] == f"/governance/meetings/{meeting.pk}"
    assert meeting.group == group("tactical-group")
    assert meeting.purpose == "Tactical Group meeting"
    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.convened_by == people["tactical"]
    start = timezone.localtime(meeting.starts_at)
    assert (start.date(), start.hour, start.minute) == (day, 10, 0)
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(hours=2, minutes=30)
    assert AuditEvent.objects.filter(action="governance.meeting_planned").count() == 1


def test_a_meeting_that_ends_before_it_starts_is_refused_with_what_was_typed_kept(client, people):
    client.force_login(people["tactical"])
    day = timezone.localdate() + dt.timedelta(days=14)
    response = client.post(
        "/governance/groups/tactical-group/meetings/new",
        _plan_form(day, starts="3pm", ends="2pm", place="Room 4"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The meeting must end after it starts" in html
    assert 'value="Room 4"' in html
    response = client.post(
        "/governance/groups/tactical-group/meetings/new",
        _plan_form(day, place="", online_link="http://insecure.example.org"),
    )
    assert "starting https://" in response.content.decode()
    assert not Meeting.objects.filter(kind=Kind.GOVERNANCE).exists()


# --- the meeting page ----------------------------------------------------------------------------


def test_a_meeting_page_is_only_for_governance_meetings(client, people):
    client.force_login(people["reader"])
    session = SessionFactory()
    meeting = GovernanceMeetingFactory()
    assert client.get(f"/governance/meetings/{meeting.pk}").status_code == 200
    assert client.get(f"/governance/meetings/{session.pk}").status_code == 404
    assert client.get("/governance/meetings/999999").status_code == 404
    assert client.get(f"/governance/meetings/{session.pk}/pack.pdf").status_code == 404
    # The meetings app's page for it sends readers here, so no link 404s.
    response = client.get(f"/meetings/{meeting.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"/governance/meetings/{meeting.pk}"


@pytest.fixture
def waiting():
    tactical = group("tactical-group")
    return {
        "open": BarrierFactory(group=tactical, summary="Tactical open"),
        "resolving": BarrierFactory(
            group=tactical, summary="Tactical resolving", status=Status.BEING_RESOLVED
        ),
        "closed": BarrierFactory(group=tactical, summary="Tactical closed", status=Status.CLOSED),
        "resolved": BarrierFactory(
            group=tactical, summary="Tactical resolved", status=Status.RESOLVED
        ),
        "strategic": BarrierFactory(group=group("strategic-group"), summary="Strategic open"),
        "operational": BarrierFactory(summary="Operational open"),
    }


def test_the_agenda_is_built_from_barriers_waiting_at_that_level_only(client, people, waiting):
    tactical = group("tactical-group")
    waiting["merged"] = BarrierFactory(
        group=tactical, status=Status.MERGED, merged_into=waiting["open"]
    )
    meeting = GovernanceMeetingFactory(
        group=tactical, starts_at=timezone.now() + dt.timedelta(days=7), status=MeetingStatus.DRAFT
    )
    AgendaItemFactory(meeting=meeting, title="Welcome", order=1)
    client.force_login(people["tactical"])
    page = client.get(f"/governance/meetings/{meeting.pk}").content.decode()
    assert "Add the barriers waiting at this level" in page
    response = client.post(f"/governance/meetings/{meeting.pk}/agenda", {"add": "waiting"})
    assert response.status_code == 302
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order"))
    assert [i.title for i in items][0] == "Welcome"
    assert {i.barrier_id for i in items[1:]} == {waiting["open"].pk, waiting["resolving"].pk}
    # Again: nothing new to add.
    client.post(f"/governance/meetings/{meeting.pk}/agenda", {"add": "waiting"})
    assert AgendaItem.objects.filter(meeting=meeting).count() == 3
    html = client.get(f"/governance/meetings/{meeting.pk}").content.decode()
    assert "already on the agenda" in html
    assert "Tactical open" in html and "Strategic open" not in html
    assert AuditEvent.objects.filter(action="governance.agenda_changed").count() == 1


def test_runners_add_and_remove_other_agenda_items(client, people):
    meeting = GovernanceMeetingFactory(group=group("tactical-group"))
    client.force_login(people["coordinator"])
    url = f"/governance/meetings/{meeting.pk}/agenda"
    assert client.post(url, {"title": "Update"}).status_code == 403
    client.force_login(people["tactical"])
    response = client.post(url, {"title": "", "notes": "kept notes"})
    assert "Enter the item&#x27;s title" in response.content.decode()
    assert "kept notes" in response.content.decode()
    client.post(url, {"title": "Housing pathway review", "notes": "Ten minutes"})
    item = AgendaItem.objects.get(meeting=meeting)
    html = client.get(f"/governance/meetings/{meeting.pk}").content.decode()
    assert "Housing pathway review" in html and "Ten minutes" in html
    assert client.get(f"{url}/{item.pk}/remove").status_code == 405
    client.force_login(people["coordinator"])
    assert client.post(f"{url}/{item.pk}/remove").status_code == 403
    client.force_login(people["tactical"])
    assert client.post(f"{url}/{item.pk}/remove").status_code == 302
    assert not AgendaItem.objects.filter(meeting=meeting).exists()
    assert client.post(f"{url}/{item.pk}/remove").status_code == 404


def test_agenda_text_naming_someone_on_the_runners_caseload_is_refused(people, make_user):
    runner = make_user(Role.PROGRAMME_TEAM)
    from petal.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=runner, role=Role.TRUSTED_PERSON)
    person_of(runner, full_name="Wilhelmina Caseload")
    meeting = GovernanceMeetingFactory(group=group("strategic-group"))
    with pytest.raises(ValidationFailed) as refused:
        services.agenda_item_add(
            actor=runner, meeting_id=meeting.pk, title="Update", notes="Wilhelmina waited a year"
        )
    assert refused.value.field_errors == {"notes": [services.NAMED]}
    with pytest.raises(ValidationFailed):
        services.minutes_record(actor=runner, meeting_id=meeting.pk, minutes="About Caseload")


# --- attendance --------------------------------------------------------------------------------


def test_attendance_counts_members_and_lived_experience_but_shows_markers_only_to_some(
    client, people
):
    tactical = group("tactical-group")
    meeting = GovernanceMeetingFactory(group=tactical)
    day = timezone.localtime(meeting.starts_at).date()
    ana = GroupMemberFactory(group=tactical, name="Ana Came", lived_experience=True)
    ben = GroupMemberFactory(group=tactical, name="Ben Came")
    GroupMemberFactory(group=tactical, name="Cy Absent", lived_experience=True)
    # Left before the meeting: not one of its members.
    GroupMemberFactory(
        group=tactical,
        name="Dee Left",
        started_on=day - dt.timedelta(days=100),
        ended_on=day - dt.timedelta(days=10),
    )
    for member in GroupMember.objects.filter(group=tactical):
        member.started_on = (
            day - dt.timedelta(days=30) if member.name != "Dee Left" else member.started_on
        )
        member.save()
    stranger = GroupMemberFactory(group=group("strategic-group"))
    url = f"/governance/meetings/{meeting.pk}/attendance"

    client.force_login(people["coordinator"])
    assert client.post(url, {"attended": [ana.pk]}).status_code == 403
    client.force_login(people["tactical"])
    form = client.get(url).content.decode()
    assert "Ana Came (lived experience)" in form and "Dee Left" not in form
    response = client.post(url, {"attended": [stranger.pk]})
    assert response.status_code == 200
    assert not Attendance.objects.exists()
    assert client.post(url, {"attended": [ana.pk, ben.pk]}).status_code == 302
    assert Attendance.objects.filter(meeting=meeting).count() == 3
    summary = "2 of 3 members attended, including 1 with lived experience."
    runner_view = client.get(f"/governance/meetings/{meeting.pk}").content.decode()
    assert summary in runner_view
    assert runner_view.count('govuk-tag--purple">Lived experience') == 1

    client.force_login(people["reader"])
    reader_view = client.get(f"/governance/meetings/{meeting.pk}").content.decode()
    assert "2 of 3 members attended." in reader_view
    assert "with lived experience" not in reader_view
    assert "Ana Came" in reader_view and "Ben Came" in reader_view
    assert "Cy Absent" not in reader_view
    assert 'govuk-tag--purple">Lived experience' not in reader_view
    event = AuditEvent.objects.get(action="governance.attendance_recorded")
    assert event.data == {"attended": 2, "members": 3}
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_attendance_waits_for_the_meeting_to_start(people):
    meeting = GovernanceMeetingFactory(
        starts_at=timezone.now() + dt.timedelta(days=2), status=MeetingStatus.DRAFT
    )
    with pytest.raises(ValidationFailed) as refused:
        services.attendance_record(actor=people["tactical"], meeting_id=meeting.pk, attended=[])
    assert "once the meeting has started" in refused.value.message


# --- minutes, decisions, actions ------------------------------------------------------------------


def test_minutes_are_written_by_runners_and_read_by_everyone(client, people):
    meeting = GovernanceMeetingFactory(group=group("tactical-group"))
    url = f"/governance/meetings/{meeting.pk}/minutes"
    client.force_login(people["strategic"])
    assert client.post(url, {"minutes": "x"}).status_code == 403
    client.force_login(people["tactical"])
    assert (
        client.post(url, {"minutes": "We agreed to review the housing forms."}).status_code == 302
    )
    client.force_login(people["reader"])
    assert (
        "We agreed to review the housing forms."
        in client.get(f"/governance/meetings/{meeting.pk}").content.decode()
    )
    assert AuditEvent.objects.filter(action="governance.minutes_recorded").count() == 1


def test_decisions_taken_at_the_meeting_are_listed_with_their_voice(client, people):
    meeting = GovernanceMeetingFactory(group=group("tactical-group"))
    barrier = BarrierFactory(group=group("tactical-group"), summary="Forms need an address")
    decide(
        barrier,
        meeting,
        "escalate",
        voice_kind="not_heard",
        voice_said="The member with lived experience was unwell",
    )
    client.force_login(people["reader"])
    html = client.get(f"/governance/meetings/{meeting.pk}").content.decode()
    assert f'href="/barriers/{barrier.pk}"' in html
    # What was done, in plain words (not the choice the runner made).
    assert "Escalated to the Strategic Group" in html
    assert "Escalate it to the next level" not in html
    assert "Not heard, because The member with lived experience was unwell" in html
    other = GovernanceMeetingFactory(group=group("strategic-group"))
    for outcome, done in (("resolve", "Resolved here"), ("close", "Closed")):
        decide(BarrierFactory(group=group("strategic-group")), other, outcome)
        assert done in client.get(f"/governance/meetings/{other.pk}").content.decode()
    html = client.get(f"/governance/meetings/{other.pk}").content.decode()
    assert "Resolve it here" not in html and "Close it" not in html


def test_an_action_agreed_at_a_meeting_is_one_of_its_owners_actions(
    client, people, make_user, django_capture_on_commit_callbacks
):
    meeting = GovernanceMeetingFactory(group=group("tactical-group"))
    owner = make_user(Role.SERVICE_STAFF)
    url = f"/governance/meetings/{meeting.pk}/actions"
    due = timezone.localdate() + dt.timedelta(days=30)
    form = {
        "description": "Write to the DWP about appointment letters",
        "owner_kind": "person",
        "owner_email": owner.email,
        "due_on_0": due.day,
        "due_on_1": due.month,
        "due_on_2": due.year,
    }
    client.force_login(people["coordinator"])
    assert client.post(url, form).status_code == 403
    client.force_login(people["tactical"])
    response = client.post(url, {**form, "owner_email": ""})
    assert "Enter their email address" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302
    action = Action.objects.get(meeting=meeting)
    assert (action.owner_user, action.due_on, action.created_by) == (owner, due, people["tactical"])
    assert AuditEvent.objects.filter(
        action="governance.action_added", object_id=str(action.pk)
    ).exists()
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "Write to the DWP" not in mail.outbox[0].body
    # The owner finds it under their actions, linked to the governance meeting's page.
    client.force_login(owner)
    mine = client.get("/meetings/actions/").content.decode()
    assert "Write to the DWP about appointment letters" in mine
    assert f'href="/governance/meetings/{meeting.pk}"' in mine
    status_page = client.get(f"/meetings/actions/{action.pk}/status").content.decode()
    assert f'href="/governance/meetings/{meeting.pk}"' in status_page
    client.force_login(people["reader"])
    assert "Write to the DWP" in client.get(f"/governance/meetings/{meeting.pk}").content.decode()


def test_meeting_page_queries_do_not_grow_with_the_agenda_attendance_or_decisions(client, people):
    tactical = group("tactical-group")
    meeting = GovernanceMeetingFactory(group=tactical)
    client.force_login(people["tactical"])

    def grow():
        barrier = BarrierFactory(group=tactical)
        AgendaItemFactory(meeting=meeting, barrier=barrier, title="")
        member = GroupMemberFactory(
            group=tactical,
            organisation=OrganisationFactory(),
            started_on=timezone.localdate() - dt.timedelta(days=30),
        )
        Attendance.objects.create(meeting=meeting, member=member, attended=True)
        decide(barrier, meeting, "close")
        Action.objects.create(
            programme_area=meeting.programme_area,
            meeting=meeting,
            description="Something",
            owner_organisation=OrganisationFactory(),
            due_on=timezone.localdate(),
        )

    grow()
    client.get(f"/governance/meetings/{meeting.pk}")
    with CaptureQueriesContext(connection) as before:
        client.get(f"/governance/meetings/{meeting.pk}")
    for _ in range(4):
        grow()
    with CaptureQueriesContext(connection) as after:
        response = client.get(f"/governance/meetings/{meeting.pk}")
    assert response.status_code == 200
    assert len(after) == len(before) <= 16


def test_nothing_changes_at_a_cancelled_meeting(people):
    meeting = GovernanceMeetingFactory(status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationFailed):
        services.agenda_item_add(actor=people["tactical"], meeting_id=meeting.pk, title="X")
    with pytest.raises(ValidationFailed):
        services.minutes_record(actor=people["tactical"], meeting_id=meeting.pk, minutes="X")


# --- links to sessions ---------------------------------------------------------------------------


def test_a_session_is_linked_only_for_readers_the_meetings_app_shows_it_to(client, people):
    """The Meetings app shows a session to its partnership's coordinators and members and its
    invitees: a Tactical member sees the session listed but gets no link that would 404."""
    upcoming = SessionFactory(
        starts_at=timezone.now() + dt.timedelta(days=3), status=MeetingStatus.DRAFT
    )
    held = SessionFactory()
    url = "/governance/groups/partnership-cambridgeshire"
    client.force_login(people["tactical"])
    html = client.get(url).content.decode()
    assert client.get(f"/meetings/{held.pk}").status_code == 404
    for session in (upcoming, held):
        assert session.reference in html
        assert f'href="/meetings/{session.pk}"' not in html
    client.force_login(people["coordinator"])
    html = client.get(url).content.decode()
    for session in (upcoming, held):
        assert f'href="/meetings/{session.pk}"' in html
        assert client.get(f"/meetings/{session.pk}").status_code == 200


def test_group_page_asks_one_query_for_the_sessions_a_reader_may_follow(client, people):
    client.force_login(people["tactical"])
    url = "/governance/groups/partnership-cambridgeshire"
    SessionFactory()
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(4):
        SessionFactory()
        SessionFactory(starts_at=timezone.now() + dt.timedelta(days=3), status=MeetingStatus.DRAFT)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


# --- members added after the meeting ---------------------------------------------------------------


def test_a_member_can_be_added_with_the_day_they_joined(client, people):
    client.force_login(people["tactical"])
    form = client.get("/governance/groups/tactical-group/members").content.decode()
    today = timezone.localdate()
    assert "Member since" in form and f'value="{today.year}"' in form
    joined = today - dt.timedelta(days=40)
    data = _member_form(
        started_on_0=joined.day, started_on_1=joined.month, started_on_2=joined.year
    )
    assert client.post("/governance/groups/tactical-group/members", data).status_code == 302
    assert GroupMember.objects.get(name="Sam Lived").started_on == joined
    # Left empty: today. Not a date: refused with what was typed kept.
    client.post(
        "/governance/groups/tactical-group/members",
        _member_form(name="Tess Today", started_on_0="", started_on_1="", started_on_2=""),
    )
    assert GroupMember.objects.get(name="Tess Today").started_on == today
    response = client.post(
        "/governance/groups/tactical-group/members",
        _member_form(name="Una Bad", started_on_0="31", started_on_1="2", started_on_2="2026"),
    )
    html = response.content.decode()
    assert "Member since must be a real date" in html and 'value="Una Bad"' in html
    assert not GroupMember.objects.filter(name="Una Bad").exists()


def test_members_added_since_the_meeting_can_be_ticked_and_count_only_if_they_came(client, people):
    tactical = group("tactical-group")
    meeting = GovernanceMeetingFactory(group=tactical)
    day = timezone.localtime(meeting.starts_at).date()
    before = GroupMemberFactory(group=tactical, name="Vi Before", started_on=day - dt.timedelta(30))
    came_late = GroupMemberFactory(group=tactical, name="Wyn Added")  # added today
    GroupMemberFactory(group=tactical, name="Xan Added")  # added today, did not come
    gone = GroupMemberFactory(group=tactical, name="Yo Gone", started_on=day + dt.timedelta(days=1))
    gone.ended_on = timezone.localdate()  # joined after the meeting and has left again
    gone.save()
    url = f"/governance/meetings/{meeting.pk}/attendance"
    client.force_login(people["tactical"])
    form = client.get(url).content.decode()
    assert "Vi Before" in form and "Yo Gone" not in form
    assert "Wyn Added" in form and "Xan Added" in form
    assert "Wyn Added (joined since)" in form and "Xan Added (joined since)" in form
    assert "Vi Before (joined since)" not in form
    assert "anyone added to the group since" in form
    assert client.post(url, {"attended": [before.pk, came_late.pk]}).status_code == 302
    assert set(
        Attendance.objects.filter(meeting=meeting).values_list("member__name", "attended")
    ) == {("Vi Before", True), ("Wyn Added", True)}
    html = client.get(f"/governance/meetings/{meeting.pk}").content.decode()
    assert "2 of 2 members attended" in html and "Wyn Added" in html
    # Unticked again: no longer one of the meeting's members.
    assert client.post(url, {"attended": [before.pk]}).status_code == 302
    assert list(
        Attendance.objects.filter(meeting=meeting).values_list("member__name", flat=True)
    ) == ["Vi Before"]
    assert (
        "1 of 1 member attended"
        in client.get(f"/governance/meetings/{meeting.pk}").content.decode()
    )
    assert AuditEvent.objects.filter(action="governance.attendance_recorded").order_by(
        "pk"
    ).last().data == {
        "attended": 1,
        "members": 1,
    }


# --- the organisation recorded for a runner ---------------------------------------------------------


def test_a_meetings_convener_organisation_follows_the_rule_barriers_use(people, make_user):
    """Raising a barrier records ``member_organisations(actor)[0]``; planning a meeting or
    adding a member does the same, whatever order the memberships come in."""
    from petal.access.meetings import member_organisations
    from petal.accounts.tests.factories import MembershipFactory

    low, high = OrganisationFactory(), OrganisationFactory()
    tactical = GovernanceLevel.objects.get(slug="tactical-group")
    runner = make_user(Role.GOVERNANCE_MEMBER, organisation=high, governance_level=tactical)
    MembershipFactory(user=runner, role=Role.SERVICE_STAFF, organisation=low)
    assert member_organisations(runner)[0] == low.pk
    meeting = services.governance_meeting_plan(
        actor=runner,
        group_slug="tactical-group",
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=2),
        place="Shire Hall",
    )
    assert meeting.convener_organisation_id == low.pk
    member = services.member_add(
        actor=people["tactical"], group_slug="tactical-group", email=runner.email
    )
    assert member.organisation_id == low.pk


# --- changing or cancelling a meeting --------------------------------------------------------------


def _change_form(meeting, **changes):
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    data = {
        "action": "change",
        "change-on_0": start.day,
        "change-on_1": start.month,
        "change-on_2": start.year,
        "change-starts": start.strftime("%H:%M"),
        "change-ends": end.strftime("%H:%M"),
        "change-place": meeting.place,
        "change-online_link": meeting.online_link,
    }
    data.update(changes)
    return data


@pytest.fixture
def planned():
    return GovernanceMeetingFactory(
        group=group("tactical-group"),
        starts_at=timezone.make_aware(
            dt.datetime.combine(timezone.localdate() + dt.timedelta(days=10), dt.time(10))
        ),
        status=MeetingStatus.DRAFT,
    )


def test_runners_change_a_meetings_date_time_and_place_on_its_page(client, people, planned):
    url = f"/governance/meetings/{planned.pk}"
    client.force_login(people["tactical"])
    page = client.get(url).content.decode()
    assert "Change the date, time or place" in page and 'name="action" value="change"' in page
    assert 'value="Shire Hall, Alconbury"' in page
    new_day = timezone.localdate() + dt.timedelta(days=12)
    response = client.post(
        url,
        _change_form(
            planned,
            **{
                "change-on_0": new_day.day,
                "change-on_1": new_day.month,
                "change-on_2": new_day.year,
                "change-starts": "2pm",
                "change-ends": "4pm",
                "change-place": "Room 4, Shire Hall",
            },
        ),
    )
    assert response.status_code == 302 and response["Location"] == url
    before = planned.sequence
    planned.refresh_from_db()
    start = timezone.localtime(planned.starts_at)
    assert (start.date(), start.hour) == (new_day, 14)
    assert planned.place == "Room 4, Shire Hall" and planned.sequence == before + 1
    event = AuditEvent.objects.get(action="governance.meeting_changed")
    assert event.object_id == str(planned.pk) and event.data["retimed"] is True


def test_a_bad_change_is_shown_on_the_page_with_what_was_typed_kept(client, people, planned):
    url = f"/governance/meetings/{planned.pk}"
    client.force_login(people["tactical"])
    response = client.post(
        url,
        _change_form(
            planned, **{"change-starts": "3pm", "change-ends": "2pm", "change-place": "Room 9"}
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html and "The meeting must end after it starts" in html
    assert 'value="Room 9"' in html and '<details class="govuk-details" open>' in html
    assert not AuditEvent.objects.filter(action="governance.meeting_changed").exists()
    # Not one of the two things this page changes.
    assert client.post(url, {"action": "rename"}).status_code == 400


def test_only_runners_change_or_cancel_a_meeting(client, people, planned):
    url = f"/governance/meetings/{planned.pk}"
    for who in ("coordinator", "strategic", "reader"):
        client.force_login(people[who])
        assert "Change the date, time or place" not in client.get(url).content.decode()
        assert client.post(url, _change_form(planned, **{"change-place": "X"})).status_code == 403
        assert client.post(url, {"action": "cancel", "cancel-reason": "No"}).status_code == 403
    client.force_login(people["tactical"])
    assert client.post("/governance/meetings/999999", {"action": "cancel"}).status_code == 404
    planned.refresh_from_db()
    assert planned.status == MeetingStatus.DRAFT and planned.place == "Shire Hall, Alconbury"
    with pytest.raises(Forbidden):
        services.governance_meeting_cancel(
            actor=people["coordinator"], meeting_id=planned.pk, reason="No"
        )


def test_runners_cancel_a_meeting_with_a_reason_everyone_reads(client, people, planned):
    url = f"/governance/meetings/{planned.pk}"
    client.force_login(people["tactical"])
    response = client.post(url, {"action": "cancel", "cancel-reason": ""})
    assert "Say why the meeting is cancelled" in response.content.decode()
    response = client.post(url, {"action": "cancel", "cancel-reason": "The chair is unwell"})
    assert response.status_code == 302
    before = planned.sequence
    planned.refresh_from_db()
    assert planned.status == MeetingStatus.CANCELLED
    assert planned.cancelled_reason == "The chair is unwell" and planned.sequence == before + 1
    event = AuditEvent.objects.get(action="governance.meeting_changed")
    assert event.data == {"group": "tactical-group", "cancelled": True}
    client.force_login(people["reader"])
    html = client.get(url).content.decode()
    assert "This meeting was cancelled: The chair is unwell" in html
    # Nothing more changes at a cancelled meeting, and it cannot be cancelled twice.
    client.force_login(people["tactical"])
    assert "Change the date, time or place" not in client.get(url).content.decode()
    with pytest.raises(ValidationFailed):
        services.governance_meeting_cancel(
            actor=people["tactical"], meeting_id=planned.pk, reason="Again"
        )
    with pytest.raises(ValidationFailed):
        services.governance_meeting_change(
            actor=people["tactical"],
            meeting_id=planned.pk,
            starts_at=planned.starts_at,
            ends_at=planned.ends_at,
            place="Elsewhere",
        )


def test_a_meeting_with_decisions_keeps_its_time_and_cannot_be_cancelled(client, people):
    meeting = GovernanceMeetingFactory(group=group("tactical-group"))
    decide(BarrierFactory(group=group("tactical-group")), meeting, "close")
    url = f"/governance/meetings/{meeting.pk}"
    client.force_login(people["tactical"])
    page = client.get(url).content.decode()
    assert "its date and time stay as they are" in page and "Cancel the meeting" not in page
    later = timezone.localdate() + dt.timedelta(days=5)
    response = client.post(
        url,
        _change_form(
            meeting,
            **{"change-on_0": later.day, "change-on_1": later.month, "change-on_2": later.year},
        ),
    )
    assert "its date and time cannot change" in response.content.decode()
    # The place can still change.
    assert client.post(url, _change_form(meeting, **{"change-place": "Room 2"})).status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "Room 2" and meeting.starts_at.date() < later
    with pytest.raises(ValidationFailed) as refused:
        services.governance_meeting_cancel(
            actor=people["tactical"], meeting_id=meeting.pk, reason="Too late"
        )
    assert "cannot be cancelled" in refused.value.message
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
