"""Erasing a person removes every record linked to them, in every app, and nothing else; the
audit trail keeps a tombstone with counts and a reason category, never personal details.

The models that point at a person are found from the models themselves (``apps.get_models``),
with those one level on from them, so a model added later is checked without anyone
remembering to: it must have a row in ``records.full_record`` (or the first test fails), and
the erasure must leave none of its rows for the person (or the second fails)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.apps import apps
from django.db import models

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import NotFound
from petal.people.models import Person
from petal.people.tests.factories import PersonFactory
from petal.retention.erase import person_erase
from petal.retention.tests.records import full_record

pytestmark = pytest.mark.django_db

CANARY_NAME = "Zebedee Canaryfeather"
CANARY_DOB = dt.date(1979, 2, 28)
CANARY_NOTE = "canary-risk-note-7391"


def _links_to(target) -> list[tuple[type[models.Model], models.Field]]:
    """Every concrete foreign key or one-to-one, in any model (many-to-many tables too), that
    points at ``target``."""
    return [
        (model, field)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is target
    ]


def _person_links():
    return _links_to(Person)


def _one_level_on():
    """(model, field, parent model, parent field to Person) for every model pointing at a
    model that is deleted with the person."""
    return [
        (model, field, parent, parent_field)
        for parent, parent_field in _person_links()
        if parent_field.remote_field.on_delete is models.CASCADE
        for model, field in _links_to(parent)
    ]


def _label(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def _rows(person_id) -> dict[str, set]:
    """The primary keys of every row linked to the person, and one level on."""
    found = {}
    for model, field in _person_links():
        found[_label(model, field)] = set(
            model._default_manager.filter(**{field.attname: person_id}).values_list("pk", flat=True)
        )
    for model, field, parent, parent_field in _one_level_on():
        parents = parent._default_manager.filter(**{parent_field.attname: person_id})
        found[_label(model, field)] = found.get(_label(model, field), set()) | set(
            model._default_manager.filter(**{f"{field.name}__in": parents}).values_list(
                "pk", flat=True
            )
        )
    return found


def _last_sequence() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def _table_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


@pytest.fixture
def subject_and_other(make_user):
    helper = make_user(Role.TRUSTED_PERSON)
    subject = PersonFactory(
        full_name=CANARY_NAME,
        date_of_birth=CANARY_DOB,
        risk_notes=CANARY_NOTE,
        search_names=f"|{CANARY_NAME.lower()}|",
    )
    other = PersonFactory(full_name="Another Person")
    other_made = full_record(other, helper=helper)
    made = full_record(subject, helper=helper, other_person=other)
    return subject, other, made, other_made


def test_every_model_linking_to_a_person_is_made(subject_and_other):
    """A model that points at a person (or at a record that goes with them) and that the
    erasure test does not make is a model nobody has checked erasure for: add it to
    ``records.full_record`` and make sure ``person_erase`` handles it."""
    subject, _, _, _ = subject_and_other
    rows = _rows(subject.pk)
    missing = sorted(label for label, pks in rows.items() if not pks)
    assert missing == [], f"Not made for the erasure test: {missing}"
    assert len(rows) >= 20  # the walk found the models at all


def test_erasure_removes_every_linked_record_and_nothing_else(subject_and_other, make_user):
    subject, other, made, other_made = subject_and_other
    dpo = make_user(Role.DATA_PROTECTION_LEAD)
    before_subject = _rows(subject.pk)
    before_other = _rows(other.pk)
    tables_before = _table_counts()
    last_event = _last_sequence()

    counts = person_erase(person_id=subject.pk, actor=dpo, reason="erasure_request")

    # Nothing points at them any more, in any model.
    for model, field in _person_links():
        assert not model._default_manager.filter(**{field.attname: subject.pk}).exists(), _label(
            model, field
        )
    # What went with them is gone; what is about the system is kept, unlinked.
    links = {_label(m, f): f for m, f in _person_links()}
    for label, pks in before_subject.items():
        model = apps.get_model(label.rsplit(".", 1)[0])
        field = links.get(label)
        still = model._default_manager.filter(pk__in=pks)
        if field is not None and field.remote_field.on_delete is models.SET_NULL:
            assert still.count() == len(pks), label
            assert not still.exclude(**{field.attname: None}).exists(), label
        else:
            assert not still.exists(), label
    # Everyone else's records are all still there.
    for label, pks in before_other.items():
        model = apps.get_model(label.rsplit(".", 1)[0])
        assert model._default_manager.filter(pk__in=pks).count() == len(pks), label
    # Every table lost exactly what the counts say, and nothing else changed.
    tables_after = _table_counts()
    for label, n in tables_before.items():
        if label == "audit.auditevent":
            assert tables_after[label] == n + 1
            continue
        assert n - tables_after[label] == counts.get(label, 0), label
    assert counts["people.person"] == 1
    assert counts["meetings.meeting"] == 1  # the professionals meeting about them alone
    assert counts["accounts.user"] == 1  # their own sign-in
    assert counts["champions.supportconnection unlinked"] == 1
    assert counts["barriers.barrier unlinked"] == 1
    assert counts["outcomes.importedrecord"] == 1
    assert counts["outcomes.importbatch scrubbed"] == 1

    # The shared session keeps the other person's case and its own notes.
    session = made["session"]
    session.refresh_from_db()
    assert session.minutes == "Session-wide notes"
    assert list(session.cases.values_list("person_id", flat=True)) == [other.pk]
    assert session.actions.filter(pk=made["session_action"].pk).exists()
    # The import keeps its other rows, loses their row's details and the uploaded file.
    batch = made["import_batch"]
    batch.refresh_from_db()
    assert batch.rows == [{"number": 2, "action": "new", "erased": True}]
    assert bytes(batch.content) == b""
    other_batch = other_made["import_batch"]
    other_batch.refresh_from_db()
    assert bytes(other_batch.content) != b""

    # One tombstone, with counts and a reason category, and nothing personal.
    events = list(AuditEvent.objects.filter(sequence__gt=last_event))
    assert len(events) == 1
    tombstone = events[0]
    assert (tombstone.action, tombstone.object_type, tombstone.object_id) == (
        "person.erased",
        "people.person",
        str(subject.pk),
    )
    assert tombstone.actor_id == dpo.pk
    assert tombstone.data == {"reason": "erasure_request", "counts": counts}
    text = json.dumps(
        {f.name: str(getattr(tombstone, f.name)) for f in AuditEvent._meta.concrete_fields}
    )
    for canary in (CANARY_NAME, CANARY_NAME.lower(), CANARY_DOB.isoformat(), CANARY_NOTE):
        assert canary not in text
    assert made["own_user"].email not in text


def test_a_free_text_reason_is_recorded_only_as_other(make_user):
    person = PersonFactory(full_name=CANARY_NAME)
    person_erase(person_id=person.pk, actor=None, reason=f"{CANARY_NAME} rang to ask")
    event = AuditEvent.objects.order_by("-sequence").first()
    assert event.data["reason"] == "other"
    assert CANARY_NAME not in json.dumps(event.data)


def test_erasing_someone_not_there_is_not_found():
    with pytest.raises(NotFound):
        person_erase(person_id=987654, actor=None, reason="erasure_request")
    with pytest.raises(NotFound):
        person_erase(person_id="not a number", actor=None, reason="erasure_request")


def test_own_sign_in_that_cannot_be_deleted_is_disabled_and_blanked(make_user):
    """Their sign-in is referenced by something that protects it (here: it read another
    person's story under consent), so it stays — disabled, with no name or email."""
    from petal.consent.models import StoryReuse
    from petal.consent.tests.factories import make_individual

    person = PersonFactory(full_name=CANARY_NAME)
    user = make_individual(person)
    someone = PersonFactory()
    StoryReuse.objects.create(
        programme_area=someone.programme_area,
        person=someone,
        reader=user,
        read_on=dt.date(2026, 1, 5),
    )
    counts = person_erase(person_id=person.pk, actor=None, reason="erasure_request")
    user.refresh_from_db()
    assert counts["accounts.user anonymised"] == 1
    assert not user.is_active
    assert user.full_name == "Erased"
    assert user.email.endswith("@erased.invalid")
    assert not user.has_usable_password()


def test_a_checked_import_that_matched_them_is_deleted(make_user):
    from petal.outcomes.models import ImportBatch, ImportStatus

    person = PersonFactory()
    keep = PersonFactory()
    uploader = make_user(Role.TRUSTED_PERSON)
    theirs = ImportBatch.objects.create(
        uploaded_by=uploader,
        filename="a.csv",
        content=b"x",
        rows=[{"number": 2, "action": "matched", "person": person.pk}],
        status=ImportStatus.CHECKED,
    )
    other = ImportBatch.objects.create(
        uploaded_by=uploader,
        filename="b.csv",
        content=b"x",
        rows=[{"number": 2, "action": "matched", "person": keep.pk}],
        status=ImportStatus.CHECKED,
    )
    counts = person_erase(person_id=person.pk, actor=None, reason="retention")
    assert counts["outcomes.importbatch"] == 1
    assert not ImportBatch.objects.filter(pk=theirs.pk).exists()
    assert ImportBatch.objects.filter(pk=other.pk).exists()


def test_erasure_is_all_or_nothing(subject_and_other, monkeypatch):
    """If anything fails part-way, nothing is erased and no tombstone is left."""
    from petal.retention import erase

    subject, _, _, _ = subject_and_other
    before = _rows(subject.pk)
    last_event = _last_sequence()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(erase, "_erase_own_sign_in", broken)
    with pytest.raises(RuntimeError):
        person_erase(person_id=subject.pk, actor=None, reason="erasure_request")
    assert _rows(subject.pk) == before
    assert not AuditEvent.objects.filter(sequence__gt=last_event).exists()


def test_an_app_can_take_part_before_anything_is_deleted(monkeypatch):
    """``before_erase`` hooks run inside the erasure, before the person is deleted, and what
    they return is counted."""
    from petal.retention import registry

    person = PersonFactory()
    seen = []

    def forget(person_id):
        seen.append((person_id, Person.objects.filter(pk=person_id).exists()))
        return {"rights.subjectaccessexport": 2}

    monkeypatch.setattr(registry, "_BEFORE_ERASE", [forget])
    counts = person_erase(person_id=person.pk, actor=None, reason="erasure_request")
    assert seen == [(person.pk, True)]
    assert counts["rights.subjectaccessexport"] == 2
