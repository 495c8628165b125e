"""Barriers and governance: what gets in the way of people facing multiple disadvantage, raised
by anyone working in the system, climbing the ladder from an operational partnership to the
Tactical Group, the Strategic Group and the Cambridgeshire & Peterborough Public Service Board;
the groups that meet at each level, their members, meetings, agendas and attendance; and the
learning a resolved barrier becomes.

A barrier is about the system, never a named person. It may link to one person, only with a
consent in force that shares who they are with the partnership, and that link is shown only at
the operational level, to readers who may see the person (``petal.access.barriers``): never
above it, never in a board pack, the API, an email or the public page.

At every level a barrier is decided at a meeting of the group at that level (a partnership's
problem-solving session at the first level; a governance meeting above it) and the decision
records the lived-experience voice heard there, or why none was. Every decision is sent back to
the person who raised the barrier and everyone who said "I have met this too".

Reads go through ``petal.barriers.selectors``; writes through ``petal.barriers.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


class HowOften(models.TextChoices):
    ONCE = "once", "This once"
    NOW_AND_THEN = "now_and_then", "Now and then"
    OFTEN = "often", "Often"
    EVERY_TIME = "every_time", "Every time"


class RaisedAs(models.TextChoices):
    OWN_WORK = "own_work", "In my own work"
    FOR_TRUSTED_PERSON = "for_trusted_person", "As a champion, for a trusted person"
    FOR_PERSON = "for_person", "For a person with lived experience, in their words"
    AT_SESSION = "at_session", "At a problem-solving session"


class Status(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    BEING_RESOLVED = "being_resolved", "Being resolved"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    MERGED = "merged", "Merged into another barrier"


# A barrier in one of these states can still be decided at its level.
DECIDABLE = frozenset({Status.OPEN, Status.BEING_RESOLVED})


class Barrier(models.Model):
    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(max_length=300, help_text="What gets in the way")
    detail = models.TextField(blank=True)
    # Its effect on people: anonymised examples, never a name.
    effect = models.TextField(blank=True)
    services = models.CharField(max_length=300, blank=True)
    areas = models.ManyToManyField("reference.AreaOfDisadvantage", blank=True, related_name="+")
    how_often = models.CharField(max_length=20, choices=HowOften.choices, blank=True)
    raised_as = models.CharField(max_length=30, choices=RaisedAs.choices, default="own_work")
    raised_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_by_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The trusted person a champion raised it for.
    on_behalf_of = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The problem-solving session it was raised at, if any.
    session = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The operational partnership it starts in.
    partnership = models.ForeignKey(
        "reference.Partnership", on_delete=models.PROTECT, related_name="barriers"
    )
    # The group it sits with now, and since when (how long each level takes).
    group = models.ForeignKey(
        "reference.GovernanceGroup", on_delete=models.PROTECT, related_name="barriers"
    )
    level_since = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # One person it is about, only with consent; shown only at the operational level.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # How many others said "I have met this too" (kept by petal.barriers.services).
    me_too_count = models.PositiveIntegerField(default=0)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["group", "status"]),
            models.Index(fields=["status", "raised_at"]),
            models.Index(fields=["raised_by", "raised_at"]),
            models.Index(fields=["partnership", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="merged_barrier_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"B-{self.pk:06d}"

    @property
    def is_decidable(self) -> bool:
        return self.status in DECIDABLE


class MeToo(models.Model):
    """Someone else met the same barrier, with their own (anonymised) example."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="me_toos")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    example = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["barrier", "user"], name="me_too_once"),
        ]

    def __str__(self) -> str:
        return f"{self.barrier} me too {self.pk}"


class Outcome(models.TextChoices):
    RESOLVE = "resolve", "Resolve it here"
    ESCALATE = "escalate", "Escalate it to the next level"
    CLOSE = "close", "Close it"


class VoiceKind(models.TextChoices):
    MEMBER = "member", "A member with lived experience"
    SUPPORTER = "supporter", "A person's own words, brought by a supporter"
    SURVEY = "survey", "A survey"
    NOT_HEARD = "not_heard", "Not heard"


class Decision(models.Model):
    """What a group decided about a barrier at one of its meetings, and the lived-experience
    voice heard there (or why none was). The decisions of a barrier, in ``sequence``, are its
    history up the ladder."""

    barrier = models.ForeignKey(Barrier, on_delete=models.CASCADE, related_name="decisions")
    sequence = models.PositiveIntegerField()
    group = models.ForeignKey(
        "reference.GovernanceGroup", on_delete=models.PROTECT, related_name="+"
    )
    level = models.ForeignKey(
        "reference.GovernanceLevel", on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.PROTECT, related_name="barrier_decisions"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    # Why (escalate, close), or what will be done (resolve).
    reason = models.TextField()
    voice_kind = models.CharField(max_length=20, choices=VoiceKind.choices)
    # What they said; or, when not heard, why not.
    voice_said = models.TextField()
    escalated_to = models.ForeignKey(
        "reference.GovernanceGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Resolve: the action (owner and due date) it creates at the meeting.
    action = models.OneToOneField(
        "meetings.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField()
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["barrier", "sequence"]
        indexes = [models.Index(fields=["level", "decided_on"])]
        constraints = [
            models.UniqueConstraint(fields=["barrier", "sequence"], name="decision_sequence_once"),
            models.CheckConstraint(
                condition=~Q(outcome="escalate") | Q(escalated_to__isnull=False),
                name="escalation_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.barrier} decision {self.sequence}"

    @property
    def voice_heard(self) -> bool:
        return self.voice_kind != VoiceKind.NOT_HEARD


class DecisionNotice(models.Model):
    """Who a decision was sent back to: the raiser, the trusted person a champion raised it for,
    and everyone who said "me too"."""

    class Why(models.TextChoices):
        RAISED = "raised", "Raised it"
        ON_BEHALF = "on_behalf", "It was raised for them"
        ME_TOO = "me_too", "Met it too"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    why = models.CharField(max_length=20, choices=Why.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "user"], name="decision_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} notice {self.pk}"


class MemberRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member"
    SECRETARY = "secretary", "Secretary"


class GroupMember(models.Model):
    """A member of a governance group: a Petal user, or someone named who has no sign-in (many
    members with lived experience do not). Whether a member has lived experience is theirs to
    share: only the group's runners and its members see it (petal.access.barriers)."""

    group = models.ForeignKey(
        "reference.GovernanceGroup", on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="group_memberships"
    )
    name = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(max_length=20, choices=MemberRole.choices, default="member")
    lived_experience = models.BooleanField(default=False)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["group", "role", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="group_member_named"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.user_id:
            return self.user.display_name
        return self.name

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on > timezone.localdate()


class AgendaItem(models.Model):
    """An item on a governance meeting's agenda: a barrier for decision, or another item."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveIntegerField(default=0)
    barrier = models.ForeignKey(
        Barrier, null=True, blank=True, on_delete=models.CASCADE, related_name="agenda_items"
    )
    title = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    added_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "barrier"],
                condition=Q(barrier__isnull=False),
                name="agenda_barrier_once",
            ),
            models.CheckConstraint(
                condition=Q(barrier__isnull=False) | ~Q(title=""), name="agenda_item_has_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.barrier)


class Attendance(models.Model):
    """Whether a member came to a governance meeting."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(GroupMember, on_delete=models.CASCADE, related_name="attendance")
    attended = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["meeting", "member"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} attendance {self.pk}"


class LearningEntry(models.Model):
    """Shared learning: what the problem was, what changed, who to contact. A resolved barrier
    becomes one; published entries make the public "You said, we did" page. Written for the
    public: anonymised, never a name."""

    barrier = models.OneToOneField(
        Barrier, null=True, blank=True, on_delete=models.SET_NULL, related_name="learning"
    )
    title = models.CharField(max_length=200)
    problem = models.TextField(help_text="What the problem was")
    change = models.TextField(help_text="What changed")
    contact = models.CharField(max_length=300, help_text="Who to contact")
    areas = models.ManyToManyField("reference.AreaOfDisadvantage", blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"L-{self.pk:06d}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class LearningLink(models.Model):
    """A Champion Network question that links to a learning entry."""

    entry = models.ForeignKey(LearningEntry, on_delete=models.CASCADE, related_name="links")
    question = models.ForeignKey(
        "champions.Question", on_delete=models.CASCADE, related_name="learning_links"
    )
    linked_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "question"], name="learning_link_once"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} link {self.pk}"
