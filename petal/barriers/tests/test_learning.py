"""Shared learning: whoever runs a barrier's group writes the learning it becomes (what the
problem was, what changed, who to contact), which marks it resolved and tells those who raised
or met it; the text never names anyone on the writer's caseload or the person the barrier
links to when the writer may see them (and a writer who may not see them learns nothing from
a refusal); only the programme team publishes it on "You said, we did", having confirmed it
names no one; pages showing it withhold the linked person's names whatever it says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petal.access.categories import Category
from petal.access.roles import Role
from petal.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from petal.audit.models import AuditEvent
from petal.barriers.models import LearningEntry, Status
from petal.barriers.redaction import WITHHELD
from petal.barriers.services.barriers import NAMED
from petal.barriers.services.decisions import decision_record
from petal.barriers.services.learning import (
    RESOLVED_MESSAGE,
    RESOLVED_SUBJECT,
    learning_link,
    learning_publish,
    learning_write,
)
from petal.barriers.tests.factories import (
    BarrierFactory,
    LearningEntryFactory,
    MeTooFactory,
    SessionFactory,
    group,
)
from petal.consent.models import bits_for
from petal.consent.tests.factories import ConsentFactory
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.people.tests.factories import PersonFactory, person_of
from petal.reference.models import AreaOfDisadvantage, GovernanceLevel, Partnership

pytestmark = pytest.mark.django_db

SUPPORTED = "Jordan Blakewell"
LINKED = "Quillon Marchbanks"

TEXT = {
    "title": "Housing applications without a fixed address",
    "problem": "Housing forms asked for a fixed address that people sleeping rough do not have.",
    "change": "The council now accepts a day centre's address on housing forms.",
    "contact": "Housing Options team, Cambridge City Council",
    "areas": ["homelessness"],
}


def actions(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def write(actor, barrier, **changes):
    return learning_write(actor=actor, barrier_id=barrier.pk, **{**TEXT, **changes})


@pytest.fixture
def coordinator(make_user):
    """Runs the Cambridgeshire partnership's group, where the factory's barriers start."""
    return make_user(Role.PARTNERSHIP_COORDINATOR)


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


@pytest.fixture
def barrier(db):
    return BarrierFactory(status=Status.BEING_RESOLVED)


def url(barrier):
    return reverse("barriers:learning-write", args=[barrier.pk])


# --- writing -------------------------------------------------------------------------------------


def test_writing_learning_marks_the_barrier_resolved_and_the_entry_unpublished(
    coordinator, barrier
):
    before = timezone.now()
    entry = write(coordinator, barrier)
    barrier.refresh_from_db()
    assert barrier.status == Status.RESOLVED
    assert barrier.resolved_at >= before
    assert entry.barrier_id == barrier.pk
    assert entry.published_at is None
    assert entry.created_by == coordinator
    assert [a.code for a in entry.areas.all()] == ["homelessness"]
    event = actions("barrier.learning_written")
    assert len(event) == 1
    assert event[0].object_type == "barriers.barrier"
    assert event[0].object_id == str(barrier.pk)
    assert event[0].data["entry"] == entry.pk and event[0].data["new"] is True


def test_the_form_is_prefilled_from_the_barrier_and_saving_it_resolves_the_barrier(
    client, coordinator, barrier
):
    barrier.areas.set(AreaOfDisadvantage.objects.filter(code="mental-health"))
    client.force_login(coordinator)
    html = client.get(url(barrier)).content.decode()
    assert barrier.summary in html
    assert 'value="mental-health" checked' in html
    assert "Save the learning and mark the barrier resolved" in html
    response = client.post(url(barrier), TEXT)
    entry = LearningEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("barriers:learning-entry", args=[entry.pk])
    barrier.refresh_from_db()
    assert barrier.status == Status.RESOLVED


def test_a_barrier_the_group_decided_to_resolve_becomes_learning(coordinator):
    barrier = BarrierFactory(level_since=timezone.now() - dt.timedelta(days=30))
    owner = OrganisationFactory(name="Housing team, Cambridgeshire test council")
    decision_record(
        actor=coordinator,
        barrier_id=barrier.pk,
        meeting_id=SessionFactory().pk,
        outcome="resolve",
        reason="The council will accept a day centre's address.",
        voice_kind="member",
        voice_said="It stops people getting on the housing register at all.",
        owner_organisation_id=owner.pk,
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    barrier.refresh_from_db()
    assert barrier.status == Status.BEING_RESOLVED
    write(coordinator, barrier)
    barrier.refresh_from_db()
    assert barrier.status == Status.RESOLVED
    assert barrier.learning.title == TEXT["title"]


def test_a_barrier_resolved_without_learning_can_still_get_it(coordinator):
    barrier = BarrierFactory(status=Status.RESOLVED, resolved_at=timezone.now())
    resolved_at = barrier.resolved_at
    write(coordinator, barrier)
    barrier.refresh_from_db()
    assert barrier.resolved_at == resolved_at
    assert LearningEntry.objects.filter(barrier=barrier).count() == 1


@pytest.mark.parametrize("status", [Status.OPEN, Status.CLOSED])
def test_a_barrier_not_being_resolved_cannot_become_learning(client, coordinator, status):
    barrier = BarrierFactory(status=status)
    with pytest.raises(ValidationFailed, match="being resolved"):
        write(coordinator, barrier)
    client.force_login(coordinator)
    html = client.get(url(barrier)).content.decode()
    assert 'id="not-ready"' in html and 'name="change"' not in html
    assert client.post(url(barrier), TEXT).status_code == 200
    assert not LearningEntry.objects.exists()
    barrier.refresh_from_db()
    assert barrier.status == status


def test_a_name_on_the_writers_caseload_is_refused_and_what_was_typed_is_kept(
    client, coordinator, barrier
):
    person_of(coordinator, full_name=SUPPORTED)
    with pytest.raises(ValidationFailed) as refused:
        write(coordinator, barrier, change="Jordan now has a named housing officer.")
    assert refused.value.field_errors == {"change": [NAMED]}
    client.force_login(coordinator)
    typed = {**TEXT, "contact": "Ask Blakewell at the council"}
    response = client.post(url(barrier), typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "never a named person" in html
    assert 'value="Ask Blakewell at the council"' in html
    assert not LearningEntry.objects.exists()
    barrier.refresh_from_db()
    assert barrier.status == Status.BEING_RESOLVED
    assert not actions("barrier.learning_written")


def test_the_name_of_the_linked_person_is_refused_to_a_writer_who_may_see_them(coordinator):
    # Not on the coordinator's caseload: the person shared who they are with the partnership.
    person = PersonFactory(full_name=LINKED)
    ConsentFactory(
        person=person,
        grantee_partnership=Partnership.objects.get(slug="cambridgeshire"),
        category_bits=bits_for([Category.IDENTITY]),
    )
    barrier = BarrierFactory(status=Status.BEING_RESOLVED, person=person)
    with pytest.raises(ValidationFailed) as refused:
        write(coordinator, barrier, title="What happened to Quillon")
    assert refused.value.field_errors == {"title": [NAMED]}
    assert LINKED not in str(refused.value.field_errors)
    assert not LearningEntry.objects.exists()


@pytest.fixture
def strategic(make_user):
    return make_user(
        Role.GOVERNANCE_MEMBER, governance_level=GovernanceLevel.objects.get(slug="strategic-group")
    )


def test_a_writer_who_may_not_see_the_linked_person_cannot_guess_their_name_from_refusals(
    client, strategic, programme
):
    """The Strategic Group writes the learning of a barrier that climbed from a partnership; it
    may not see who the barrier links to. Refusing their name would confirm it word by word, so
    it is not looked for: the programme team's check before publishing, and withholding on
    every page, keep it from being shown."""
    barrier = BarrierFactory(
        status=Status.BEING_RESOLVED,
        group=group("strategic-group"),
        person=PersonFactory(full_name=LINKED, preferred_name="Quill"),
    )
    # Their own caseload is still checked.
    person_of(strategic, full_name=SUPPORTED)
    with pytest.raises(ValidationFailed) as refused:
        write(strategic, barrier, problem="Blakewell was turned away.")
    assert refused.value.field_errors == {"problem": [NAMED]}
    for guess in ("Quillon", "Marchbanks", "Quill"):
        entry = write(strategic, barrier, change=f"{guess} now gets letters on time.")
        assert entry.change == f"{guess} now gets letters on time."  # kept as typed
    # The page every reader of barriers sees withholds it.
    client.force_login(strategic)
    html = client.get(reverse("barriers:learning-entry", args=[entry.pk])).content.decode()
    assert "Quill" not in html and f"{WITHHELD} now gets letters on time." in html
    # Publishing looks for it again and refuses.
    with pytest.raises(ValidationFailed, match="appears to name"):
        learning_publish(actor=programme, entry_id=entry.pk, confirmed=True)


def test_the_form_withholds_the_linked_persons_names_from_what_it_fills_in(client, strategic):
    barrier = BarrierFactory(
        status=Status.BEING_RESOLVED,
        group=group("strategic-group"),
        person=PersonFactory(full_name=LINKED),
        summary="Quillon cannot get a GP",
    )
    client.force_login(strategic)
    html = client.get(url(barrier)).content.decode()
    assert "Quillon" not in html
    assert f"{WITHHELD} cannot get a GP" in html
    LearningEntryFactory(barrier=barrier, change="Marchbanks is registered now.")
    html = client.get(url(barrier)).content.decode()
    assert "Quillon" not in html and "Marchbanks" not in html
    assert f"{WITHHELD} is registered now." in html


def test_the_internal_list_and_the_network_withhold_the_linked_persons_names(client, make_user):
    barrier = BarrierFactory(status=Status.RESOLVED, person=PersonFactory(full_name=LINKED))
    entry = LearningEntryFactory(barrier=barrier, title="Letters for Marchbanks arrive on time")
    champion = make_user(Role.CHAMPION)
    client.force_login(champion)
    html = client.get(reverse("barriers:learning-list")).content.decode()
    assert "Marchbanks" not in html and f"Letters for {WITHHELD} arrive on time" in html
    from petal.champions.services.network import question_ask

    question = question_ask(actor=champion, title="Does this work in Fenland?", body="Any news?")
    learning_link(actor=champion, entry_id=entry.pk, question_id=question.pk)
    html = client.get(reverse("network:question", args=[question.pk])).content.decode()
    assert entry.reference in html or reverse("barriers:learning-entry", args=[entry.pk]) in html
    assert "Marchbanks" not in html
    html = client.get(reverse("network:ask"), {"learning": entry.pk}).content.decode()
    assert "Marchbanks" not in html and f"Letters for {WITHHELD}" in html


def test_only_whoever_runs_the_barriers_group_writes_its_learning(
    client, make_user, programme, barrier
):
    peterborough = MembershipFactory(
        role=Role.PARTNERSHIP_COORDINATOR,
        partnership=Partnership.objects.get(slug="peterborough"),
    ).user
    tactical = make_user(Role.GOVERNANCE_MEMBER)
    for outsider in (peterborough, tactical):
        with pytest.raises(Forbidden):
            write(outsider, barrier)
        client.force_login(outsider)
        assert client.get(url(barrier)).status_code == 403
        assert client.post(url(barrier), TEXT).status_code == 403
    client.force_login(make_user(Role.TRUSTED_PERSON))
    assert client.get(url(barrier)).status_code == 403
    assert not LearningEntry.objects.exists()
    write(programme, barrier)
    assert LearningEntry.objects.count() == 1


def test_a_missing_barrier_is_not_found(client, coordinator, programme):
    for missing in (999999, "²", "1" * 20, "nope", None):
        with pytest.raises(NotFound):
            learning_write(actor=coordinator, barrier_id=missing, **TEXT)
        with pytest.raises(NotFound):
            learning_publish(actor=programme, entry_id=missing)
    client.force_login(coordinator)
    assert client.get("/barriers/999999/learning").status_code == 404


def test_bad_input_is_refused_on_the_form_never_a_500(client, coordinator, barrier):
    client.force_login(coordinator)
    response = client.post(
        url(barrier), {"title": "", "problem": "Kept problem", "change": "", "areas": ["nope"]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a title" in html and "Enter what changed" in html
    assert "Enter who to contact" in html
    assert "Kept problem" in html
    for odd in (["nope"], ["home\x00lessness"], ["²"]):
        with pytest.raises(ValidationFailed) as refused:
            write(coordinator, barrier, areas=odd)
        assert "areas" in refused.value.field_errors
    with pytest.raises(ValidationFailed) as refused:
        write(coordinator, barrier, contact="x" * 301)
    assert "contact" in refused.value.field_errors
    assert not LearningEntry.objects.exists()


def test_changing_learning_keeps_one_entry_and_takes_it_off_the_public_page(
    client, coordinator, programme, barrier
):
    entry = write(coordinator, barrier)
    learning_publish(actor=programme, entry_id=entry.pk, confirmed=True)
    client.force_login(coordinator)
    html = client.get(url(barrier)).content.decode()
    assert TEXT["change"].replace("'", "&#x27;") in html
    assert "takes it off the public page" in html
    changed = write(coordinator, barrier, change="Every council in the area now does this.")
    assert changed.pk == entry.pk
    assert LearningEntry.objects.count() == 1
    changed.refresh_from_db()
    assert changed.published_at is None
    assert changed.change == "Every council in the area now does this."
    taken_off = actions("learning.unpublished")
    assert [(e.object_id, e.data) for e in taken_off] == [(str(entry.pk), {"why": "changed"})]
    assert actions("barrier.learning_written")[-1].data == {
        "entry": entry.pk,
        "new": False,
        "unpublished": True,
        "areas": ["homelessness"],
    }


# --- publishing ----------------------------------------------------------------------------------


def test_only_the_programme_team_publishes_and_takes_off(client, coordinator, programme, barrier):
    entry = write(coordinator, barrier)
    publish = reverse("barriers:learning-publish", args=[entry.pk])
    client.force_login(coordinator)
    assert client.post(publish, {"publish": "yes", "confirm": "on"}).status_code == 403
    with pytest.raises(Forbidden):
        learning_publish(actor=coordinator, entry_id=entry.pk, confirmed=True)
    entry.refresh_from_db()
    assert entry.published_at is None
    # Not on the coordinator's page either.
    assert (
        "Publish on You said, we did"
        not in client.get(reverse("barriers:learning-entry", args=[entry.pk])).content.decode()
    )

    client.force_login(programme)
    page = client.get(reverse("barriers:learning-entry", args=[entry.pk])).content.decode()
    assert "Publish on You said, we did" in page
    response = client.post(publish, {"publish": "yes"})
    assert response.status_code == 200
    assert "Confirm you have checked" in response.content.decode()
    entry.refresh_from_db()
    assert entry.published_at is None
    assert client.post(publish, {"publish": "yes", "confirm": "on"}).status_code == 302
    entry.refresh_from_db()
    assert entry.published_at is not None
    assert [e.object_id for e in actions("learning.published")] == [str(entry.pk)]
    page = client.get(reverse("barriers:learning-entry", args=[entry.pk])).content.decode()
    assert "Take off You said, we did" in page
    assert client.post(publish, {"publish": "no"}).status_code == 302
    entry.refresh_from_db()
    assert entry.published_at is None
    assert [e.object_id for e in actions("learning.unpublished")] == [str(entry.pk)]


def test_publishing_twice_changes_nothing_and_bad_input_is_not_a_500(client, programme):
    entry = LearningEntryFactory()
    learning_publish(actor=programme, entry_id=entry.pk, confirmed=True)
    learning_publish(actor=programme, entry_id=entry.pk, confirmed=True)
    assert len(actions("learning.published")) == 1
    client.force_login(programme)
    publish = reverse("barriers:learning-publish", args=[entry.pk])
    assert client.post(publish, {"publish": "perhaps"}).status_code == 200
    assert client.get(publish).status_code == 405
    assert client.post("/barriers/learning/999999/publish", {"publish": "yes"}).status_code == 404


def test_publishing_refuses_learning_that_names_the_linked_person(programme):
    barrier = BarrierFactory(status=Status.RESOLVED, person=PersonFactory(full_name=LINKED))
    entry = LearningEntryFactory(barrier=barrier, change="Marchbanks now gets letters.")
    with pytest.raises(ValidationFailed, match="appears to name"):
        learning_publish(actor=programme, entry_id=entry.pk, confirmed=True)
    entry.refresh_from_db()
    assert entry.published_at is None


# --- the list and the entry page -----------------------------------------------------------------


def test_the_list_shows_every_entry_marks_the_unpublished_and_searches(
    client, make_user, programme
):
    published = LearningEntryFactory(title="Day centre addresses accepted")
    learning_publish(actor=programme, entry_id=published.pk, confirmed=True)
    hidden = LearningEntryFactory(title="Benefit letters by text", change="Texts now go out.")
    client.force_login(make_user(Role.TRUSTED_PERSON))
    html = client.get(reverse("barriers:learning-list")).content.decode()
    assert published.title in html and hidden.title in html
    assert html.count("Not published") == 1
    found = client.get(reverse("barriers:learning-list"), {"q": "texts"}).content.decode()
    assert hidden.title in found and published.title not in found
    for odd in ['"', "%", "_", "x" * 300, "東京"]:
        assert client.get(reverse("barriers:learning-list"), {"q": odd}).status_code == 200


def test_the_entry_page_links_the_barrier_and_the_network(client, make_user, coordinator, barrier):
    entry = write(coordinator, barrier)
    client.force_login(make_user(Role.CHAMPION))
    html = client.get(reverse("barriers:learning-entry", args=[entry.pk])).content.decode()
    assert reverse("barriers:barrier", args=[barrier.pk]) in html
    assert barrier.reference in html
    assert f"{reverse('network:ask')}?learning={entry.pk}" in html
    assert "Ask about this in the Champion Network" in html
    assert "Change this learning" not in html
    assert "Publish on You said, we did" not in html
    client.force_login(coordinator)
    html = client.get(reverse("barriers:learning-entry", args=[entry.pk])).content.decode()
    assert "Change this learning" in html
    assert client.get(reverse("barriers:learning-entry", args=[999999])).status_code == 404


def test_the_list_does_not_query_per_row(client, make_user):
    areas = list(AreaOfDisadvantage.objects.all()[:2])

    def add(n):
        for _ in range(n):
            entry = LearningEntryFactory(barrier=BarrierFactory(status=Status.RESOLVED))
            entry.areas.set(areas)

    def counted():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("barriers:learning-list")).status_code == 200
        return len(queries)

    client.force_login(make_user(Role.CHAMPION))
    add(2)
    counted()  # warm up
    few = counted()
    add(10)
    assert counted() == few


# --- telling those who raised or met it ----------------------------------------------------------


def _write_on_commit(actor, barrier, **changes):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return write(actor, barrier, **changes)


def test_resolving_tells_the_raiser_the_trusted_person_and_every_me_too_once(
    coordinator, mailoutbox
):
    raiser = UserFactory(email="raiser@example.org")
    for_whom = UserFactory(email="for-whom@example.org")
    met = UserFactory(email="met@example.org")
    left = UserFactory(email="left@example.org", is_active=False)
    barrier = BarrierFactory(status=Status.BEING_RESOLVED, raised_by=raiser, on_behalf_of=for_whom)
    # The trusted person met it too (told once); one who left is not told; nor the writer.
    for user in (met, for_whom, left, coordinator):
        MeTooFactory(barrier=barrier, user=user)
    _write_on_commit(coordinator, barrier)
    sent = sorted(address for m in mailoutbox for address in m.to)
    assert sent == ["for-whom@example.org", "met@example.org", "raiser@example.org"]
    for message in mailoutbox:
        assert RESOLVED_SUBJECT in message.subject
        assert barrier.reference in message.subject + message.body
        assert RESOLVED_MESSAGE in message.body
        assert reverse("barriers:barrier", args=[barrier.pk]) in message.body
        # Constant text: never what the learning or the barrier says.
        for text in (TEXT["title"], TEXT["problem"], TEXT["change"], barrier.summary):
            assert text not in message.body and text not in message.subject


def test_only_the_first_resolving_tells_and_a_refusal_tells_no_one(coordinator, mailoutbox):
    raiser = UserFactory(email="raiser@example.org")
    barrier = BarrierFactory(status=Status.BEING_RESOLVED, raised_by=raiser)
    person_of(coordinator, full_name=SUPPORTED)
    with pytest.raises(ValidationFailed), TestCase.captureOnCommitCallbacks(execute=True):
        write(coordinator, barrier, change="Jordan got a flat.")
    assert mailoutbox == []
    _write_on_commit(coordinator, barrier)
    assert [m.to for m in mailoutbox] == [["raiser@example.org"]]
    _write_on_commit(coordinator, barrier, change="Every council in the area now does this.")
    assert len(mailoutbox) == 1
    # Resolved earlier without learning: writing it now is no news.
    older = BarrierFactory(status=Status.RESOLVED, resolved_at=timezone.now(), raised_by=raiser)
    _write_on_commit(coordinator, older)
    assert len(mailoutbox) == 1


def test_nothing_is_sent_before_the_change_is_kept(
    coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    barrier = BarrierFactory(
        status=Status.BEING_RESOLVED, raised_by=UserFactory(email="raiser@example.org")
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        write(coordinator, barrier)
    assert mailoutbox == [] and len(callbacks) == 1
