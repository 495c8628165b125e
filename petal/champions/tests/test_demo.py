"""The champions demo (what it loads, safe to load twice, its denormalised fields right, no
demo person named in any post) and the synthetic champions, questions and events (consistent,
and searchable on the database in use)."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.models import Membership, User
from petal.champions.demo import CHAMPIONS, EVENTS, QUESTIONS, REPORTED_ANSWER, STORIES, load_demo
from petal.champions.models import (
    Answer,
    Champion,
    ChampionStatus,
    ConnectionStatus,
    Event,
    EventKind,
    EventStatus,
    Helped,
    Moderation,
    ModerationAction,
    NetworkBarrier,
    PostStatus,
    Question,
    Registration,
    Report,
    Story,
    SupportConnection,
    TagFollow,
)
from petal.champions.synth import synth_champions, synth_events, synth_questions

pytestmark = pytest.mark.django_db

PASSWORD = "a demo passphrase"
MODELS = (
    Champion,
    Question,
    Answer,
    Helped,
    Report,
    Moderation,
    TagFollow,
    Story,
    Event,
    Registration,
    SupportConnection,
    NetworkBarrier,
    User,
    Membership,
)


@pytest.fixture
def demo():
    from petal.accounts.demo import load_demo as load_accounts

    load_accounts(password=PASSWORD)
    return load_demo(password=PASSWORD)


def _snapshot() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def search(words: str) -> set[int]:
    """Question ids matching ``words`` in the full-text index of the database in use, queried
    directly (the index the search selector reads)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT rowid FROM champions_question_fts WHERE champions_question_fts MATCH %s",
                [" ".join(f'"{w}"' for w in words.split())],
            )
        else:
            cursor.execute(
                "SELECT id FROM champions_question "
                "WHERE search_vector @@ plainto_tsquery('english', %s)",
                [words],
            )
        return {row[0] for row in cursor.fetchall()}


def assert_denormalised_fields_match(questions) -> None:
    for question in questions:
        visible = list(
            Answer.objects.filter(question=question, status=PostStatus.VISIBLE).order_by(
                "created_at", "id"
            )
        )
        assert question.answers_text == "\n\n".join(a.body for a in visible), question.pk
        assert question.answer_count == len(visible), question.pk
        assert question.helped_count == Helped.objects.filter(question=question).count()
        latest = max([question.created_at, *(a.created_at for a in visible)])
        assert question.last_activity_at == latest, question.pk
        if question.accepted_answer_id:
            assert question.accepted_answer.question_id == question.pk
            assert question.accepted_answer.status == PostStatus.VISIBLE
        for answer in Answer.objects.filter(question=question):
            assert answer.helped_count == Helped.objects.filter(answer=answer).count()


def test_the_demo_command_loads_the_champions_once_and_says_so(client):
    out = StringIO()
    call_command("demo", "--password", PASSWORD, stdout=out)
    first = _snapshot()
    call_command("demo", "--password", PASSWORD, stdout=StringIO())
    assert _snapshot() == first
    assert (
        "Champions: 26 approved champions (3 pledges waiting for approval), 30 network "
        "questions with 61 answers, 6 stories and 5 events." in out.getvalue()
    )
    # The sign-in list stays short: champion@example.org is already on it.
    assert "champion@example.org" in out.getvalue()
    assert CHAMPIONS[1].email not in out.getvalue()
    # A champion's sign-in works with the demo password.
    response = client.post("/sign-in", {"email": CHAMPIONS[1].email, "password": PASSWORD})
    assert response.status_code == 302


def test_the_directory_holds_about_25_approved_champions_with_all_they_offer(demo):
    assert demo.champions == Champion.objects.filter(status=ChampionStatus.APPROVED).count()
    assert demo.champions == len(CHAMPIONS) == 26
    approved = Champion.objects.filter(status=ChampionStatus.APPROVED).select_related("user")
    organisations = set()
    for champion in approved:
        assert champion.user is not None and champion.user.is_active
        assert champion.user.email == champion.email
        assert Membership.objects.filter(
            user=champion.user,
            role=Role.CHAMPION,
            organisation=champion.organisation,
            ended_at__isnull=True,
        ).exists()
        assert champion.areas.exists() and champion.skills.exists()
        assert champion.district_id and champion.partnership_id
        assert champion.help_with and champion.how_to_reach
        assert champion.decided_by.email == "programme@example.org"
        organisations.add(champion.organisation_id)
    assert len(organisations) >= 15
    grace = Champion.objects.get(email="champion@example.org")
    assert grace.status == ChampionStatus.APPROVED
    assert grace.user.email == "champion@example.org"
    assert grace.organisation.slug == "cpsl-mind"


def test_pledges_waiting_are_visitors_and_one_champion_withdrew(demo):
    pending = Champion.objects.filter(status=ChampionStatus.PENDING)
    assert demo.pending == pending.count() == 3
    assert all(c.user_id is None and c.decided_at is None for c in pending)
    typed = pending.get(organisation__isnull=True)
    assert typed.organisation_name == "Jimmy's Cambridge"
    assert typed.organisation_label == "Jimmy's Cambridge"
    withdrawn = Champion.objects.get(status=ChampionStatus.WITHDRAWN)
    assert withdrawn.withdrawn_at and withdrawn.withdrawal_reason
    assert demo.withdrawn == 1


def test_loading_twice_adds_nothing(demo):
    first = _snapshot()
    again = load_demo(password=PASSWORD)
    assert _snapshot() == first
    assert again == demo


def test_the_network_questions_answers_and_moderation(demo):
    questions = Question.objects.filter(title__in=[q.title for q in QUESTIONS])
    assert demo.questions == questions.count() == 30
    assert demo.answers == Answer.objects.count() == 61
    counts = [q.answers.count() for q in questions]
    assert min(counts) >= 1 and max(counts) <= 4
    accepted = questions.filter(accepted_answer__isnull=False).count()
    assert 12 <= accepted <= 18  # about half
    assert all(q.areas.exists() and q.topics.exists() for q in questions)
    # "This helped me" from different readers, never the author.
    for helped in Helped.objects.select_related("question", "answer"):
        post = helped.question or helped.answer
        assert helped.user_id != post.author_id
    # One reported answer, waiting; one hidden question, with the programme team's reason.
    open_reports = Report.objects.filter(resolved_at__isnull=True)
    assert [r.answer.body for r in open_reports] == [REPORTED_ANSWER]
    hidden = Question.objects.get(status=PostStatus.HIDDEN)
    moderation = Moderation.objects.get()
    assert moderation.question == hidden and moderation.action == ModerationAction.HIDE
    assert moderation.reason and moderation.by.email == "programme@example.org"
    assert Membership.objects.filter(user=moderation.by, role=Role.PROGRAMME_TEAM).exists()
    follows = TagFollow.objects.filter(user__email="trusted.person@example.org")
    assert {f.topic.slug for f in follows if f.topic} == {"benefits"}
    assert {f.area.code for f in follows if f.area} == {"homelessness"}


def test_the_demo_questions_denormalised_fields_match_their_rows(demo):
    questions = Question.objects.select_related("accepted_answer")
    assert questions.count() == 30
    assert_denormalised_fields_match(questions)


def test_the_demo_questions_are_searchable_by_title_body_and_answers(demo):
    sanction = Question.objects.get(title__startswith="Universal Credit sanction")
    pets = Question.objects.get(title="Domestic abuse refuges that accept pets")
    assert sanction.pk in search("sanction")  # title
    assert sanction.pk in search("hospital jobcentre")  # body
    assert pets.pk in search("fostering")  # an answer only
    assert "fostering" not in pets.title + pets.body


def test_stories_events_connections_and_barriers(demo):
    stories = Story.objects.all()
    assert demo.stories == stories.count() == len(STORIES) == 6
    featured = stories.filter(featured_at__isnull=False)
    assert featured.count() == 2
    for story in featured:
        assert Membership.objects.filter(user=story.featured_by, role=Role.PROGRAMME_TEAM)

    assert demo.events == Event.objects.count() == len(EVENTS) == 5
    today = timezone.localdate()
    workshop = Event.objects.get(title="Trauma-informed systems workshop")
    assert workshop.kind == EventKind.WORKSHOP and workshop.capacity == 30
    assert 20 <= (workshop.starts_at.date() - today).days <= 40
    assert workshop.registrations.filter(cancelled_at__isnull=True).count() >= 5
    meetings = Event.objects.filter(kind=EventKind.NETWORK_MEETING)
    upcoming = meetings.get(starts_at__gt=timezone.now())
    assert upcoming.online_link and (upcoming.starts_at.date() - today).days <= 8
    past = meetings.get(starts_at__lt=timezone.now())
    assert past.registrations.filter(attended=True).exists()
    assert not past.registrations.filter(attended__isnull=True).exists()
    assert Event.objects.filter(kind=EventKind.LEARNING, status=EventStatus.PUBLISHED).exists()
    draft = Event.objects.get(status=EventStatus.DRAFT)
    assert draft.published_at is None and not draft.registrations.exists()

    connections = SupportConnection.objects.all()
    assert connections.count() == 2
    assert {c.requested_by.email for c in connections} == {"trusted.person@example.org"}
    assert all(c.person_id is None for c in connections)
    accepted = connections.get(status=ConnectionStatus.ACCEPTED)
    assert accepted.response and accepted.responded_at
    assert connections.filter(status=ConnectionStatus.REQUESTED).count() == 1
    barriers = NetworkBarrier.objects.all()
    assert barriers.count() == 2
    for barrier in barriers:
        assert barrier.raised_by.email == "champion@example.org"
        assert barrier.on_behalf_of.email == "trusted.person@example.org"
        assert barrier.areas.exists() and barrier.barrier_ref == ""


def test_no_demo_person_is_named_in_any_post_story_or_note(demo):
    from petal.people.demo import FIRST, LAST, PREFERRED, load_people
    from petal.people.models import Person

    load_people()
    names = {*FIRST, *LAST, *PREFERRED.values()}
    for person in Person.objects.all():
        names.update(person.full_name.split())
        if person.preferred_name:
            names.update(person.preferred_name.split())
    assert len(names) > 60
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names)) + r")\b")
    texts = [
        *(f"{q.title} {q.body} {q.answers_text}" for q in Question.objects.all()),
        *Answer.objects.values_list("body", flat=True),
        *(f"{s.title} {s.body}" for s in Story.objects.all()),
        *(f"{c.note} {c.response}" for c in SupportConnection.objects.all()),
        *(f"{b.summary} {b.detail}" for b in NetworkBarrier.objects.all()),
        *(f"{e.title} {e.summary} {e.description}" for e in Event.objects.all()),
        *Report.objects.values_list("reason", flat=True),
    ]
    assert len(texts) > 100
    for text in texts:
        assert not pattern.search(text), (pattern.search(text).group(0), text[:80])
    # The pattern would catch one.
    assert pattern.search(f"A question about {FIRST[0]} and housing")


# --- synthetic data ------------------------------------------------------------------------------


@pytest.fixture
def users():
    from petal.accounts.demo import load_demo as load_accounts

    load_accounts(password=PASSWORD)


def test_synthetic_champions_have_sign_ins_areas_and_skills(users):
    assert synth_champions(40, seed=7) == 40
    champions = Champion.objects.filter(email__startswith="synthetic.champion-")
    assert champions.count() == 40
    for champion in champions.select_related("user"):
        assert champion.user.email == champion.email
        assert champion.areas.exists() and champion.skills.exists()
        member = Membership.objects.filter(user=champion.user, role=Role.CHAMPION).exists()
        assert member == (champion.status != ChampionStatus.WITHDRAWN)
    assert champions.filter(status=ChampionStatus.APPROVED).count() >= 30
    # Twice adds more, with new emails.
    assert synth_champions(5, seed=7) == 5
    assert Champion.objects.filter(email__startswith="synthetic.champion-").count() == 45


# PostgreSQL's English stop words of six letters or more: a search for them finds nothing.
STOP_WORDS = {
    "against",
    "because",
    "before",
    "between",
    "during",
    "further",
    "having",
    "herself",
    "himself",
    "itself",
    "myself",
    "ourselves",
    "should",
    "themselves",
    "through",
    "yourself",
    "yourselves",
}


def test_synthetic_questions_are_consistent_and_searchable(users):
    synth_champions(20)
    made, answers = synth_questions(50, seed=11)
    assert made == 50 and answers == Answer.objects.count()
    questions = list(Question.objects.select_related("accepted_answer"))
    assert len(questions) == 50
    assert_denormalised_fields_match(questions)
    assert all(q.areas.exists() for q in questions)
    assert any(q.accepted_answer_id for q in questions)
    # Every question is in the index: a word from its title finds it, and one from its
    # answers (not in the title or body) finds it too.
    for question in questions[:15]:
        # Not a word PostgreSQL's English search leaves out as too common ("between").
        words = set(re.findall(r"[a-z]{6,}", question.title.lower())) - STOP_WORDS
        word = max(sorted(words), key=len)
        assert question.pk in search(word), (word, question.title)
    answered = [q for q in questions if q.answers_text]
    for question in answered[:10]:
        words = set(re.findall(r"[a-z]{7,}", question.answers_text.lower()))
        words -= set(re.findall(r"[a-z]+", f"{question.title} {question.body}".lower()))
        words -= STOP_WORDS
        if words:
            word = sorted(words)[0]
            assert question.pk in search(word), (word, question.answers_text)
    assert search("housing")  # the common words are there


def test_synthetic_events_have_registrations_within_capacity(users):
    synth_champions(60)
    assert synth_events(12, seed=3) == 12
    now = timezone.now()
    for event in Event.objects.prefetch_related("registrations"):
        registrations = list(event.registrations.all())
        assert event.ends_at > event.starts_at
        if event.status == EventStatus.DRAFT:
            assert not registrations and event.published_at is None
            continue
        if event.capacity:
            assert len(registrations) <= event.capacity
        for registration in registrations:
            if registration.attended is not None:
                assert event.ends_at <= now and registration.cancelled_at is None
    assert Registration.objects.exists()
    assert Event.objects.filter(starts_at__gt=now + dt.timedelta(days=1)).exists()
