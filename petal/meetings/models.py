"""Meetings: professionals meetings about one person, convened by their trusted person, and
operational partnerships' problem-solving sessions about the people trusted persons bring; the
minutes, decisions and actions that come out of them.

What a reader sees of a person discussed at a meeting is worked out at every request from the
person's consents (``petal.access.meetings``): a withdrawal hides them at once, in the page, the
information pack and the API. Reads go through ``petal.meetings.selectors``; writes through
``petal.meetings.services``.

Barriers: a session records the barriers raised in it as ``RaisedBarrier`` rows, each also
raised as a ``petal.barriers`` barrier whose reference ``barrier_ref`` holds. Governance groups
above the operational level meet as ``Kind.GOVERNANCE`` meetings, whose agenda, attendance and
barrier decisions live in ``petal.barriers``; their actions are this app's ``Action``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.TextChoices):
    PROFESSIONALS = "professionals", "Professionals meeting"
    PARTNERSHIP = "partnership", "Problem-solving session"
    # A meeting of a governance group above the operational level (petal.barriers): Tactical
    # Group, Strategic Group, Public Service Board. Not about any person.
    GOVERNANCE = "governance", "Governance meeting"


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    INVITED = "invited", "Invitations sent"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A problem-solving session belongs to one operational partnership.
    partnership = models.ForeignKey(
        "reference.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    # A governance meeting belongs to one governance group.
    group = models.ForeignKey(
        "reference.GovernanceGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    # What the meeting is for. Every invitee reads it, so it never names the person: Petal
    # refuses a purpose that does (petal.meetings.services).
    purpose = models.TextField()
    agenda = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    convener_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    # Minutes: about the person at a professionals meeting (seen only by those who may see
    # them); about the session as a whole at a problem-solving session (cases have their own).
    minutes = models.TextField(blank=True)
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=500, blank=True)
    # Bumped on every change to the time or place, so calendars update the event.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["convened_by", "starts_at"]),
            models.Index(fields=["partnership", "starts_at"]),
            models.Index(fields=["kind", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(kind="partnership") | Q(partnership__isnull=False),
                name="session_has_partnership",
            ),
            models.CheckConstraint(
                condition=~Q(kind="governance") | Q(group__isnull=False),
                name="governance_meeting_has_group",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"M-{self.pk:06d}"

    @property
    def title(self) -> str:
        """The name every invitee sees: never a person's."""
        if self.kind == Kind.PARTNERSHIP and self.partnership_id:
            return f"{self.partnership.name} problem-solving session"
        if self.kind == Kind.GOVERNANCE and self.group_id:
            return f"{self.group.name} meeting"
        return "Professionals meeting"

    @property
    def is_professionals(self) -> bool:
        return self.kind == Kind.PROFESSIONALS

    @property
    def is_governance(self) -> bool:
        return self.kind == Kind.GOVERNANCE

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()


class Voice(models.TextChoices):
    ATTENDED = "attended", "They came to the meeting"
    SENT_VIEWS = "sent_views", "They sent their views"
    CHOSE_NOT = "chose_not", "They chose not to take part"


class Retold(models.TextChoices):
    NO = "no", "No: they did not have to tell their story again"
    YES = "yes", "Yes: they had to tell their story again"


class MeetingCase(models.Model):
    """A person discussed at a meeting: the one person of a professionals meeting, or one of
    the people trusted persons bring to a problem-solving session (with consent to share with
    the partnership)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="cases")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="meeting_cases"
    )
    brought_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the trusted person hopes the session can help with (a session's case list).
    question = models.TextField(blank=True)
    # The person's voice: did they come, send their views (in their words), or choose not to.
    voice = models.CharField(max_length=20, choices=Voice.choices, blank=True)
    views = models.TextField(blank=True, help_text="In their own words")
    # Did they have to tell their story again? Feeds the "tell it once" measure.
    retold = models.CharField(max_length=5, choices=Retold.choices, blank=True)
    outcome = models.TextField(blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["person", "meeting"])]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meeting_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} case {self.pk}"


class Reply(models.TextChoices):
    PENDING = "pending", "Not replied"
    ATTENDING = "attending", "Attending"
    NOT_ATTENDING = "not_attending", "Not attending"


class Invitation(models.Model):
    """An invitee: one Petal user, or one organisation from the directory."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
    )
    # The convener saw that the person has not agreed to share with this invitee and chose
    # to invite them without the person's details.
    without_details = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    reply = models.CharField(max_length=20, choices=Reply.choices, default=Reply.PENDING)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attended = models.BooleanField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        indexes = [
            models.Index(fields=["user", "meeting"]),
            models.Index(fields=["organisation", "meeting"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, organisation__isnull=True)
                | Q(user__isnull=True, organisation__isnull=False),
                name="invitation_has_one_invitee",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="invitation_user_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                condition=Q(organisation__isnull=False),
                name="invitation_organisation_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} invitation {self.pk}"

    @property
    def label(self) -> str:
        if self.user_id:
            return self.user.display_name
        return self.organisation.name


class Decision(models.Model):
    """A decision recorded at a meeting, about one case or (sessions) about the session."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    case = models.ForeignKey(
        MeetingCase, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.meeting} decision {self.pk}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


ACTION_OPEN = frozenset({ActionStatus.OPEN, ActionStatus.IN_PROGRESS})


class Action(models.Model):
    """Something someone agreed to do: owned by a person or an organisation, with a due date.
    Governance meetings (the barriers issue) reuse these."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    case = models.ForeignKey(
        MeetingCase, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    # Its owner reads this whether or not the person agreed to share with them, so it never
    # names the person (petal.meetings.services refuses one that does).
    description = models.TextField()
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_owned",
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions_owned",
    )
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default="open")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    status_note = models.CharField(max_length=500, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner_user", "status", "due_on"]),
            models.Index(fields=["owner_organisation", "status", "due_on"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False, owner_organisation__isnull=True)
                | Q(owner_user__isnull=True, owner_organisation__isnull=False),
                name="action_has_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"A-{self.pk:06d}"

    @property
    def owner_label(self) -> str:
        if self.owner_user_id:
            return self.owner_user.display_name
        return self.owner_organisation.name

    @property
    def is_open(self) -> bool:
        return self.status in ACTION_OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class RaisedBarrier(models.Model):
    """A barrier raised at a problem-solving session: what got in the way, for whom, in which
    areas. The barriers issue turns these into barriers on the governance ladder; until then
    ``barrier_ref`` is empty. Never about a named person."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="barriers")
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    services = models.CharField(max_length=300, blank=True)
    areas = models.ManyToManyField("reference.AreaOfDisadvantage", blank=True, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    barrier_ref = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return self.summary
