"""Barriers: raised by anyone working in the system, about the system and never a named person;
linked to a person only with their consent, and shown only at the operational level to readers
who may see them (audited every time); "I have met this too"; merging; the list and "my
barriers" in a fixed number of queries."""

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
from petal.audit.models import AuditEvent
from petal.barriers.models import Barrier, MeToo, Status
from petal.barriers.selectors import barriers as selectors
from petal.barriers.services import barriers as services
from petal.barriers.services.decisions import decision_record
from petal.barriers.tests.factories import (
    BarrierFactory,
    GovernanceMeetingFactory,
    LearningEntryFactory,
    MeTooFactory,
    SessionFactory,
    group,
)
from petal.champions.models import Champion
from petal.champions.tests.factories import SupportConnectionFactory, champion_user
from petal.consent.models import bits_for
from petal.consent.tests.factories import ConsentFactory
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.people.tests.factories import person_of
from petal.reference.models import GovernanceLevel, Partnership

pytestmark = pytest.mark.django_db

NAME = "Jordan Example"
NAMED = "A barrier is about the system, never a named person"


def level(slug: str) -> GovernanceLevel:
    return GovernanceLevel.objects.get(slug=slug)


@pytest.fixture
def world(make_user):
    """A trusted person and the person they support (who agreed to share who they are with the
    Cambridgeshire partnership); the partnership's coordinator; governance members at each
    level above; the programme team; a worker with no tie to the person; a Peterborough
    coordinator."""
    cambridgeshire = Partnership.objects.get(slug="cambridgeshire")
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp, full_name=NAME, preferred_name="Jo")
    consent = ConsentFactory(
        person=person,
        grantee_partnership=cambridgeshire,
        category_bits=bits_for([Category.IDENTITY]),
        recorded_by=tp,
    )
    return {
        "cambridgeshire": cambridgeshire,
        "tp": tp,
        "person": person,
        "consent": consent,
        "coordinator": make_user(Role.PARTNERSHIP_COORDINATOR, partnership=cambridgeshire),
        "peterborough": make_user(
            Role.PARTNERSHIP_COORDINATOR, partnership=Partnership.objects.get(slug="peterborough")
        ),
        "tactical": make_user(Role.GOVERNANCE_MEMBER),
        "strategic": make_user(Role.GOVERNANCE_MEMBER, governance_level=level("strategic-group")),
        "board": make_user(Role.GOVERNANCE_MEMBER, governance_level=level("public-service-board")),
        "programme": make_user(Role.PROGRAMME_TEAM),
        "worker": make_user(Role.SERVICE_STAFF),
        "other_worker": make_user(Role.SERVICE_STAFF),
    }


def raise_(world, actor=None, **changes):
    fields = {
        "summary": "Housing forms need a fixed address",
        "detail": "People sleeping rough cannot complete the application.",
        "effect": "Someone waited six weeks for a first appointment.",
        "services": "Housing Options",
        "areas": ["homelessness"],
        "how_often": "often",
        "partnership_id": world["cambridgeshire"].pk,
    }
    fields.update(changes)
    return services.barrier_raise(actor=actor or world["tp"], **fields)


def escalate(actor, barrier, meeting, reason="It needs a change of policy"):
    return decision_record(
        actor=actor,
        barrier_id=barrier.pk,
        meeting_id=meeting.pk,
        outcome="escalate",
        reason=reason,
        voice_kind="member",
        voice_said="A member with lived experience said the form stopped them twice.",
    )


def earlier_today() -> dt.datetime:
    """The start of today (local): a meeting held then may decide a barrier raised during the
    test (one held before the day a barrier reached its group may not)."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def session_today(**fields):
    """A Cambridgeshire problem-solving session held earlier today."""
    return SessionFactory(starts_at=earlier_today(), **fields)


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- raising -------------------------------------------------------------------------------------


def test_a_barrier_starts_with_its_partnership_waiting_for_a_decision_and_is_audited(world):
    barrier = raise_(world)
    assert barrier.group == group("partnership-cambridgeshire")
    assert barrier.status == Status.OPEN and barrier.partnership == world["cambridgeshire"]
    assert barrier.raised_by == world["tp"] and barrier.raised_as == "own_work"
    assert barrier.raised_by_organisation is not None
    assert [a.code for a in barrier.areas.all()] == ["homelessness"]
    assert barrier.reference == f"B-{barrier.pk:06d}"
    event = AuditEvent.objects.get(action="barrier.raised")
    assert (
        event.object_id == str(barrier.pk) and event.data["partnership"] == barrier.partnership_id
    )


def test_the_partnership_defaults_to_the_raisers_own_else_must_be_chosen(world):
    barrier = raise_(world, actor=world["peterborough"], partnership_id=None)
    assert barrier.partnership.slug == "peterborough"
    assert barrier.group == group("partnership-peterborough")
    with pytest.raises(ValidationFailed) as error:
        raise_(world, partnership_id=None)
    assert "partnership" in error.value.field_errors
    with pytest.raises(ValidationFailed) as error:
        raise_(world, partnership_id=99999)
    assert "partnership" in error.value.field_errors


@pytest.mark.parametrize("field", ["summary", "detail", "effect", "services"])
def test_text_naming_someone_on_the_raisers_caseload_is_refused(world, field):
    for text in (f"{NAME} was refused", "jo was refused", "EXAMPLE-led refusal"):
        with pytest.raises(ValidationFailed) as error:
            raise_(world, **{field: text})
        assert error.value.field_errors[field] == [services.NAMED]
    assert not Barrier.objects.exists()
    # A word that merely contains a name is not a name; another worker's caseload is not theirs.
    raise_(world, **{field: "Jobcentre forms are refused"})
    raise_(world, actor=world["worker"], **{field: f"{NAME} was refused"})


def test_the_page_refuses_a_name_and_keeps_what_was_typed(client, world):
    client.force_login(world["tp"])
    response = client.post(
        reverse("barriers:new"),
        {
            "summary": "Jordan cannot register with a GP",
            "detail": "Some very particular detail",
            "raised_as": "own_work",
            "partnership": str(world["cambridgeshire"].pk),
            "areas": ["mental-health"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert NAMED in html and "<title>Error:" in html
    assert "Jordan cannot register with a GP" in html and "Some very particular detail" in html
    assert 'value="mental-health" checked' in html
    assert not Barrier.objects.exists()


def test_the_page_asks_for_what_gets_in_the_way(client, world):
    client.force_login(world["worker"])
    response = client.post(reverse("barriers:new"), {"raised_as": "own_work", "detail": "Kept"})
    html = response.content.decode()
    assert "Enter what gets in the way" in html and "Choose a partnership" in html
    assert "Kept" in html


def test_raising_from_the_page_goes_to_the_barrier(client, world):
    client.force_login(world["coordinator"])
    html = client.get(reverse("barriers:new")).content.decode()
    # The partnership defaults to the coordinator's own; only champions raise for someone.
    assert f'value="{world["cambridgeshire"].pk}" selected' in html
    assert "for_trusted_person" not in html
    response = client.post(
        reverse("barriers:new"),
        {
            "summary": "Mental health services will not assess people still drinking",
            "raised_as": "for_person",
            "partnership": str(world["cambridgeshire"].pk),
            "how_often": "every_time",
            "areas": ["mental-health", "substance-misuse"],
        },
    )
    barrier = Barrier.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("barriers:barrier", args=[barrier.pk])
    assert barrier.raised_as == "for_person" and barrier.how_often == "every_time"
    html = page(client, world["worker"], response.url).content.decode()
    assert "for a person with lived experience, in their words" in html


def test_only_a_champion_raises_for_a_trusted_person_who_asked_them(client, world):
    champion = champion_user()
    asked = SupportConnectionFactory(
        requested_by=world["tp"], champion=Champion.objects.get(user=champion)
    ).requested_by
    with pytest.raises(ValidationFailed) as error:
        raise_(world, raised_as="for_trusted_person", on_behalf_of=world["tp"].pk)
    assert "raised_as" in error.value.field_errors  # a trusted person is no champion
    with pytest.raises(ValidationFailed) as error:
        raise_(world, actor=champion, raised_as="for_trusted_person", on_behalf_of=world["worker"])
    assert "on_behalf_of" in error.value.field_errors  # never asked them
    client.force_login(champion)
    html = client.get(reverse("barriers:new")).content.decode()
    assert "for_trusted_person" in html and asked.display_name in html
    response = client.post(
        reverse("barriers:new"),
        {
            "summary": "Probation letters go to addresses people have left",
            "raised_as": "for_trusted_person",
            "on_behalf_of": str(asked.pk),
            "partnership": str(world["cambridgeshire"].pk),
        },
    )
    assert response.status_code == 302
    barrier = Barrier.objects.get()
    assert barrier.on_behalf_of == asked and barrier.raised_as == "for_trusted_person"


# --- the person a barrier links to ---------------------------------------------------------------


def test_a_barrier_links_only_to_a_person_of_the_raiser_with_consent_to_the_partnership(
    world, make_user
):
    other_tp = make_user(Role.TRUSTED_PERSON)
    not_theirs = person_of(other_tp, full_name="Zebedee Quillfeather")
    with pytest.raises(ValidationFailed) as error:
        raise_(world, person_id=not_theirs.pk)
    assert error.value.field_errors["person"] == ["Choose someone you support, or no one"]
    with pytest.raises(ValidationFailed) as error:
        raise_(world, person_id=987654)
    assert error.value.field_errors["person"] == ["Choose someone you support, or no one"]
    peterborough = Partnership.objects.get(slug="peterborough")
    with pytest.raises(ValidationFailed) as error:
        raise_(world, person_id=world["person"].pk, partnership_id=peterborough.pk)
    assert "has not agreed to share who they are with the Peterborough" in str(
        error.value.field_errors["person"]
    )
    barrier = raise_(world, person_id=world["person"].pk)
    assert barrier.person == world["person"]


def test_the_raise_page_offers_only_consented_people_and_says_why_others_are_not(client, world):
    unshared = person_of(world["tp"], full_name="Umberto Pemberton")
    html = page(client, world["tp"], reverse("barriers:new")).content.decode()
    assert f'<option value="{world["person"].pk}">{NAME}' in html
    assert f'<option value="{unshared.pk}">Umberto' not in html
    assert "have not agreed to share who they are with any partnership" in html
    assert "Umberto Pemberton" in html
    # Someone else's people are never listed.
    html = page(client, world["worker"], reverse("barriers:new")).content.decode()
    assert NAME not in html and "Umberto" not in html


class _Reads:
    def __init__(self, person):
        self.person = person

    def count(self) -> int:
        events = AuditEvent.objects.filter(
            action="barrier.person_read", object_type="people.person", object_id=str(self.person.pk)
        )
        assert all(e.categories == ["identity"] for e in events)
        return events.count()


def _reads(person):
    return _Reads(person)


def test_the_linked_person_is_shown_at_the_operational_level_to_readers_who_may_see_them(
    client, world
):
    barrier = raise_(world, person_id=world["person"].pk)
    url = reverse("barriers:barrier", args=[barrier.pk])
    # Their trusted person, and the coordinator of the partnership they agreed to share with.
    for reader in (world["tp"], world["coordinator"]):
        before = _reads(world["person"]).count()
        html = page(client, reader, url).content.decode()
        assert NAME in html
        assert _reads(world["person"]).count() == before + 1
    # A reader without their identity sees the barrier but not who it links to.
    before = _reads(world["person"]).count()
    for reader in (world["worker"], world["tactical"], world["peterborough"]):
        html = page(client, reader, url).content.decode()
        assert "Housing forms need a fixed address" in html
        assert NAME not in html and "Jordan" not in html
    assert _reads(world["person"]).count() == before
    # Never in the list, nor where the caller will not show it (the API).
    html = page(client, world["tp"], reverse("barriers:list")).content.decode()
    assert "Housing forms need a fixed address" in html and NAME not in html
    assert _reads(world["person"]).count() == before


def test_the_linked_person_is_hidden_above_the_operational_level_and_when_consent_ends(
    client, world
):
    from petal.consent.models import WithdrawnHow
    from petal.consent.services import consent_withdraw

    barrier = raise_(world, person_id=world["person"].pk)
    url = reverse("barriers:barrier", args=[barrier.pk])
    consent_withdraw(
        actor=world["tp"],
        consent_id=world["consent"].pk,
        how=WithdrawnHow.VERBAL,
    )
    assert NAME not in page(client, world["coordinator"], url).content.decode()
    session = session_today()
    escalate(world["coordinator"], barrier, session)
    before = _reads(world["person"]).count()
    for reader in (world["tp"], world["tactical"], world["programme"]):
        html = page(client, reader, url).content.decode()
        assert NAME not in html
        assert selectors.barrier_get_for(reader, barrier.pk).person is None
    assert _reads(world["person"]).count() == before


# --- "I have met this too" -----------------------------------------------------------------------


def test_i_have_met_this_too_once_each_and_never_the_raiser(world):
    barrier = raise_(world)
    services.me_too_add(actor=world["worker"], barrier_id=barrier.pk, example="Same in Wisbech")
    services.me_too_add(actor=world["coordinator"], barrier_id=barrier.pk)
    barrier.refresh_from_db()
    assert barrier.me_too_count == 2
    with pytest.raises(ValidationFailed) as error:
        services.me_too_add(actor=world["worker"], barrier_id=barrier.pk)
    assert "already said" in error.value.message
    with pytest.raises(ValidationFailed) as error:
        services.me_too_add(actor=world["tp"], barrier_id=barrier.pk)
    assert "You raised this barrier" in error.value.message
    with pytest.raises(NotFound):
        services.me_too_add(actor=world["worker"], barrier_id=999999)
    assert AuditEvent.objects.filter(action="barrier.me_too").count() == 2
    barrier.refresh_from_db()
    assert barrier.me_too_count == 2


def test_a_me_too_example_naming_someone_they_support_is_refused_and_kept_on_the_page(
    client, world
):
    barrier = BarrierFactory(raised_by=world["worker"])
    client.force_login(world["tp"])
    response = client.post(
        reverse("barriers:me-too", args=[barrier.pk]), {"example": "Jo waited a month"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and NAMED in html and "Jo waited a month" in html
    assert "<title>Error:" in html
    assert not MeToo.objects.exists()
    response = client.post(
        reverse("barriers:me-too", args=[barrier.pk]), {"example": "Someone waited a month"}
    )
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "Met by 1 other" in html and "Someone waited a month" in html
    assert world["tp"].display_name in html and "You said you have met this too" in html


def test_the_me_too_form_is_offered_to_others_only(client, world):
    barrier = raise_(world)
    url = reverse("barriers:barrier", args=[barrier.pk])
    assert "I have met this too" in page(client, world["worker"], url).content.decode()
    html = page(client, world["tp"], url).content.decode()
    assert "I have met this too</button>" not in html and "You raised this barrier" in html


# --- merging -------------------------------------------------------------------------------------


def test_merging_moves_the_me_toos_and_the_raiser_to_the_other_barrier(world, make_user):
    keep = raise_(world, actor=world["worker"], summary="GP registration needs proof of address")
    merged = raise_(world, summary="GPs ask for an address", effect="Refused at two surgeries")
    both = make_user(Role.SERVICE_STAFF)
    only_merged = make_user(Role.SERVICE_STAFF)
    MeTooFactory(barrier=keep, user=both, example="Kept example")
    MeTooFactory(barrier=merged, user=both, example="Duplicate example")
    MeTooFactory(barrier=merged, user=only_merged, example="Moved example")
    MeTooFactory(barrier=merged, user=world["worker"], example="The target's own raiser")
    services._recount(keep, merged)

    done = services.barrier_merge(actor=world["coordinator"], barrier_id=merged.pk, into_id=keep.pk)

    assert done.pk == merged.pk and done.status == Status.MERGED and done.merged_into == keep
    assert done.merged_by == world["coordinator"] and done.merged_at is not None
    keep.refresh_from_db()
    examples = {m.user_id: m.example for m in keep.me_toos.all()}
    assert examples == {
        both.pk: "Kept example",
        only_merged.pk: "Moved example",
        world["tp"].pk: "Refused at two surgeries",
    }
    assert keep.me_too_count == 3
    merged.refresh_from_db()
    assert merged.me_too_count == merged.me_toos.count() == 2  # those already on the other
    assert AuditEvent.objects.get(action="barrier.merged").data["into"] == keep.pk
    # Merged barriers leave the list unless asked for, and say where they went.
    assert merged not in selectors.barrier_search(world["worker"])
    assert merged in selectors.barrier_search(world["worker"], status="merged")
    with pytest.raises(ValidationFailed):
        services.me_too_add(actor=world["other_worker"], barrier_id=merged.pk)
    with pytest.raises(ValidationFailed):
        services.barrier_merge(actor=world["coordinator"], barrier_id=merged.pk, into_id=keep.pk)


def test_only_whoever_runs_both_groups_merges(client, world):
    first, second = raise_(world), raise_(world, summary="Another")
    elsewhere = BarrierFactory(group=group("tactical-group"))
    for actor in (world["tactical"], world["peterborough"]):
        with pytest.raises(Forbidden):
            services.barrier_merge(actor=actor, barrier_id=first.pk, into_id=second.pk)
    with pytest.raises(Forbidden):
        services.barrier_merge(actor=world["worker"], barrier_id=first.pk, into_id=second.pk)
    with pytest.raises(ValidationFailed) as error:
        services.barrier_merge(
            actor=world["coordinator"], barrier_id=first.pk, into_id=elsewhere.pk
        )
    assert "group you run" in error.value.message
    with pytest.raises(ValidationFailed):
        services.barrier_merge(actor=world["coordinator"], barrier_id=first.pk, into_id=first.pk)
    with pytest.raises(ValidationFailed):
        services.barrier_merge(actor=world["coordinator"], barrier_id=first.pk, into_id=424242)
    assert (
        page(client, world["worker"], reverse("barriers:merge", args=[first.pk])).status_code == 403
    )
    assert (
        page(client, world["tactical"], reverse("barriers:merge", args=[first.pk])).status_code
        == 403
    )
    assert not Barrier.objects.filter(status=Status.MERGED).exists()


def test_the_merge_page_offers_the_groups_barriers_and_takes_a_reference(client, world):
    first, second = raise_(world), raise_(world, summary="The same thing, said differently")
    other = raise_(world, summary="Yet another")
    url = reverse("barriers:merge", args=[first.pk])
    html = page(client, world["coordinator"], url).content.decode()
    assert second.reference in html and other.reference in html
    assert f'value="{first.pk}"' not in html
    response = client.post(url, {"reference": "B-12x"})
    assert "Enter a reference like B-000123" in response.content.decode()
    response = client.post(url, {"reference": "B-999999"})
    assert "There is no barrier with that reference" in response.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"reference": second.reference})
    assert response.status_code == 302
    assert response.url == reverse("barriers:barrier", args=[second.pk])
    first.refresh_from_db()
    assert first.merged_into == second
    html = client.get(reverse("barriers:barrier", args=[first.pk])).content.decode()
    assert "Merged into <a" in html and second.reference in html
    assert "Record a decision" not in html


# --- the list ------------------------------------------------------------------------------------


def test_the_list_filters_by_words_level_status_area_and_partnership(client, world):
    housing = raise_(world, summary="Housing forms need a fixed address", areas=["homelessness"])
    gp = raise_(
        world,
        summary="GP registration",
        detail="Surgeries ask for ID",
        services="Primary care",
        areas=["mental-health"],
    )
    peterborough = raise_(
        world,
        summary="Probation letters",
        partnership_id=Partnership.objects.get(slug="peterborough").pk,
        areas=[],
    )
    escalate(world["coordinator"], gp, session_today())

    def found(**filters):
        return set(selectors.barrier_search(world["worker"], **filters))

    assert found() == {housing, gp, peterborough}
    assert found(q="surgeries") == {gp}
    assert found(q="primary care") == {gp}
    assert found(q="housing address") == {housing}
    assert found(q="address probation") == set()
    assert found(level="tactical-group") == {gp}
    assert found(level="operational-partnership") == {housing, peterborough}
    assert found(area="homelessness") == {housing}
    assert found(partnership="peterborough") == {peterborough}
    assert found(status="open", partnership="cambridgeshire") == {housing, gp}
    html = page(
        client, world["worker"], reverse("barriers:list") + "?q=surgeries&level=tactical-group"
    ).content.decode()
    assert "GP registration" in html and "Housing forms" not in html
    assert "1 barrier," in html and "Tactical Group" in html
    # Filters it does not understand are left out, not refused.
    response = page(client, world["worker"], reverse("barriers:list") + "?status=nonsense&page=x")
    assert response.status_code == 200


def test_the_list_shows_what_a_busy_worker_needs(client, world):
    barrier = raise_(world)
    MeTooFactory(barrier=barrier, user=world["worker"])
    services._recount(barrier)
    html = page(client, world["coordinator"], reverse("barriers:list")).content.decode()
    for text in (
        barrier.reference,
        "Housing forms need a fixed address",
        "Waiting for a decision",
        "Cambridgeshire operational partnership",
        "Homelessness",
        "Met often",
        "Met by 1 other",
        "Raise a barrier",
        reverse("barriers:mine"),
        reverse("governance:structure"),
    ):
        assert text in html, text


def test_the_list_takes_the_same_number_of_queries_for_five_or_twenty_five(client, world):
    client.force_login(world["worker"])
    url = reverse("barriers:list")

    def count():
        client.get(url)  # warm up: session, caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for _ in range(5):
        MeTooFactory(barrier=raise_(world), user=world["other_worker"])
    few = count()
    for n in range(20):
        raise_(world, areas=["homelessness", "mental-health"], summary=f"Barrier {n}")
    assert count() == few


def test_a_barrier_that_does_not_exist_is_404_everywhere(client, world):
    client.force_login(world["programme"])
    for name in ("barrier", "decide", "merge", "learning-write"):
        assert client.get(reverse(f"barriers:{name}", args=[424242])).status_code == 404, name
    assert client.post(reverse("barriers:me-too", args=[424242])).status_code == 404
    with pytest.raises(NotFound):
        selectors.barrier_get_for(world["programme"], 424242)
    with pytest.raises(NotFound):
        selectors.barrier_get_for(world["programme"], "x")


# --- my barriers ---------------------------------------------------------------------------------


def test_my_barriers_lists_those_raised_for_or_met_with_the_latest_decision(client, world):
    raised = raise_(world, summary="Raised by me")
    met = raise_(world, actor=world["worker"], summary="Met by me")
    MeTooFactory(barrier=met, user=world["tp"])
    raise_(world, actor=world["worker"], summary="Nothing to do with me")
    escalate(world["coordinator"], met, session_today())
    html = page(client, world["tp"], reverse("barriers:mine")).content.decode()
    assert "Raised by me" in html and "Met by me" in html
    assert "Nothing to do with me" not in html
    assert "You raised it" in html and "You met it too" in html
    assert "escalated it to the Tactical Group" in html and "No decision yet" in html
    assert raised.reference in html


def test_my_barriers_takes_the_same_number_of_queries_however_many(client, world):
    client.force_login(world["tp"])
    url = reverse("barriers:mine")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    session = session_today()
    escalate(world["coordinator"], raise_(world), session)
    few = count()
    for _ in range(8):
        escalate(world["coordinator"], raise_(world), session)
        met = raise_(world, actor=world["worker"])
        MeTooFactory(barrier=met, user=world["tp"])
    assert count() == few


def test_the_decide_and_merge_links_show_only_to_whoever_runs_the_group(client, world):
    barrier = raise_(world)
    url = reverse("barriers:barrier", args=[barrier.pk])
    for reader in (world["coordinator"], world["programme"]):
        html = page(client, reader, url).content.decode()
        assert "Record a decision" in html and "Merge into another barrier" in html
    for reader in (world["worker"], world["tactical"], world["peterborough"]):
        html = page(client, reader, url).content.decode()
        assert "Record a decision" not in html and "Merge into another barrier" not in html
    escalate(world["coordinator"], barrier, session_today())
    html = page(client, world["tactical"], url).content.decode()
    assert "Record a decision" in html
    assert "Record a decision" not in page(client, world["coordinator"], url).content.decode()


def test_a_barrier_being_resolved_offers_its_runners_the_learning(client, world):
    barrier = raise_(world)
    decision_record(
        actor=world["coordinator"],
        barrier_id=barrier.pk,
        meeting_id=session_today().pk,
        outcome="resolve",
        reason="The council will accept a day centre address",
        voice_kind="survey",
        voice_said="Eight of ten people said the address rule stopped them",
        owner_organisation_id=world["coordinator"].memberships.first().organisation_id,
        due_on=timezone.localdate(),
    )
    learning = reverse("barriers:learning-write", args=[barrier.pk])
    url = reverse("barriers:barrier", args=[barrier.pk])
    assert learning in page(client, world["coordinator"], url).content.decode()
    assert learning not in page(client, world["worker"], url).content.decode()


# --- the raise form's list of people -------------------------------------------------------------


def _listed(actor):
    return list(
        AuditEvent.objects.filter(action="people.listed", actor_id=actor.pk).order_by("sequence")
    )


def test_the_raise_page_audits_the_list_of_people_it_shows(client, world):
    unshared = person_of(world["tp"], full_name="Umberto Pemberton")
    page(client, world["tp"], reverse("barriers:new"))
    (event,) = _listed(world["tp"])
    assert event.object_type == "people.person" and event.categories == ["identity"]
    assert event.data == {"context": "barrier link", "people": [world["person"].pk, unshared.pk]}
    # Refused and shown again: listed again. Raised and gone to the barrier: nothing shown.
    form = {"summary": "", "raised_as": "own_work", "partnership": str(world["cambridgeshire"].pk)}
    assert client.post(reverse("barriers:new"), form).status_code == 200
    assert len(_listed(world["tp"])) == 2
    form["summary"] = "Housing forms need a fixed address"
    assert client.post(reverse("barriers:new"), form).status_code == 302
    assert len(_listed(world["tp"])) == 2
    # Someone with no one to list: no event.
    page(client, world["worker"], reverse("barriers:new"))
    assert _listed(world["worker"]) == []


# --- names withheld from readers who may not see the linked person -------------------------------


@pytest.fixture
def zebedee(world):
    """Someone the trusted person supports, who agreed to share who they are with the
    Cambridgeshire partnership."""
    person = person_of(world["tp"], full_name="Zebedee Quint")
    ConsentFactory(
        person=person,
        grantee_partnership=world["cambridgeshire"],
        category_bits=bits_for([Category.IDENTITY]),
        recorded_by=world["tp"],
    )
    return person


def test_the_linked_persons_name_is_withheld_from_readers_who_may_not_see_them(
    client, world, zebedee
):
    barrier = raise_(world, person_id=zebedee.pk)
    url = reverse("barriers:barrier", args=[barrier.pk])
    # Someone who may not see who it links to is not refused for writing the name.
    services.me_too_add(
        actor=world["worker"], barrier_id=barrier.pk, example="Quint was turned away too"
    )
    before = _reads(zebedee).count()
    html = page(client, world["worker"], url).content.decode()
    assert "[name withheld] was turned away too" in html and "Quint" not in html
    assert _reads(zebedee).count() == before  # reading the names to withhold them shows no one
    # Their trusted person sees who it links to, and the example as written.
    html = page(client, world["tp"], url).content.decode()
    assert "Zebedee Quint" in html and "Quint was turned away too" in html
    assert _reads(zebedee).count() == before + 1

    escalate(world["coordinator"], barrier, session_today())
    tactical = GovernanceMeetingFactory(group=group("tactical-group"), starts_at=earlier_today())
    decision_record(
        actor=world["tactical"],
        barrier_id=barrier.pk,
        meeting_id=tactical.pk,
        outcome="close",
        reason="The form changed after Quint complained",
        voice_kind="supporter",
        voice_said="Zebedee told us the form stopped him twice",
    )
    before = _reads(zebedee).count()
    for reader in (world["tactical"], world["tp"], world["programme"]):
        html = page(client, reader, url).content.decode()
        assert "[name withheld] told us the form stopped him twice" in html
        assert "The form changed after [name withheld] complained" in html
        assert "[name withheld] was turned away too" in html
        assert "Zebedee" not in html and "Quint" not in html
        assert "withheld" not in html.replace("[name withheld]", "")
    assert _reads(zebedee).count() == before


def test_every_text_of_the_barrier_page_withholds_the_name(client, world, zebedee):
    # Text written before a name was known to be one (an alias added later, say).
    barrier = BarrierFactory(
        group=group("tactical-group"),
        person=zebedee,
        summary="Zebedee cannot register with a GP",
        detail="Quint has no address",
        effect="ZEBEDEE waited six weeks",
        services="Quint's GP surgery",
        raised_by=world["coordinator"],
    )
    html = page(client, world["tactical"], reverse("barriers:barrier", args=[barrier.pk]))
    html = html.content.decode()
    for text in (
        f"<title>{barrier.reference}: [name withheld] cannot register with a GP –",
        "[name withheld] cannot register with a GP</h1>",
        "[name withheld] has no address",
        "[name withheld] waited six weeks",
        "[name withheld]&#x27;s GP surgery",
    ):
        assert text in html, text
    assert "Zebedee" not in html and "Quint" not in html and "ZEBEDEE" not in html
    assert selectors.barrier_get_for(world["tactical"], barrier.pk).person is None
    # Nothing is stored differently: only what the reader is shown.
    barrier.refresh_from_db()
    assert barrier.summary == "Zebedee cannot register with a GP"


# --- "I have met this too", only while it can still be decided -----------------------------------


@pytest.mark.parametrize("status", [Status.CLOSED, Status.RESOLVED])
def test_no_one_says_they_met_a_barrier_that_is_closed_or_resolved(client, world, status):
    barrier = BarrierFactory(status=status, raised_by=world["coordinator"])
    with pytest.raises(ValidationFailed) as error:
        services.me_too_add(actor=world["worker"], barrier_id=barrier.pk)
    assert "it no longer counts who else has met it" in error.value.field_errors["example"][0]
    html = page(client, world["worker"], reverse("barriers:barrier", args=[barrier.pk]))
    html = html.content.decode()
    assert "I have met this too</button>" not in html
    assert "so it no longer counts who else has met it" in html
    assert client.post(reverse("barriers:me-too", args=[barrier.pk])).status_code == 200
    assert not MeToo.objects.exists()


def test_a_merged_barrier_sends_whoever_met_it_to_the_other(client, world):
    target = BarrierFactory()
    barrier = BarrierFactory(status=Status.MERGED, merged_into=target)
    html = page(client, world["worker"], reverse("barriers:barrier", args=[barrier.pk]))
    html = html.content.decode()
    assert "I have met this too</button>" not in html
    assert "say so on <a" in html and target.reference in html


def test_the_trusted_person_a_barrier_was_raised_for_is_counted_already(client, world):
    champion = champion_user()
    SupportConnectionFactory(requested_by=world["tp"], champion=Champion.objects.get(user=champion))
    barrier = raise_(
        world, actor=champion, raised_as="for_trusted_person", on_behalf_of=world["tp"]
    )
    with pytest.raises(ValidationFailed) as error:
        services.me_too_add(actor=world["tp"], barrier_id=barrier.pk)
    assert error.value.field_errors["example"] == [
        "This barrier was raised for you, so it already counts you"
    ]
    html = page(client, world["tp"], reverse("barriers:barrier", args=[barrier.pk]))
    html = html.content.decode()
    assert "I have met this too</button>" not in html
    assert "A champion raised this barrier for you, so it counts you already" in html
    assert not MeToo.objects.exists()


# --- the learning a barrier became ---------------------------------------------------------------


def test_a_resolved_barrier_links_to_its_learning_for_every_reader(client, world):
    barrier = BarrierFactory(status=Status.RESOLVED, raised_by=world["coordinator"])
    url = reverse("barriers:barrier", args=[barrier.pk])
    assert 'id="learning"' not in page(client, world["worker"], url).content.decode()
    entry = LearningEntryFactory(barrier=barrier, title="Day centre addresses accepted")
    inside = reverse("barriers:learning-entry", args=[entry.pk])
    public = reverse("learning:entry", args=[entry.pk])
    for reader in (world["worker"], world["tactical"], world["tp"]):
        html = page(client, reader, url).content.decode()
        assert f'href="{inside}"' in html and "Day centre addresses accepted" in html
        assert public not in html
    entry.published_at = timezone.now()
    entry.save()
    html = page(client, world["worker"], url).content.decode()
    assert f'href="{public}"' in html and f'href="{inside}"' not in html
    # It comes with the barrier: no query of its own.
    client.get(url)
    with CaptureQueriesContext(connection) as with_learning:
        client.get(url)
    entry.barrier = None
    entry.save()
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    assert len(with_learning) == len(without)


# --- ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, 12),
        ("12", 12),
        (" 12 ", 12),
        ("000012", 12),
        ("²", None),
        ("١٢", None),
        ("1e3", None),
        ("-4", None),
        ("", None),
        (None, None),
        (True, None),
        ("9" * 10, None),
        (10**12, None),
        (12.0, None),
    ],
)
def test_parse_id_takes_only_what_can_be_an_id(value, expected):
    assert selectors.parse_id(value) == expected


@pytest.mark.parametrize("areas", [["²"], ["99999999999999999999"], [10**20], ["١"], [True]])
def test_areas_that_cannot_be_ids_are_refused_not_a_crash(world, areas):
    with pytest.raises(ValidationFailed) as error:
        raise_(world, areas=areas)
    assert error.value.field_errors == {"areas": ["Choose areas from the list"]}
    assert not Barrier.objects.exists()


def test_areas_are_taken_as_ids_or_codes(world):
    from petal.reference.models import AreaOfDisadvantage

    homelessness = AreaOfDisadvantage.objects.get(code="homelessness")
    barrier = raise_(world, areas=[str(homelessness.pk), "mental-health"])
    assert {a.code for a in barrier.areas.all()} == {"homelessness", "mental-health"}
