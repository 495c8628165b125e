"""The Champion Network's rules: posts are for learning, not cases (the caseload-name warning,
which names only the author's own people); only a question's author accepts an answer; "this
helped me" counts once per reader; a reported post is hidden by the programme team with a
reason, disappears for everyone else and comes back when restored."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.champions.models import (
    Answer,
    Helped,
    Moderation,
    PostStatus,
    Question,
    Report,
    TagFollow,
)
from petal.champions.selectors.network import question_search
from petal.champions.services import network as services
from petal.champions.tests.factories import champion_user
from petal.consent.tests.factories import ConsentFactory
from petal.core.errors import NotFound, ValidationFailed
from petal.people.tests.factories import PersonFactory, RelationshipFactory, person_of

pytestmark = pytest.mark.django_db

SUPPORTED = "Jordan Blakewell"
SOMEONE_ELSE = "Zebedee Quarrington"


# --- helpers the other network test modules use too ----------------------------------------------


def ask(author, title="How do I get a housing application moving?", body="No ID yet.", **kw):
    return services.question_ask(actor=author, title=title, body=body, **kw)


def reply(author, question, body="Ask the council for a named officer."):
    return services.answer_add(actor=author, question_id=question.pk, body=body)


def hide(moderator, *, question=None, answer=None, reason="It describes someone."):
    return services.post_moderate(
        actor=moderator,
        action="hide",
        reason=reason,
        question_id=question.pk if question else None,
        answer_id=answer.pk if answer else None,
    )


def actions(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


@pytest.fixture
def tp(make_user):
    return make_user(Role.TRUSTED_PERSON)


@pytest.fixture
def champion(db):
    return champion_user()


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


# --- asking --------------------------------------------------------------------------------------


def test_a_question_is_asked_with_its_tags_and_audited(client, tp):
    client.force_login(tp)
    response = client.post(
        reverse("network:ask"),
        {
            "title": "Benefit sanctions after a missed appointment",
            "body": "What do you do first?",
            "areas": ["homelessness"],
            "topics": ["benefits"],
        },
    )
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("network:question", args=[question.pk])
    assert [a.code for a in question.areas.all()] == ["homelessness"]
    assert [t.slug for t in question.topics.all()] == ["benefits"]
    assert actions("question.asked")[0].object_id == str(question.pk)


def test_an_empty_or_badly_tagged_question_keeps_what_was_typed(client, tp):
    client.force_login(tp)
    response = client.post(
        reverse("network:ask"), {"title": "", "body": "Kept text", "areas": ["nonsense"]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a title for your question" in html
    assert "Kept text" in html
    assert "<title>Error:" in html
    assert not Question.objects.exists()


# --- the caseload-name warning -------------------------------------------------------------------


def test_a_name_on_the_authors_caseload_is_not_published_and_the_warning_names_them(client, tp):
    supported = person_of(tp, full_name=SUPPORTED)
    client.force_login(tp)
    typed = {"title": "Jordan lost his tenancy", "body": "What now?", "areas": ["homelessness"]}
    response = client.post(reverse("network:ask"), typed)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Question.objects.exists()
    assert SUPPORTED in html
    assert "This is not about them: publish anyway" in html
    assert "not about cases" in html
    assert 'value="Jordan lost his tenancy"' in html  # what was typed is kept
    warning = actions("network.name_warning")
    assert len(warning) == 1
    assert warning[0].data["people"] == [supported.pk]


def test_publish_anyway_publishes_and_records_it(client, tp):
    supported = person_of(tp, full_name=SUPPORTED)
    client.force_login(tp)
    response = client.post(
        reverse("network:ask"),
        {"title": "Blakewell Road hostel rules", "body": "Curfew?", "publish_anyway": "on"},
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert actions("question.asked")[0].data["published_anyway"] == [supported.pk]
    assert question.title == "Blakewell Road hostel rules"


def test_the_warning_never_names_people_the_author_does_not_support(client, tp, make_user):
    # Someone else's person, a person the author sees only through a consent, and a person
    # the author used to support: none of them is on the author's caseload.
    other_tp = make_user(Role.TRUSTED_PERSON)
    person_of(other_tp, full_name=SOMEONE_ELSE)
    consented = PersonFactory(full_name="Ottoline Vasquez")
    ConsentFactory(person=consented, grantee_user=tp)
    former = PersonFactory(full_name="Peregrine Ashdown")
    RelationshipFactory(
        person=former, trusted_person=tp, starts_on="2019-01-01", ends_on="2020-01-01"
    )
    client.force_login(tp)
    response = client.post(
        reverse("network:ask"),
        {"title": "Zebedee, Ottoline and Peregrine", "body": "Quarrington Vasquez Ashdown"},
    )
    assert response.status_code == 302
    assert Question.objects.count() == 1
    assert actions("network.name_warning") == []


def test_an_answer_naming_someone_supported_is_warned_about_on_the_question_page(
    client, tp, champion
):
    question = ask(tp)
    person_of(champion, full_name=SUPPORTED)
    client.force_login(champion)
    response = client.post(
        reverse("network:answer", args=[question.pk]), {"body": "When Jordan had this..."}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert SUPPORTED in html
    assert "When Jordan had this..." in html
    assert not Answer.objects.exists()
    response = client.post(
        reverse("network:answer", args=[question.pk]),
        {"body": "When Jordan had this...", "publish_anyway": "on"},
    )
    assert response.status_code == 302
    assert Answer.objects.count() == 1


def test_an_alias_or_preferred_name_is_caught_too(tp):
    from petal.people.models import Alias

    person = person_of(tp, full_name="Robert Marlow", preferred_name="Bobby")
    Alias.objects.create(person=person, name="Rab")
    for text in ("bobby needs help", "RAB's landlord", "Marlow-led case"):
        with pytest.raises(services.NameWarning) as caught:
            ask(tp, title=text)
        assert caught.value.names == ["Robert Marlow"]


# --- answers and accepting -----------------------------------------------------------------------


def test_answers_keep_the_question_in_step_and_tell_the_author(
    tp, champion, django_capture_on_commit_callbacks
):
    question = ask(tp)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = reply(champion, question, body="Try the duty officer at the council.")
    question.refresh_from_db()
    assert question.answer_count == 1
    assert "duty officer" in question.answers_text
    assert question.last_activity_at == answer.created_at
    assert [m.to for m in mail.outbox] == [[tp.email]]
    # The email never carries what was written.
    assert "duty officer" not in mail.outbox[0].body
    assert "housing" not in mail.outbox[0].body


def test_only_the_questions_author_accepts_an_answer_and_can_change_it(
    client, tp, champion, make_user
):
    question = ask(tp)
    first = reply(champion, question)
    second = reply(make_user(Role.SERVICE_STAFF), question, body="Ring the hub.")
    client.force_login(champion)
    assert client.post(reverse("network:accept", args=[first.pk])).status_code == 403
    question.refresh_from_db()
    assert question.accepted_answer_id is None
    client.force_login(tp)
    client.post(reverse("network:accept", args=[first.pk]))
    question.refresh_from_db()
    assert question.accepted_answer_id == first.pk
    client.post(reverse("network:accept", args=[second.pk]))
    question.refresh_from_db()
    assert question.accepted_answer_id == second.pk
    assert len(actions("answer.accepted")) == 2
    # The accepted answer comes first and is marked.
    html = client.get(reverse("network:question", args=[question.pk])).content.decode()
    assert html.index("Ring the hub.") < html.index("named officer")
    assert "Accepted answer" in html


def test_helped_counts_once_per_reader(client, tp, champion, make_user):
    question = ask(tp)
    answer = reply(champion, question)
    reader = make_user(Role.SERVICE_STAFF)
    client.force_login(reader)
    for _ in range(2):
        assert (
            client.post(reverse("network:question-helped", args=[question.pk])).status_code == 302
        )
        assert client.post(reverse("network:answer-helped", args=[answer.pk])).status_code == 302
    question.refresh_from_db()
    answer.refresh_from_db()
    assert (question.helped_count, answer.helped_count) == (1, 1)
    assert Helped.objects.filter(user=reader).count() == 2
    assert len(actions("post.helped")) == 2
    # Nobody marks their own post.
    client.force_login(tp)
    client.post(reverse("network:question-helped", args=[question.pk]))
    question.refresh_from_db()
    assert question.helped_count == 1


# --- reporting and moderation --------------------------------------------------------------------


def test_report_hide_with_reason_then_restore(
    client, tp, champion, programme, django_capture_on_commit_callbacks
):
    question = ask(tp, title="Unusual eviction notice", body="Is it lawful?")
    mail.outbox.clear()
    client.force_login(champion)
    response = client.post(reverse("network:report-question", args=[question.pk]), {"reason": ""})
    assert "Enter why you are reporting it" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("network:report-question", args=[question.pk]),
            {"reason": "It describes a person"},
        )
    report = Report.objects.get()
    assert report.reporter == champion
    assert actions("post.reported")[0].object_id == str(question.pk)
    assert [m.to for m in mail.outbox] == [[programme.email]]
    assert "eviction" not in mail.outbox[0].body
    assert "describes" not in mail.outbox[0].body

    client.force_login(programme)
    queue = client.get(reverse("network:moderation")).content.decode()
    assert "Unusual eviction notice" in queue and "It describes a person" in queue
    response = client.post(
        reverse("network:moderate-question", args=[question.pk]), {"action": "hide", "reason": ""}
    )
    assert response.status_code == 200
    assert "Enter the reason" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("network:moderate-question", args=[question.pk]),
            {"action": "hide", "reason": "Too much detail about a person"},
        )
    question.refresh_from_db()
    report.refresh_from_db()
    assert question.status == PostStatus.HIDDEN
    assert report.resolved_by == programme
    assert Moderation.objects.get().reason == "Too much detail about a person"
    assert actions("post.hidden")[0].object_id == str(question.pk)
    assert [m.to for m in mail.outbox] == [[tp.email]]

    page = client.get(reverse("network:question", args=[question.pk])).content.decode()
    assert "Restore this question" in page and "Too much detail about a person" in page
    client.force_login(champion)
    assert client.get(reverse("network:question", args=[question.pk])).status_code == 404
    assert list(question_search(champion, q="eviction")) == []
    assert "Unusual eviction" not in client.get(reverse("network:questions")).content.decode()
    client.force_login(tp)
    page = client.get(reverse("network:question", args=[question.pk])).content.decode()
    assert "Too much detail about a person" in page

    services.post_moderate(
        actor=programme, action="restore", reason="Edited by agreement", question_id=question.pk
    )
    assert list(question_search(champion, q="eviction")) == [question]
    client.force_login(champion)
    assert client.get(reverse("network:question", args=[question.pk])).status_code == 200
    assert actions("post.restored")[0].data["question"] == question.pk


def test_hiding_an_answer_takes_its_words_out_of_the_question(tp, champion, programme):
    question = ask(tp)
    answer = reply(champion, question, body="Call the flibbertigibbet helpline.")
    services.answer_accept(actor=tp, answer_id=answer.pk)
    hide(programme, answer=answer)
    question.refresh_from_db()
    assert question.answer_count == 0
    assert "flibbertigibbet" not in question.answers_text
    assert question.accepted_answer_id is None
    assert list(question_search(tp, q="flibbertigibbet")) == []
    from petal.champions.selectors.network import question_get_for

    assert question_get_for(tp, question.pk).answers == []
    author_view = question_get_for(champion, question.pk)
    assert [a.hidden_reason for a in author_view.answers] == ["It describes someone."]


def test_only_the_programme_team_moderates(client, tp, champion):
    question = ask(tp)
    client.force_login(champion)
    assert client.get(reverse("network:moderation")).status_code == 403
    response = client.post(
        reverse("network:moderate-question", args=[question.pk]),
        {"action": "hide", "reason": "x"},
    )
    assert response.status_code == 403
    with pytest.raises(NotFound):
        services.post_moderate(actor=champion, action="hide", reason="x", question_id=question.pk)
    question.refresh_from_db()
    assert question.status == PostStatus.VISIBLE


def test_a_hidden_question_cannot_be_answered_or_marked(tp, champion, programme):
    question = ask(tp)
    hide(programme, question=question)
    with pytest.raises(NotFound):
        reply(champion, question)
    with pytest.raises(ValidationFailed):
        reply(tp, question)


# --- following tags ------------------------------------------------------------------------------


def test_following_and_unfollowing_tags_is_audited(client, tp):
    client.force_login(tp)
    client.post(reverse("network:tags"), {"areas": ["homelessness"], "topics": ["benefits"]})
    assert TagFollow.objects.filter(user=tp).count() == 2
    assert len(actions("tag.followed")) == 2
    html = client.get(reverse("network:tags")).content.decode()
    assert 'value="homelessness" checked' in html
    client.post(reverse("network:tags"), {"topics": ["benefits"]})
    assert [f.topic.slug for f in TagFollow.objects.filter(user=tp)] == ["benefits"]
    assert len(actions("tag.unfollowed")) == 1
    response = client.post(reverse("network:tags"), {"topics": ["not-a-topic"]})
    assert response.status_code == 200
    assert [f.topic.slug for f in TagFollow.objects.filter(user=tp)] == ["benefits"]


# --- the list ------------------------------------------------------------------------------------


def test_the_questions_list_shows_rows_in_a_fixed_number_of_queries(client, tp, champion):
    def counted(**params):
        client.get(url, params)  # warm up
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    url = reverse("network:questions")
    for i in range(2):
        reply(champion, ask(tp, title=f"Question {i}", areas=["homelessness"], topics=["benefits"]))
    client.force_login(champion)
    few = counted(), counted(q="question"), counted(topic="benefits", unanswered="on")
    for i in range(2, 15):
        q = ask(tp, title=f"Question {i}", areas=["mental-health"], topics=["benefits"])
        services.answer_accept(actor=tp, answer_id=reply(champion, q).pk)
    many = counted(), counted(q="question"), counted(topic="benefits", unanswered="on")
    assert [n for n, _ in many] == [n for n, _ in few]
    assert "Question 14" in many[1][1] and "Accepted answer" in many[1][1]


def test_the_list_shows_answers_accepted_and_helped(client, tp, champion, make_user):
    question = ask(tp, title="Shown with counts", topics=["benefits"])
    answer = reply(champion, question)
    services.answer_accept(actor=tp, answer_id=answer.pk)
    services.question_helped(actor=make_user(Role.SERVICE_STAFF), question_id=question.pk)
    client.force_login(champion)
    html = client.get(reverse("network:questions")).content.decode()
    assert "1 answer " in html or "1 answer\n" in html
    assert "Accepted answer" in html
    assert "1 found this helpful" in html
    assert "Benefits" in html


# --- double submits, races and size caps ---------------------------------------------------------


def test_the_same_question_posted_twice_within_a_minute_is_published_once(client, tp):
    first = ask(tp, title="Storage for belongings", body="Any free schemes?")
    again = ask(tp, title="Storage for belongings", body="Any free schemes?")
    assert again.pk == first.pk
    client.force_login(tp)
    response = client.post(
        reverse("network:ask"), {"title": "Storage for belongings", "body": "Any free schemes?"}
    )
    assert response["Location"] == reverse("network:question", args=[first.pk])
    assert Question.objects.count() == 1
    assert len(actions("question.asked")) == 1
    # Different words, or the same a minute later, are a new question.
    ask(tp, title="Storage for belongings", body="Any free schemes in Ely?")
    Question.objects.filter(pk=first.pk).update(
        created_at=first.created_at - services.REPEAT_WINDOW - services.dt.timedelta(seconds=1)
    )
    later = ask(tp, title="Storage for belongings", body="Any free schemes?")
    assert later.pk != first.pk
    assert Question.objects.count() == 3


def test_a_report_racing_another_from_the_same_reader_returns_the_open_one(
    tp, champion, monkeypatch
):
    question = ask(tp, title="Unusual eviction notice", body="Is it lawful?")
    first = services.post_report(actor=champion, reason="Names someone", question_id=question.pk)
    # The second press read "no open report" before the first one was written.
    monkeypatch.setattr(Report.objects, "filter", lambda *a, **kw: Report.objects.none())
    again = services.post_report(actor=champion, reason="Names someone", question_id=question.pk)
    monkeypatch.undo()
    assert again.pk == first.pk
    assert Report.objects.count() == 1
    assert len(actions("post.reported")) == 1


def test_following_a_tag_followed_at_the_same_moment_is_not_an_error(tp, monkeypatch):
    services.tags_follow(actor=tp, areas=["homelessness"])
    # A request at the same moment followed it after this one read the current follows.
    monkeypatch.setattr(TagFollow.objects, "select_for_update", lambda: TagFollow.objects.none())
    added, removed = services.tags_follow(actor=tp, areas=["homelessness"], topics=["benefits"])
    monkeypatch.undo()
    assert (added, removed) == (1, 0)
    assert sorted(
        (f.area_id is not None, f.topic_id is not None) for f in TagFollow.objects.filter(user=tp)
    ) == [(False, True), (True, False)]
    assert len(actions("tag.followed")) == 2


def test_an_answer_over_the_limit_is_refused_with_a_clear_message(client, tp, champion):
    question = ask(tp, title="Dental care without an address", body="Who registers people?")
    too_long = "a" * (services.MAX_BODY + 1)
    with pytest.raises(ValidationFailed) as error:
        reply(champion, question, body=too_long)
    assert error.value.field_errors == {"body": ["Your answer must be 10,000 characters or fewer"]}
    client.force_login(champion)
    response = client.post(reverse("network:answer", args=[question.pk]), {"body": too_long})
    assert response.status_code == 200
    assert "Your answer must be 10,000 characters or fewer" in response.content.decode()
    assert not Answer.objects.exists()


def test_the_searchable_copy_of_the_answers_is_capped(tp, champion):
    from petal.champions.tests.factories import AnswerFactory

    question = ask(tp, title="A long discussion", body="Tell me everything.")
    for i in range(25):  # 245,000 characters, over the cap
        AnswerFactory(question=question, author=champion, body=f"word{i:02d} " * 1_400)
    reply(champion, question, body="The last word on it.")
    question.refresh_from_db()
    assert question.answer_count == 26
    assert len(question.answers_text) == services.MAX_ANSWERS_TEXT == 200_000
    assert question.answers_text.startswith("word00 ")
    # Search still works over what is kept.
    assert question.pk in [q.pk for q in question_search(tp, q="word03")]
