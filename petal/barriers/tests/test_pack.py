"""The board pack: the agenda, the barriers for decision with their whole history and the
lived-experience voices heard, figures, and the previous meeting's actions — and never a
person's name or any personal category, whatever the barrier links to. Checked in the HTML the
PDF is printed from and in the PDF's own text (poppler-utils' pdftotext, which scripts/test
installs)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.tests.factories import OrganisationFactory
from petal.audit.models import AuditEvent
from petal.barriers.models import Attendance, Status
from petal.barriers.selectors.pack import board_pack
from petal.barriers.tests.factories import (
    AgendaItemFactory,
    BarrierFactory,
    GovernanceMeetingFactory,
    GroupMemberFactory,
    MeTooFactory,
    SessionFactory,
    group,
)
from petal.barriers.tests.test_structure import decide
from petal.barriers.views.pack import pack_html
from petal.meetings.models import Action, ActionStatus, MeetingStatus
from petal.people.models import Alias, Story
from petal.people.tests.factories import EpisodeFactory, person_of

pytestmark = pytest.mark.django_db

# Everything personal the barrier reaches: none of it may appear in the pack.
PERSON = {
    "full_name": "Zebedee Quillfeather",
    "preferred_name": "Zebby",
    "pronouns": "xe/xem",
    "date_of_birth": dt.date(1979, 3, 14),
    "communication_needs": "Prefers large-print letters",
    "languages": "Tigrinya",
    "address": "17 Wisteria Crescent, Ely",
    "phone": "07700 900123",
    "safe_contact": "Only ring after six",
    "risk_notes": "Risk note marmalade",
    "health_notes": "Health note tangerine",
    "justice_notes": "Justice note persimmon",
}
STORY = "My sister Ottoline found me in the allotment shed"
NEED_NOTE = "Need note clementine"
ALIAS = "Zeb Featherquill"
RAISER = "Ophelia Raiserton"
ON_BEHALF = "Tobias Behalfson"
ME_TOO = "Perpetua Metooworth"
ME_TOO_EXAMPLE = "Seen by the metoo example kumquat"
MEMBER_WITH_LIVED_EXPERIENCE = "Lavinia Livedsharer"
RECORDER = "Reginald Recordsworth"
OWNER = "Horatio Ownerby"

FORBIDDEN = [
    *(str(v) for k, v in PERSON.items() if k != "date_of_birth"),
    "14 March 1979",
    "14/03/1979",
    "1979-03-14",
    "Mar 1979",
    "Quillfeather",
    "Zebedee",
    STORY,
    "Ottoline",
    NEED_NOTE,
    ALIAS,
    RAISER,
    "Raiserton",
    ON_BEHALF,
    ME_TOO,
    ME_TOO_EXAMPLE,
    MEMBER_WITH_LIVED_EXPERIENCE,
    RECORDER,
    OWNER,
]


def _named(make_user, name, role=Role.SERVICE_STAFF, **membership):
    user = make_user(role, **membership)
    user.full_name = name
    user.save()
    return user


@pytest.fixture
def board(make_user):
    """A Strategic Group meeting with a barrier linked to a person, raised by a champion for a
    trusted person, met by others too, with its whole history; the group's previous meeting
    with its actions; members (one with lived experience) and attendance."""
    raiser = _named(make_user, RAISER, Role.CHAMPION)
    trusted = _named(make_user, ON_BEHALF, Role.TRUSTED_PERSON)
    person = person_of(trusted, **PERSON)
    Story.objects.create(person=person, what_happened=STORY, what_matters=STORY)
    Alias.objects.create(person=person, name=ALIAS)
    EpisodeFactory(person=person, note=NEED_NOTE)
    recorder = _named(make_user, RECORDER, Role.PROGRAMME_TEAM)
    owner_org = OrganisationFactory(name="Peterborough Housing Options")
    owner = _named(make_user, OWNER, Role.SERVICE_STAFF, organisation=owner_org)
    loner = make_user()  # an owner with no organisation: shown as "a person in Petal"

    strategic = group("strategic-group")
    day0 = timezone.localdate() - dt.timedelta(days=90)
    barrier = BarrierFactory(
        summary="Housing forms need a fixed address",
        detail="The form cannot be submitted without a postcode.",
        effect="People sleeping rough wait weeks for a first appointment.",
        services="Housing options; day centres",
        how_often="every_time",
        raised_by=raiser,
        on_behalf_of=trusted,
        person=person,
        raised_at=timezone.make_aware(dt.datetime.combine(day0, dt.time(9))),
    )
    from petal.reference.models import AreaOfDisadvantage

    barrier.areas.set(AreaOfDisadvantage.objects.filter(code="homelessness"))
    me_too_user = _named(make_user, ME_TOO, Role.TRUSTED_PERSON)
    MeTooFactory(barrier=barrier, user=me_too_user, example=ME_TOO_EXAMPLE)
    barrier.me_too_count = 4
    barrier.save()

    session = SessionFactory(starts_at=timezone.now() - dt.timedelta(days=60))
    resolve = decide(
        barrier,
        session,
        "resolve",
        voice_kind="supporter",
        voice_said="In their words: the form made me feel I did not exist",
        on=day0 + dt.timedelta(days=5),
    )
    resolve.action = Action.objects.create(
        programme_area=session.programme_area,
        meeting=session,
        description="Change the form",
        owner_user=owner,
        due_on=day0 + dt.timedelta(days=30),
    )
    resolve.recorded_by = recorder
    resolve.save()
    decide(
        barrier,
        session,
        "escalate",
        voice_kind="not_heard",
        voice_said="No one with lived experience could come to the session",
        on=day0 + dt.timedelta(days=40),
    )
    tactical_meeting = GovernanceMeetingFactory(
        group=group("tactical-group"), starts_at=timezone.now() - dt.timedelta(days=30)
    )
    decide(
        barrier,
        tactical_meeting,
        "escalate",
        voice_kind="member",
        voice_said="A member said the council's own policy allows a care-of address",
        on=day0 + dt.timedelta(days=60),
    )
    assert barrier.group == strategic

    previous = GovernanceMeetingFactory(
        group=strategic, starts_at=timezone.now() - dt.timedelta(days=40)
    )
    older = GovernanceMeetingFactory(
        group=strategic, starts_at=timezone.now() - dt.timedelta(days=120)
    )
    Action.objects.create(
        programme_area=older.programme_area,
        meeting=older,
        description="An action from an older meeting",
        owner_organisation=owner_org,
        due_on=timezone.localdate(),
    )
    Action.objects.create(
        programme_area=previous.programme_area,
        meeting=previous,
        description="Ask the council to accept a care-of address",
        owner_user=owner,
        due_on=timezone.localdate() - dt.timedelta(days=3),
        status=ActionStatus.IN_PROGRESS,
    )
    Action.objects.create(
        programme_area=previous.programme_area,
        meeting=previous,
        description="Report back on day-centre addresses",
        owner_user=loner,
        due_on=timezone.localdate() + dt.timedelta(days=3),
        status=ActionStatus.DONE,
    )
    meeting = GovernanceMeetingFactory(
        group=strategic,
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Shire Hall",
        status=MeetingStatus.DRAFT,
    )
    AgendaItemFactory(meeting=meeting, title="Welcome and apologies", notes="Chair", order=1)
    AgendaItemFactory(meeting=meeting, barrier=barrier, title="", order=2)
    lived = GroupMemberFactory(
        group=strategic, name=MEMBER_WITH_LIVED_EXPERIENCE, lived_experience=True
    )
    other = GroupMemberFactory(group=strategic, name="Another Member")
    Attendance.objects.create(meeting=previous, member=lived, attended=True)
    Attendance.objects.create(meeting=previous, member=other, attended=False)
    return {"meeting": meeting, "barrier": barrier, "previous": previous, "person": person}


@pytest.fixture
def reader(make_user):
    return make_user(Role.TRUSTED_PERSON)


def _text(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text).replace("&#x27;", "'").replace("&amp;", "&")


def _pdf_text(tmp_path, pdf: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: install Debian's poppler-utils (scripts/test does)"
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    # -raw keeps WeasyPrint's order, so the lines of one table cell stay together.
    out = subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
        [tool, "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    # A line that ends in a hyphen ("care-" / "of") joins up again.
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", out))


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in FORBIDDEN if word.lower() in lowered]


def test_the_html_of_the_pack_holds_no_personal_details(board, reader):
    html = pack_html(board_pack(reader, board["meeting"].pk))
    assert _leaks(html) == []
    assert _leaks(_text(html)) == []
    # Not even the person's record number.
    assert f"/people/{board['person'].pk}" not in html


def test_the_pdf_holds_no_personal_details_and_is_audited(client, board, reader, tmp_path):
    client.force_login(reader)
    response = client.get(f"/governance/meetings/{board['meeting'].pk}/pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localtime(board["meeting"].starts_at).date()
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="board-pack-strategic-group-{day:%Y-%m-%d}.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(tmp_path, response.content)
    assert "Strategic Group" in text and "Housing forms need a fixed address" in text
    assert _leaks(text) == []
    event = AuditEvent.objects.get(action="governance.pack_downloaded")
    assert event.actor_id == reader.pk and event.object_id == str(board["meeting"].pk)
    assert event.data["barriers"] == [board["barrier"].pk]


def test_the_pack_has_the_agenda_history_voices_figures_and_previous_actions(
    client, board, reader, tmp_path
):
    pack = board_pack(reader, board["meeting"].pk)
    html = _text(pack_html(pack))
    client.force_login(reader)
    pdf = _pdf_text(
        tmp_path, client.get(f"/governance/meetings/{board['meeting'].pk}/pack.pdf").content
    )
    for text in (html, pdf):
        # Cover and agenda.
        assert "Board pack" in text and "Shire Hall" in text
        assert text.index("Welcome and apologies") < text.index("For decision, B-")
        # The barrier for decision, with what gets in the way, its effect and how widespread.
        assert "The form cannot be submitted without a postcode." in text
        assert "People sleeping rough wait weeks for a first appointment." in text
        assert "Housing options; day centres" in text and "Every time" in text
        assert "Homelessness" in text
        # The whole history, in order, with the voice heard or why not.
        first = text.index("the form made me feel I did not exist")
        second = text.index("Not heard, because No one with lived experience could come")
        third = text.index("the council's own policy allows a care-of address")
        assert first < second < third
        # What was done, in plain words.
        assert "Resolved here" in text and "Escalated to the Tactical Group" in text
        assert "Escalated to the Strategic Group" in text
        assert "Resolve it here" not in text and "Escalate it to the next level" not in text
        # A resolution owned by a user shows their organisation, never their name.
        assert "Owner: Peterborough Housing Options" in text
        # The previous meeting's actions with their status; not an older meeting's.
        assert "Ask the council to accept a care-of address" in text
        assert "Report back on day-centre addresses" in text
        assert "In progress (overdue)" in text and "Done" in text
        # A user-owned action whose owner has no organisation: never named, nor called a
        # member of a group they may not belong to.
        assert "A person in Petal" in text and "A member of the group" not in text
        assert "An action from an older meeting" not in text
        # Figures.
        assert "Barriers at each level now" in text and "Meetings in" in text
    assert re.search(r"others who met it too 4", html, re.IGNORECASE)
    assert [d.sequence for d in pack.barriers[0].history] == [1, 2, 3]
    # Figures for the meeting's year (the history may straddle a new year).
    year = timezone.localtime(board["meeting"].starts_at).year
    decided = [d for d in board["barrier"].decisions.all() if d.decided_on.year == year]
    assert pack.figures.year == year
    assert pack.figures.heard == sum(1 for d in decided if d.voice_kind != "not_heard")
    assert pack.figures.not_heard == sum(1 for d in decided if d.voice_kind == "not_heard")
    strategic = next(g for g in pack.figures.groups if g.name == "Strategic Group")
    if timezone.localtime(board["previous"].starts_at).year == year:
        assert (strategic.held, strategic.attendance_rate) == (2, 50)


def test_the_figures_count_barriers_by_level_and_status(board, reader):
    BarrierFactory(group=group("public-service-board"), status=Status.CLOSED)
    BarrierFactory.create_batch(2, group=group("tactical-group"))
    figures = board_pack(reader, board["meeting"].pk).figures
    rows = dict(figures.level_counts)
    statuses = [value for value, _ in figures.statuses]
    assert rows["Tactical Group"][statuses.index("open")] == 2
    assert rows["Strategic Group"][statuses.index("open")] == 1
    assert rows["Cambridgeshire & Peterborough Public Service Board"][statuses.index("closed")] == 1
    assert figures.totals[statuses.index("open")] == 3


def test_the_first_meeting_of_a_group_has_no_previous_actions(client, make_user, tmp_path):
    meeting = GovernanceMeetingFactory(group=group("public-service-board"))
    pack = board_pack(make_user(Role.SERVICE_STAFF), meeting.pk)
    assert pack.previous is None and pack.previous_actions == []
    assert "This is the group's first meeting in Petal." in _text(pack_html(pack))


def test_anyone_with_barriers_view_downloads_it_and_no_one_else(client, board, make_user):
    url = f"/governance/meetings/{board['meeting'].pk}/pack.pdf"
    assert client.get(url).status_code == 302
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    client.force_login(make_user(Role.SAFEGUARDING_LEAD))
    assert client.get(url).status_code == 200
    session = SessionFactory()
    assert client.get(f"/governance/meetings/{session.pk}/pack.pdf").status_code == 404
    assert client.get("/governance/meetings/99999/pack.pdf").status_code == 404
    assert AuditEvent.objects.filter(action="governance.pack_downloaded").count() == 1


# What the pack may read from the people tables: the linked person's names (to withhold them).
NAME_COLUMNS = {"id", "full_name", "preferred_name", "person_id", "name"}


def _people_queries(queries) -> list[str]:
    return [q["sql"].lower() for q in queries if "people_" in q["sql"].lower()]


def _columns(sql: str) -> set[str]:
    selected = sql[sql.index("select") + 6 : sql.index(" from ")]
    return {column.strip().split(".")[-1].strip('"` ') for column in selected.split(",")}


def test_the_pack_reads_barriers_field_by_field_never_the_linked_person(board, reader):
    # The pack is built from values: from the people tables it reads only the linked person's
    # names (to withhold them: one query for the people, one for their aliases, however many
    # barriers), and the number of queries does not grow with the barriers on the agenda.
    board_pack(reader, board["meeting"].pk)
    with CaptureQueriesContext(connection) as queries:
        board_pack(reader, board["meeting"].pk)
    people = _people_queries(queries)
    assert len(people) == 2
    person, alias = sorted(people, key=lambda sql: "people_alias" in sql)
    assert 'from "people_person"' in person.replace("`", '"') and "join" not in person
    assert 'from "people_alias"' in alias.replace("`", '"') and "join" not in alias
    for sql in people:
        assert _columns(sql) <= NAME_COLUMNS, sql
    sql = " ".join(q["sql"] for q in queries).lower()
    assert "people_story" not in sql and "date_of_birth" not in sql and "risk_notes" not in sql
    for barrier in BarrierFactory.create_batch(3, group=group("strategic-group")):
        AgendaItemFactory(meeting=board["meeting"], barrier=barrier, title="", order=9)
        decide(barrier, board["meeting"], "close")
    with CaptureQueriesContext(connection) as more:
        board_pack(reader, board["meeting"].pk)
    assert len(more) == len(queries) <= 32
    assert len(_people_queries(more)) == 2


@pytest.fixture
def zebedee(make_user):
    """Barriers linked to Zebedee Quint, decided above the operational level by runners who
    could not know his name: a voice heard at the Tactical Group names him, so do a reason,
    a reason for not hearing the voice, an action a resolution created and agenda notes."""
    trusted = make_user(Role.TRUSTED_PERSON)
    person = person_of(trusted, full_name="Zebedee Quint", preferred_name="")
    Alias.objects.create(person=person, name="Zed Quintus")
    tactical, strategic = group("tactical-group"), group("strategic-group")
    session = SessionFactory(starts_at=timezone.now() - dt.timedelta(days=40))
    tactical_meeting = GovernanceMeetingFactory(
        group=tactical, starts_at=timezone.now() - dt.timedelta(days=20)
    )
    previous = GovernanceMeetingFactory(
        group=strategic, starts_at=timezone.now() - dt.timedelta(days=10)
    )
    meeting = GovernanceMeetingFactory(
        group=strategic, starts_at=timezone.now() + dt.timedelta(days=7), status="draft"
    )
    letters = BarrierFactory(
        person=person,
        summary="Letters go to an old address",
        detail="As Zebedee found, letters go astray for months.",
        effect="Zed Quintus missed three appointments.",
    )
    decide(letters, session, "escalate", on=timezone.localdate() - dt.timedelta(days=40))
    escalate = decide(
        letters,
        tactical_meeting,
        "escalate",
        voice_said="Zebedee told us the letters never arrive",
        on=timezone.localdate() - dt.timedelta(days=20),
    )
    escalate.reason = "Quint's case shows the council must act"
    escalate.save()
    # Another barrier linked to him, closed at the Tactical Group with the voice not heard.
    forms = BarrierFactory(person=person, group=tactical, summary="Forms ask for a fixed address")
    decide(
        forms,
        tactical_meeting,
        "close",
        voice_kind="not_heard",
        voice_said="Zebedee was unwell and no one else could come",
        on=timezone.localdate() - dt.timedelta(days=20),
    )
    # A third, resolved at the Strategic Group's previous meeting: its action is in the pack.
    rent = BarrierFactory(person=person, group=strategic, summary="Rent arrears letters")
    resolve = decide(rent, previous, "resolve", on=timezone.localdate() - dt.timedelta(days=10))
    resolve.action = Action.objects.create(
        programme_area=previous.programme_area,
        meeting=previous,
        description=f"Resolve barrier {rent.reference}: write to Zebedee's landlord",
        owner_organisation=OrganisationFactory(),
        due_on=timezone.localdate() + dt.timedelta(days=5),
    )
    resolve.save()
    AgendaItemFactory(meeting=meeting, barrier=letters, title="", notes="Zebedee's case", order=1)
    return {
        "trusted": trusted,
        "meeting": meeting,
        "previous": previous,
        "tactical_meeting": tactical_meeting,
    }


def test_a_linked_persons_name_never_reaches_the_pack_or_governance_pages(
    client, zebedee, tmp_path
):
    # Even the person's own trusted person reads these without his name: above the
    # operational level it is never shown.
    client.force_login(zebedee["trusted"])
    meeting = zebedee["meeting"]
    html = pack_html(board_pack(zebedee["trusted"], meeting.pk))
    pdf = _pdf_text(tmp_path, client.get(f"/governance/meetings/{meeting.pk}/pack.pdf").content)
    pages = {
        "pack": _text(html),
        "pdf": pdf,
        "tactical meeting": _text(
            client.get(f"/governance/meetings/{zebedee['tactical_meeting'].pk}").content.decode()
        ),
        "strategic meeting": _text(
            client.get(f"/governance/meetings/{meeting.pk}").content.decode()
        ),
        "previous meeting": _text(
            client.get(f"/governance/meetings/{zebedee['previous'].pk}").content.decode()
        ),
        "report": _text(client.get("/governance/report").content.decode()),
    }
    for where, text in pages.items():
        for word in ("Zebedee", "Quint", "Zed", "Quintus"):
            assert word.lower() not in text.lower(), (where, word)
    # Withheld, not dropped: the rest of the text is still there.
    assert "[name withheld] told us the letters never arrive" in pages["pack"]
    assert "[name withheld] told us the letters never arrive" in pages["pdf"]
    assert "As [name withheld] found" in pages["pack"]
    assert "[name withheld] [name withheld] missed three appointments" in pages["pack"]
    assert "[name withheld]'s case shows the council must act" in pages["pack"]
    assert "write to [name withheld]'s landlord" in pages["pack"]
    assert "[name withheld]'s case" in pages["strategic meeting"]
    assert "[name withheld] told us the letters never arrive" in pages["tactical meeting"]
    assert "Not heard, because [name withheld] was unwell" in pages["tactical meeting"]
    assert "write to [name withheld]'s landlord" in pages["previous meeting"]
    assert "[name withheld] was unwell and no one else could come" in pages["report"]
