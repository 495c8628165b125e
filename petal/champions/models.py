"""Trusted Person Champions: the pledge and the champions directory, support connections from
trusted persons, the Champion Network (questions and answers, tags, digests, moderation),
success stories, events, and barriers a champion raises on behalf of a trusted person.

Nothing here is a record about a person Petal supports, with one exception: a support
connection may point at a person, and only when a consent in force covers the champion; it is
shown to the champion only while the access policy still lets them see that person
(``petal.access.champions``). Reads go through ``petal.champions.selectors``; writes through
``petal.champions.services``.

The seam for barriers: ``NetworkBarrier`` rows are what champions raise on behalf of trusted
persons. The barriers issue links each to the barrier it becomes (``barrier_ref`` until then
holds nothing), as it does for ``meetings.RaisedBarrier``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class Topic(models.Model):
    """A subject beyond the five areas: a champion's skill and a network tag at once ("benefits",
    "housing applications", "working with probation"). The programme team keeps the list."""

    slug = models.SlugField(unique=True, max_length=80)
    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


# --- the pledge and the directory ----------------------------------------------------------------


class ChampionStatus(models.TextChoices):
    # A visitor's signature, until they follow the link emailed to them (proving the address
    # is theirs). It holds nothing: not the email's place, not a line in the queue.
    UNCONFIRMED = "unconfirmed", "Waiting for the email address to be confirmed"
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Not approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


CHAMPION_CURRENT = (ChampionStatus.PENDING, ChampionStatus.APPROVED)


class Champion(models.Model):
    """A signature of the pledge and, once the programme team approves it, a champion's entry
    in the directory. A visitor without a sign-in gives their name, organisation and email; the
    approval gives them a sign-in. Withdrawing takes them out of the directory at once."""

    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="champion_pledges"
    )
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="champions",
    )
    # What a visitor typed when their organisation is not yet in Petal's list.
    organisation_name = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    district = models.ForeignKey(
        "reference.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partnership = models.ForeignKey(
        "reference.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    areas = models.ManyToManyField("reference.AreaOfDisadvantage", blank=True, related_name="+")
    skills = models.ManyToManyField(Topic, blank=True, related_name="champions")
    help_with = models.TextField(blank=True)
    how_to_reach = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=20, choices=ChampionStatus.choices, default=ChampionStatus.PENDING
    )
    # The pledge as it read when they signed it (the programme team may change it later).
    pledge_text = models.TextField(blank=True)
    signed_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["status", "full_name"]),
            models.Index(fields=["user", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=Q(status__in=["pending", "approved"]),
                name="one_current_pledge_per_email",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name


# --- support connections -------------------------------------------------------------------------


class ConnectionKind(models.TextChoices):
    SUPPORT = "support", "Asking for support"
    CONCERN = "concern", "Raising a concern"


class ConnectionStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for a reply"
    ACCEPTED = "accepted", "Accepted"
    SUGGESTED = "suggested", "Another champion suggested"
    CLOSED = "closed", "Closed"


class SupportConnection(models.Model):
    """A trusted person asks a champion for support, or raises a concern through them. The note
    carries no personal details of the people they support; ``person`` is set only when a
    consent in force covers the champion, and shown only while it still does."""

    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    champion = models.ForeignKey(Champion, on_delete=models.PROTECT, related_name="connections")
    kind = models.CharField(max_length=20, choices=ConnectionKind.choices)
    note = models.TextField()
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.REQUESTED
    )
    response = models.TextField(blank=True)
    suggested = models.ForeignKey(
        Champion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closing_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "status"]),
            models.Index(fields=["champion", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C-{self.pk:06d}"


# --- the Champion Network ------------------------------------------------------------------------


class PostStatus(models.TextChoices):
    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Hidden by the programme team"


class Question(models.Model):
    """A question to the network. ``answers_text`` is the text of its visible answers, kept by
    the services for full-text search (SQLite FTS5 or PostgreSQL, see the search migration)."""

    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField()
    areas = models.ManyToManyField("reference.AreaOfDisadvantage", blank=True, related_name="+")
    topics = models.ManyToManyField(Topic, blank=True, related_name="questions")
    status = models.CharField(max_length=20, choices=PostStatus.choices, default=PostStatus.VISIBLE)
    accepted_answer = models.ForeignKey(
        "Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answers_text = models.TextField(blank=True)
    answer_count = models.PositiveIntegerField(default=0)
    helped_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-last_activity_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    status = models.CharField(max_length=20, choices=PostStatus.choices, default=PostStatus.VISIBLE)
    helped_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["question", "status", "created_at"])]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class Helped(models.Model):
    """ "This helped me": once per reader per question or answer."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, answer__isnull=True)
                | Q(question__isnull=True, answer__isnull=False),
                name="helped_one_post",
            ),
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(question__isnull=False),
                name="helped_once_per_question",
            ),
            models.UniqueConstraint(
                fields=["user", "answer"],
                condition=Q(answer__isnull=False),
                name="helped_once_per_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} helped by {self.question_id or self.answer_id}"


class TagFollow(models.Model):
    """A reader follows an area or a topic: new questions with it come in their weekly digest."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(
        "reference.AreaOfDisadvantage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False, topic__isnull=True)
                | Q(area__isnull=True, topic__isnull=False),
                name="follow_one_tag",
            ),
            models.UniqueConstraint(
                fields=["user", "area"], condition=Q(area__isnull=False), name="follow_area_once"
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="follow_topic_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.area_id or self.topic_id}"


class DigestSent(models.Model):
    """One weekly digest per reader per week: running the digest twice sends nothing new."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField()
    question_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week_starting"], name="one_digest_a_week")
        ]

    def __str__(self) -> str:
        return f"Digest to {self.user_id}, week of {self.week_starting}"


class Report(models.Model):
    """Someone reports a post to the programme team, with why."""

    reporter = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["resolved_at", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(question__isnull=False, answer__isnull=True)
                | Q(question__isnull=True, answer__isnull=False),
                name="report_one_post",
            ),
            # One open report per reader per post: a double submit cannot make two.
            models.UniqueConstraint(
                fields=["reporter", "question"],
                condition=Q(resolved_at__isnull=True, question__isnull=False),
                name="one_open_report_per_question",
            ),
            models.UniqueConstraint(
                fields=["reporter", "answer"],
                condition=Q(resolved_at__isnull=True, answer__isnull=False),
                name="one_open_report_per_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk}"


class ModerationAction(models.TextChoices):
    HIDE = "hide", "Hidden"
    RESTORE = "restore", "Restored"


class Moderation(models.Model):
    """The programme team hid or restored a post (or a story), and why: the history stays."""

    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="moderations"
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="moderations"
    )
    story = models.ForeignKey(
        "Story", null=True, blank=True, on_delete=models.CASCADE, related_name="moderations"
    )
    action = models.CharField(max_length=20, choices=ModerationAction.choices)
    reason = models.TextField()
    by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%d %B %Y}"


# --- success stories -----------------------------------------------------------------------------


class Story(models.Model):
    """What worked, told by a champion or trusted person, anonymised. The programme team can
    feature it on the public pages."""

    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField()
    areas = models.ManyToManyField("reference.AreaOfDisadvantage", blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=PostStatus.choices, default=PostStatus.VISIBLE)
    created_at = models.DateTimeField(default=timezone.now)
    featured_at = models.DateTimeField(null=True, blank=True)
    featured_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["status", "-featured_at"]),
        ]

    def __str__(self) -> str:
        return self.title


# --- events --------------------------------------------------------------------------------------


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", "Workshop"
    NETWORK_MEETING = "network_meeting", "Network meeting"
    LEARNING = "learning", "Learning session"
    OTHER = "other", "Other event"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


class Event(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT)
    # Goes up whenever the time or place changes, so calendars replace the earlier copy.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # None until the programme team records attendance.
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["registered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="register_once_per_event")
        ]
        indexes = [models.Index(fields=["user", "cancelled_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.event_id}"


# --- barriers from the network -------------------------------------------------------------------


class NetworkBarrier(models.Model):
    """A barrier a champion raises on behalf of a trusted person: what gets in the way, which
    services, which areas. About the system, never a named person. The barriers issue takes it
    up the governance ladder and sets ``barrier_ref``."""

    raised_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    on_behalf_of = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    services = models.CharField(max_length=300, blank=True)
    areas = models.ManyToManyField("reference.AreaOfDisadvantage", blank=True, related_name="+")
    how_often = models.CharField(max_length=100, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    barrier_ref = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return self.summary
