"""Every write in the Champion Network: questions, answers, "this helped me", reports,
moderation, followed tags and the weekly digest. One transaction each, with its audit event.

Posts are for learning, not cases. Before a question or an answer is published, Petal looks in
it for the name of anyone on the author's own caseload (the people they are a current trusted
person for, and nobody else, so the warning never reveals who else Petal holds). If one
appears, the post is not published: the author sees a warning naming those people and may
change the text or publish anyway (first names are also common words). The warning is audited.

A question keeps the text of its visible answers (``answers_text``), how many there are, how
many found it helpful and when it last changed, so that search and lists need no extra work:
``_refresh`` puts them in step whenever an answer is added, hidden or restored.

Notifications carry fixed sentences, a reference such as ``Q-000123`` and a link: never the
text of a post, which may (despite the warning) mention someone.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone

from petal.access.champions import caseload_people, post_visibility
from petal.access.policy import can
from petal.access.roles import Role
from petal.accounts.models import User
from petal.accounts.selectors import users_with_role
from petal.audit.services import audit_record
from petal.champions.models import (
    Answer,
    DigestSent,
    Helped,
    Moderation,
    ModerationAction,
    PostStatus,
    Question,
    Report,
    TagFollow,
    Topic,
)
from petal.core.errors import Forbidden, NotFound, ValidationFailed, clean_text, fail
from petal.core.notify import deliverable, notify
from petal.meetings.services import names_in
from petal.reference.models import AreaOfDisadvantage

logger = logging.getLogger(__name__)

MAX_TITLE = 200
MAX_BODY = 10_000
MAX_REASON = 1_000
# The question's copy of its answers feeds the search index; PostgreSQL refuses a tsvector
# over 1 MB, so only the start of a very long discussion is searchable.
MAX_ANSWERS_TEXT = 200_000
# The same question from the same author this soon again is a double click: not a new post.
REPEAT_WINDOW = dt.timedelta(minutes=1)


def reference(question: Question) -> str:
    return f"Q-{question.pk:06d}"


def _link(question: Question) -> str:
    return reverse("network:question", kwargs={"question_id": question.pk})


def _tell(users, *, subject: str, message: str, ref: str, link: str) -> None:
    """Email the users (active, with a deliverable address) once the change is committed."""
    to = deliverable(u.email for u in users if u is not None and u.is_active)
    if to:
        transaction.on_commit(
            lambda: notify(to=to, subject=subject, message=message, reference=ref, link=link)
        )


# --- the caseload-name warning -------------------------------------------------------------------


class NameWarning(ValidationFailed):
    """The post appears to name someone on the author's own caseload: not published."""

    def __init__(self, people: list):
        self.people = people
        names = ", ".join(p.full_name for p in people)
        message = (
            f"This appears to name someone you support: {names}. Posts in the network are for "
            "learning, not about cases: take the name out, or say it is not about them."
        )
        super().__init__(message, field_errors={"publish_anyway": [message]})

    @property
    def names(self) -> list[str]:
        return [p.full_name for p in self.people]


def _check_names(actor, text: str, *, publish_anyway: bool, post: str) -> list:
    """The people of the author's caseload the text appears to name. Unless the author has
    said it is not about them, warn (audited, kept even though nothing is published)."""
    matched = names_in(text, caseload_people(actor))
    if matched and not publish_anyway:
        # Its own transaction: the warning is kept although the post is not written.
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="network.name_warning",
                data={"post": post, "people": sorted(p.pk for p in matched)},
            )
        raise NameWarning(matched)
    return matched


# --- tags ----------------------------------------------------------------------------------------


def _tags(area_codes, topic_slugs) -> tuple[list[AreaOfDisadvantage], list[Topic]]:
    area_codes = {str(c) for c in (area_codes or []) if c}
    topic_slugs = {str(s) for s in (topic_slugs or []) if s}
    areas = list(AreaOfDisadvantage.objects.filter(code__in=area_codes))
    topics = list(Topic.objects.filter(slug__in=topic_slugs))
    if len(areas) != len(area_codes):
        fail("areas", "Choose areas from the list")
    if len(topics) != len(topic_slugs):
        fail("topics", "Choose topics from the list")
    return areas, topics


def _may_use(actor) -> None:
    if not can(actor, "network.use"):
        raise Forbidden("Your role does not allow this")


# --- questions and answers -----------------------------------------------------------------------


def question_ask(
    *,
    actor,
    title: str,
    body: str,
    areas=(),
    topics=(),
    publish_anyway: bool = False,
) -> Question:
    """Ask the network a question, tagged with areas (codes) and topics (slugs). Not published
    if it appears to name someone the author supports, unless they say it is not about them.
    The same title and body from the same author within a minute is a double submit: the
    question already asked is returned and nothing is published twice."""
    _may_use(actor)
    title = clean_text(
        title, field="title", label="a title for your question", limit=MAX_TITLE, required=True
    )
    body = clean_text(body, field="body", label="your question", limit=MAX_BODY, required=True)
    area_rows, topic_rows = _tags(areas, topics)
    matched = _check_names(
        actor, f"{title}\n{body}", publish_anyway=publish_anyway, post="question"
    )
    with transaction.atomic():
        # The author's row is locked so that two presses of "Post" are handled one at a time.
        User.objects.select_for_update().filter(pk=actor.pk).exists()
        now = timezone.now()
        repeat = (
            Question.objects.filter(
                author=actor, title=title, body=body, created_at__gte=now - REPEAT_WINDOW
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if repeat is not None:
            return repeat
        question = Question.objects.create(
            author=actor, title=title, body=body, created_at=now, last_activity_at=now
        )
        question.areas.set(area_rows)
        question.topics.set(topic_rows)
        audit_record(
            actor=actor,
            action="question.asked",
            obj=question,
            data={
                "areas": sorted(a.code for a in area_rows),
                "topics": sorted(t.slug for t in topic_rows),
                "published_anyway": sorted(p.pk for p in matched),
            },
        )
    return question


def _locked_question(actor, question_id) -> Question:
    try:
        question_id = int(question_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such question") from exc
    question = (
        Question.objects.select_for_update(of=("self",))
        .filter(post_visibility(actor), pk=question_id)
        .select_related("author")
        .first()
    )
    if question is None:
        raise NotFound("No such question")
    return question


def _refresh(question: Question) -> None:
    """Put the question's copy of its visible answers in step (text, count, last activity),
    and let go of an accepted answer that is no longer visible."""
    visible = Answer.objects.filter(question=question, status=PostStatus.VISIBLE).order_by(
        "created_at", "id"
    )
    bodies = list(visible.values_list("body", flat=True))
    latest = visible.aggregate(latest=Max("created_at"))["latest"]
    question.answers_text = "\n\n".join(bodies)[:MAX_ANSWERS_TEXT]
    question.answer_count = len(bodies)
    question.last_activity_at = max(filter(None, [question.created_at, latest]))
    if question.accepted_answer_id and not visible.filter(pk=question.accepted_answer_id).exists():
        question.accepted_answer = None
    question.save(
        update_fields=["answers_text", "answer_count", "last_activity_at", "accepted_answer"]
    )


def answer_add(*, actor, question_id, body: str, publish_anyway: bool = False) -> Answer:
    """Answer a visible question. Not published if it appears to name someone the author
    supports, unless they say it is not about them. The question's author is told."""
    _may_use(actor)
    body = clean_text(body, field="body", label="your answer", limit=MAX_BODY, required=True)
    # Found before the name check, so a question the reader may not see is 404 either way.
    from petal.champions.selectors.network import questions_visible_to

    try:
        exists = questions_visible_to(actor).filter(pk=int(question_id)).exists()
    except (TypeError, ValueError):
        exists = False
    if not exists:
        raise NotFound("No such question")
    matched = _check_names(actor, body, publish_anyway=publish_anyway, post="answer")
    with transaction.atomic():
        question = _locked_question(actor, question_id)
        if question.status != PostStatus.VISIBLE:
            fail("body", "This question has been hidden, so it cannot be answered")
        answer = Answer.objects.create(question=question, author=actor, body=body)
        _refresh(question)
        audit_record(
            actor=actor,
            action="question.answered",
            obj=answer,
            data={"question": question.pk, "published_anyway": sorted(p.pk for p in matched)},
        )
        if question.author_id and question.author_id != actor.pk:
            _tell(
                [question.author],
                subject="Your question has an answer",
                message="Someone in the Champion Network has answered your question.",
                ref=reference(question),
                link=_link(question),
            )
    return answer


@transaction.atomic
def answer_accept(*, actor, answer_id) -> Answer:
    """The question's author marks the answer that helped most (and may change it later)."""
    from petal.champions.selectors.network import answer_get_for

    answer = answer_get_for(actor, answer_id)
    question = _locked_question(actor, answer.question_id)
    if question.author_id != actor.pk:
        raise Forbidden("Only the person who asked the question can accept an answer")
    if answer.status != PostStatus.VISIBLE or question.status != PostStatus.VISIBLE:
        fail("answer", "A hidden post cannot be accepted")
    previous = question.accepted_answer_id
    if previous == answer.pk:
        return answer
    question.accepted_answer = answer
    question.save(update_fields=["accepted_answer"])
    audit_record(
        actor=actor,
        action="answer.accepted",
        obj=answer,
        data={"question": question.pk, "previous": previous},
    )
    if answer.author_id and answer.author_id != actor.pk:
        _tell(
            [answer.author],
            subject="Your answer was accepted",
            message="The person who asked a question in the Champion Network accepted your answer.",
            ref=reference(question),
            link=_link(question),
        )
    return answer


def _helped(actor, *, question=None, answer=None) -> bool:
    post = question or answer
    if post.status != PostStatus.VISIBLE:
        fail("post", "A hidden post cannot be marked as helpful")
    if post.author_id == actor.pk:
        fail("post", "You cannot mark your own post as helpful")
    try:
        with transaction.atomic():
            Helped.objects.create(user=actor, question=question, answer=answer)
    except IntegrityError:
        return False
    type(post).objects.filter(pk=post.pk).update(helped_count=F("helped_count") + 1)
    audit_record(
        actor=actor,
        action="post.helped",
        obj=post,
        data={"question": question.pk if question else answer.question_id},
    )
    return True


@transaction.atomic
def question_helped(*, actor, question_id) -> bool:
    """ "This helped me" on a question: once per reader (a second press changes nothing).
    True when it was counted now."""
    from petal.champions.selectors.network import _question

    return _helped(actor, question=_question(actor, question_id))


@transaction.atomic
def answer_helped(*, actor, answer_id) -> bool:
    """ "This helped me" on an answer: once per reader. True when it was counted now."""
    from petal.champions.selectors.network import answer_get_for

    return _helped(actor, answer=answer_get_for(actor, answer_id))


# --- reports and moderation ----------------------------------------------------------------------


@transaction.atomic
def post_report(*, actor, reason: str, question_id=None, answer_id=None) -> Report:
    """Report a question or an answer to the programme team, saying why. The programme team is
    told that something was reported (not what, nor by whom)."""
    from petal.champions.selectors.network import _question, answer_get_for

    if (question_id is None) == (answer_id is None):
        raise NotFound("No such post")
    if question_id is not None:
        question, answer = _question(actor, question_id), None
    else:
        answer = answer_get_for(actor, answer_id)
        question = answer.question
    post = answer or question
    reason = clean_text(
        reason, field="reason", label="why you are reporting it", limit=MAX_REASON, required=True
    )
    target = {"reporter": actor, "question": None if answer else question, "answer": answer}
    existing = Report.objects.filter(**target, resolved_at=None).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = Report.objects.create(**target, reason=reason)
    except IntegrityError:
        # A second press got there first (one open report per reader and post).
        return Report.objects.get(**target, resolved_at=None)
    audit_record(
        actor=actor,
        action="post.reported",
        obj=post,
        data={"report": report.pk, "question": question.pk},
    )
    _tell(
        [u for u in users_with_role(Role.PROGRAMME_TEAM) if u.pk != actor.pk],
        subject="A network post was reported",
        message="Someone reported a post in the Champion Network. Please look at it.",
        ref=reference(question),
        link=reverse("network:moderation"),
    )
    return report


@transaction.atomic
def post_moderate(
    *, actor, action: str, reason: str, question_id=None, answer_id=None
) -> Moderation:
    """The programme team hides a post, or restores a hidden one, saying why. It resolves the
    post's open reports; the author is told and sees the reason on the question's page."""
    if not can(actor, "network.moderate"):
        raise NotFound("No such post")
    if (question_id is None) == (answer_id is None):
        raise NotFound("No such post")
    if action not in ModerationAction.values:
        fail("action", "Choose whether to hide or restore the post")
    reason = clean_text(reason, field="reason", label="the reason", limit=MAX_REASON, required=True)
    if question_id is not None:
        post = question = _locked_question(actor, question_id)
    else:
        try:
            answer_id = int(answer_id)
        except (TypeError, ValueError) as exc:
            raise NotFound("No such answer") from exc
        post = Answer.objects.select_for_update(of=("self",)).filter(pk=answer_id).first()
        if post is None:
            raise NotFound("No such answer")
        question = _locked_question(actor, post.question_id)
    wanted = PostStatus.HIDDEN if action == ModerationAction.HIDE else PostStatus.VISIBLE
    if post.status == wanted:
        fail(
            "action",
            "This post is already hidden" if action == "hide" else "This post is not hidden",
        )
    post.status = wanted
    post.save(update_fields=["status"])
    is_answer = isinstance(post, Answer)
    moderation = Moderation.objects.create(
        question=None if is_answer else post,
        answer=post if is_answer else None,
        action=action,
        reason=reason,
        by=actor,
    )
    if is_answer:
        _refresh(question)
    resolved = (
        Report.objects.filter(resolved_at=None)
        .filter(**({"answer": post} if is_answer else {"question": post}))
        .update(resolved_at=timezone.now(), resolved_by=actor)
    )
    audit_record(
        actor=actor,
        action="post.hidden" if action == ModerationAction.HIDE else "post.restored",
        obj=post,
        data={"question": question.pk, "moderation": moderation.pk, "reports_resolved": resolved},
    )
    if post.author_id and post.author_id != actor.pk:
        hidden = action == ModerationAction.HIDE
        _tell(
            [post.author],
            subject="Your network post was hidden" if hidden else "Your network post is back",
            message=(
                "The programme team hid a post of yours in the Champion Network. Sign in to "
                "read why."
                if hidden
                else "The programme team restored a post of yours in the Champion Network."
            ),
            ref=reference(question),
            link=_link(question),
        )
    return moderation


# --- following tags ------------------------------------------------------------------------------


_TAG_TYPE = {"area": "reference.areaofdisadvantage", "topic": "champions.topic"}


@transaction.atomic
def tags_follow(*, actor, areas=(), topics=()) -> tuple[int, int]:
    """Follow exactly these areas (codes) and topics (slugs): new questions carrying them come
    in the reader's weekly digest. Returns how many were followed and unfollowed now."""
    _may_use(actor)
    area_rows, topic_rows = _tags(areas, topics)
    wanted = {("area", a.pk): a for a in area_rows} | {("topic", t.pk): t for t in topic_rows}
    current = {
        ("area", f.area_id) if f.area_id else ("topic", f.topic_id): f
        for f in TagFollow.objects.select_for_update().filter(user=actor)
    }
    added = removed = 0
    for key, follow in current.items():
        if key not in wanted:
            follow.delete()
            removed += 1
            audit_record(
                actor=actor,
                action="tag.unfollowed",
                object_type=_TAG_TYPE[key[0]],
                object_id=key[1],
            )
    for key, tag in wanted.items():
        if key in current:
            continue
        try:
            with transaction.atomic():
                TagFollow.objects.create(
                    user=actor,
                    area=tag if key[0] == "area" else None,
                    topic=tag if key[0] == "topic" else None,
                )
        except IntegrityError:
            continue  # a request at the same moment followed it first: already followed
        added += 1
        audit_record(
            actor=actor,
            action="tag.followed",
            object_type=_TAG_TYPE[key[0]],
            object_id=key[1],
        )
    return added, removed


# --- the weekly digest ---------------------------------------------------------------------------


def this_monday(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


def _digest_questions(user, *, since: dt.datetime, until: dt.datetime) -> list[int]:
    follows = TagFollow.objects.filter(user=user)
    areas = [f.area_id for f in follows if f.area_id]
    topics = [f.topic_id for f in follows if f.topic_id]
    new = Question.objects.filter(
        status=PostStatus.VISIBLE, created_at__gte=since, created_at__lt=until
    ).exclude(author=user)
    tagged = new.filter(areas__in=areas).values_list("pk", flat=True)
    topical = new.filter(topics__in=topics).values_list("pk", flat=True)
    return sorted(set(tagged) | set(topical))


def _send_digest(user, week_starting: dt.date, *, since, until) -> bool:
    if not can(user, "network.use"):
        return False
    questions = _digest_questions(user, since=since, until=until)
    if not questions:
        return False
    try:
        with transaction.atomic():
            digest = DigestSent.objects.create(
                user=user, week_starting=week_starting, question_count=len(questions)
            )
            audit_record(
                actor=None,
                action="network.digest_sent",
                obj=user,
                data={"week_starting": week_starting.isoformat(), "questions": questions},
            )
            count = len(questions)
            _tell(
                [user],
                subject="This week in the Champion Network",
                message=(
                    f"{count} new question{'s' if count != 1 else ''} in the Champion Network "
                    "carry the tags you follow. Follow the link to read them."
                ),
                ref=f"D-{digest.pk:06d}",
                link=f"{reverse('network:questions')}?following=1",
            )
    except IntegrityError:
        # Another run sent this week's digest to them first.
        return False
    return True


def network_digest(*, week_starting: dt.date | str | None = None) -> int:
    """Send each active reader who follows a tag one email about the visible questions asked
    in the seven days before ``week_starting`` (this week's Monday unless given) that carry a
    tag they follow and that they did not ask. Once a week each: a second run sends nothing.
    Returns how many digests were sent."""
    if isinstance(week_starting, str):
        week_starting = dt.date.fromisoformat(week_starting)
    week_starting = week_starting or this_monday()
    until = timezone.make_aware(dt.datetime.combine(week_starting, dt.time.min))
    since = until - dt.timedelta(days=7)
    already = DigestSent.objects.filter(week_starting=week_starting).values("user_id")
    readers = (
        User.objects.filter(is_active=True, pk__in=TagFollow.objects.values("user_id"))
        .exclude(pk__in=already)
        .order_by("pk")
    )
    return sum(1 for user in readers if _send_digest(user, week_starting, since=since, until=until))
