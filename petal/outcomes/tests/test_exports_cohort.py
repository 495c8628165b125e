"""The full cohort export: exactly the people in the multiple-disadvantage cohort on the day
whose needs the reader may see, each column only where the reader may read it — checked
against a plain Python reference built from the access rule person by person — read in chunks
with progress after each, and recorded as people.exported."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
from django.utils import timezone

from petal.access.categories import Category
from petal.access.people import person_access
from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.consent.models import bits_for
from petal.consent.tests.factories import BreakGlassFactory, ConsentFactory
from petal.outcomes.models import Assessment, AssessmentTool, ExportJob, ExportStatus
from petal.outcomes.selectors.exports import COHORT_HEADER
from petal.outcomes.services import exports as services
from petal.people.models import Person
from petal.people.tests.factories import EpisodeFactory, PersonFactory, RelationshipFactory
from petal.reference.models import AreaOfDisadvantage, District
from petal.reference.selectors import partnership_for_district

pytestmark = pytest.mark.django_db

D = dt.date
DAY = D(2026, 3, 1)
ALL = list(Category)


def _areas():
    return list(AreaOfDisadvantage.objects.order_by("order"))


def _ndt():
    return AssessmentTool.objects.get(slug="ndt")


def _assess(person, on, total):
    return Assessment.objects.create(
        programme_area=person.programme_area,
        person=person,
        tool=_ndt(),
        assessed_on=on,
        total=total,
    )


EARLIER = D(2025, 6, 1)


def _in_cohort(person, areas, count=3, starts=EARLIER):
    for area in areas[:count]:
        EpisodeFactory(person=person, area=area, starts_on=starts)


def _export(actor, day=DAY) -> tuple[ExportJob, list[list[str]]]:
    job = ExportJob.objects.create(
        requested_by=actor, kind="cohort-people", format="csv", params={"on": day.isoformat()}
    )
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    rows = list(csv.reader(io.StringIO(bytes(job.content).decode("utf-8"))))
    assert rows[0] == COHORT_HEADER
    return job, rows[1:]


def reference(actor, day) -> list[list[str]]:
    """The rows a reader should get, worked out person by person in Python."""
    rows = []
    areas = _areas()
    for person in Person.objects.order_by("pk"):
        access = person_access(actor, person)
        readable = access.categories
        if Category.NEEDS not in readable:
            continue
        covering = {
            e.area_id
            for e in person.episodes.all()
            if e.starts_on <= day and (e.ends_on is None or e.ends_on >= day)
        }
        if len(covering) < 3:
            continue
        abused = person.episodes.filter(area__code="domestic-abuse").exists()
        contact_by_consent = any(Category.CONTACT in c.categories for c in access.consents)
        listed_contact = (Category.CONTACT in readable and not abused) or contact_by_consent
        latest = (
            Assessment.objects.filter(person=person, tool=_ndt(), assessed_on__lte=day)
            .order_by("-assessed_on", "-id")
            .first()
        )
        ndt = Category.RISK in readable and latest is not None
        partnership = partnership_for_district(person.district, on=day) if person.district else None
        rows.append(
            [
                f"P-{person.pk:06d}",
                person.full_name if Category.IDENTITY in readable else "",
                person.district.name if listed_contact and person.district else "",
                partnership.name if listed_contact and partnership else "",
                "; ".join(a.name for a in areas if a.pk in covering),
                str(len(covering)),
                str(latest.total) if ndt else "",
                latest.assessed_on.isoformat() if ndt else "",
            ]
        )
    return rows


@pytest.fixture
def reader(make_user):
    return make_user(Role.TRUSTED_PERSON)


@pytest.fixture
def other(make_user):
    return make_user(Role.TRUSTED_PERSON)


def test_the_export_holds_the_readers_cohort_and_only_what_they_may_read(reader, other):
    areas = _areas()
    fenland = District.objects.get(code="fenland")
    abuse = AreaOfDisadvantage.objects.get(code="domestic-abuse")

    others = [a for a in areas if a != abuse]
    mine = PersonFactory(full_name="Alex Mine", district=fenland)
    RelationshipFactory(person=mine, trusted_person=reader)
    _in_cohort(mine, others, 4)
    _assess(mine, D(2025, 12, 1), 30)
    _assess(mine, D(2026, 2, 1), 24)
    _assess(mine, D(2026, 4, 1), 10)  # after the day: not the latest on the day

    two_areas = PersonFactory(full_name="Bo Twoareas")
    RelationshipFactory(person=two_areas, trusted_person=reader)
    _in_cohort(two_areas, areas, 2)

    abused = PersonFactory(full_name="Cam Safe")
    RelationshipFactory(person=abused, trusted_person=reader)
    EpisodeFactory(person=abused, area=abuse, starts_on=D(2025, 1, 1))
    _in_cohort(abused, [a for a in areas if a != abuse], 2)

    needs_only = PersonFactory(full_name="Dee Needsonly", district=fenland)
    RelationshipFactory(person=needs_only, trusted_person=other)
    _in_cohort(needs_only, areas, 3)
    _assess(needs_only, D(2026, 1, 1), 40)
    ConsentFactory(person=needs_only, grantee_user=reader, category_bits=bits_for(["needs"]))

    identity_only = PersonFactory(full_name="Eve Identityonly")
    RelationshipFactory(person=identity_only, trusted_person=other)
    _in_cohort(identity_only, areas, 5)
    ConsentFactory(person=identity_only, grantee_user=reader, category_bits=bits_for(["identity"]))

    not_shared = PersonFactory(full_name="Fin Notshared")
    RelationshipFactory(person=not_shared, trusted_person=other)
    _in_cohort(not_shared, areas, 5)

    job, rows = _export(reader)
    assert rows == reference(reader, DAY)
    by_record = {row[0]: row for row in rows}
    assert set(by_record) == {f"P-{p.pk:06d}" for p in (mine, abused, needs_only)}
    assert by_record[f"P-{mine.pk:06d}"][1:] == [
        "Alex Mine",
        "Fenland",
        partnership_for_district(fenland, on=DAY).name,
        "; ".join(a.name for a in others),
        "4",
        "24",
        "2026-02-01",
    ]
    # Someone experiencing domestic abuse: no district in a list, even for their trusted person.
    assert by_record[f"P-{abused.pk:06d}"][2:4] == ["", ""]
    # Needs only: no name, no district, no NDT (that needs risk too).
    assert by_record[f"P-{needs_only.pk:06d}"][1:4] == ["", "", ""]
    assert by_record[f"P-{needs_only.pk:06d}"][6:] == ["", ""]
    content = bytes(job.content).decode()
    for name in ("Dee Needsonly", "Eve Identityonly", "Fin Notshared", "Bo Twoareas"):
        assert name not in content

    event = AuditEvent.objects.get(action="people.exported")
    assert event.actor_id == reader.pk
    assert event.data["count"] == 3
    assert sorted(event.data["people"]) == sorted([mine.pk, abused.pk, needs_only.pk])
    assert event.data["export"] == str(job.pk)
    assert event.data["on"] == DAY.isoformat()
    assert set(event.categories) == {"identity", "needs", "contact", "risk"}
    assert AuditEvent.objects.filter(action="export.finished", object_id=str(job.pk)).exists()


def test_a_domestic_abuse_district_appears_with_consent_for_contact(reader, other):
    areas = _areas()
    abuse = AreaOfDisadvantage.objects.get(code="domestic-abuse")
    person = PersonFactory(full_name="Gil Consented")
    RelationshipFactory(person=person, trusted_person=other)
    EpisodeFactory(person=person, area=abuse, starts_on=D(2025, 1, 1))
    _in_cohort(person, [a for a in areas if a != abuse], 2)
    ConsentFactory(
        person=person,
        grantee_user=reader,
        category_bits=bits_for(["identity", "needs", "contact"]),
    )
    _, rows = _export(reader)
    assert rows == reference(reader, DAY)
    assert rows[0][2] == person.district.name


def test_the_day_decides_who_is_in_the_cohort(reader):
    areas = _areas()
    person = PersonFactory()
    RelationshipFactory(person=person, trusted_person=reader)
    for area in areas[:2]:
        EpisodeFactory(person=person, area=area, starts_on=D(2025, 1, 1))
    EpisodeFactory(person=person, area=areas[2], starts_on=D(2026, 2, 1), ends_on=D(2026, 2, 28))
    assert len(_export(reader, D(2026, 2, 28))[1]) == 1
    assert _export(reader, D(2026, 3, 1))[1] == []


@pytest.mark.parametrize("seed", [1, 7, 2026])
def test_random_people_match_the_python_reference(reader, other, make_user, seed):
    rng = random.Random(seed)
    areas = _areas()
    districts = list(District.objects.all())
    colleague = make_user(Role.SERVICE_STAFF)
    for i in range(30):
        person = PersonFactory(
            full_name=f"Person {seed}-{i}",
            district=rng.choice([None, *districts]),
        )
        RelationshipFactory(person=person, trusted_person=rng.choice([reader, other, colleague]))
        for area in rng.sample(areas, rng.randint(0, 5)):
            starts = DAY - dt.timedelta(days=rng.randint(-30, 400))
            ends = rng.choice([None, starts + dt.timedelta(days=rng.randint(0, 200))])
            EpisodeFactory(person=person, area=area, starts_on=starts, ends_on=ends)
        if rng.random() < 0.4:
            categories = rng.sample(ALL, rng.randint(1, 4))
            consent = ConsentFactory(
                person=person, grantee_user=reader, category_bits=bits_for(categories)
            )
            if rng.random() < 0.2:
                consent.withdrawn_at = timezone.now()
                consent.save()
        if rng.random() < 0.1:
            BreakGlassFactory(person=person, opened_by=reader)
        for _ in range(rng.randint(0, 2)):
            _assess(person, DAY - dt.timedelta(days=rng.randint(-60, 300)), rng.randint(0, 48))
    _, rows = _export(reader)
    assert rows == reference(reader, DAY)


def test_rows_are_read_in_chunks_with_progress_after_each(reader, monkeypatch):
    areas = _areas()
    people = []
    for _ in range(7):
        person = PersonFactory()
        RelationshipFactory(person=person, trusted_person=reader)
        _in_cohort(person, areas)
        people.append(person)
    seen = []
    real = services._progress

    def spy(job_id, done, total):
        seen.append((ExportJob.objects.get(pk=job_id).status, done, total))
        real(job_id, done, total)

    monkeypatch.setattr(services, "CHUNK", 3)
    monkeypatch.setattr(services, "_progress", spy)
    job, rows = _export(reader)
    assert len(rows) == 7
    assert seen == [(ExportStatus.RUNNING, n, 7) for n in (0, 3, 6, 7)]
    assert (job.rows_done, job.rows_total) == (7, 7)
    assert job.filename == f"cohort-people-{DAY.isoformat()}.csv"
    assert job.content_type.startswith("text/csv")


def test_a_reader_who_sees_nobody_gets_the_header_only(make_user, other):
    areas = _areas()
    person = PersonFactory()
    RelationshipFactory(person=person, trusted_person=other)
    _in_cohort(person, areas, 5)
    _, rows = _export(make_user(Role.SAFEGUARDING_LEAD))
    assert rows == []
    assert AuditEvent.objects.get(action="people.exported").data["count"] == 0


def test_the_whole_flow_from_the_page(client, reader, django_capture_on_commit_callbacks):
    areas = _areas()
    person = PersonFactory(full_name="Hal Flow")
    RelationshipFactory(person=person, trusted_person=reader)
    _in_cohort(person, areas)
    client.force_login(reader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/outcomes/exports/new",
            {"kind": "cohort-people", "format": "csv", "on_0": "1", "on_1": "3", "on_2": "2026"},
        )
    job = ExportJob.objects.get()
    assert response["Location"] == f"/outcomes/exports/{job.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "People in the cohort on 1 March 2026" in page
    assert "Download cohort-people-2026-03-01.csv" in page
    download = client.get(f"/outcomes/exports/{job.pk}/download")
    assert download.status_code == 200
    assert "Hal Flow" in download.content.decode()
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-4:] == [
        "export.requested",
        "people.exported",
        "export.finished",
        "export.downloaded",
    ]
