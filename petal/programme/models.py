"""Running the programme: partners and their contributions, milestones, newsletters, the
learning library, trauma-informed self-assessment and the co-production register.

Nothing here is about a person Petal supports. The co-production register and newsletter
subscribers hold personal details of people with lived experience and of subscribers: they are
the programme team's alone (petal.access.programme) and every read of them is audited.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


def _token() -> str:
    return secrets.token_urlsafe(32)


# ---------------------------------------------------------------------------------------------
# Partners and contributions
# ---------------------------------------------------------------------------------------------


class PartnerTier(models.TextChoices):
    # The seed's two lists: partners who pledged support, led by the Public Service Board, and
    # the growing list of other partners.
    SUPPORTING = "supporting", "Partners who have pledged support"
    OTHER = "other", "Other partners"


class Partner(models.Model):
    """An organisation taking part in the programme (one row per organisation)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="partner"
    )
    tier = models.CharField(max_length=20, choices=PartnerTier.choices)
    # Shown on the public partners page; a partner can be recorded before it is announced.
    listed = models.BooleanField(default=True)
    joined_on = models.DateField(null=True, blank=True)
    summary = models.CharField(max_length=300, blank=True, help_text="How they take part")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def reference(self) -> str:
        return f"PA-{self.pk:06d}"


class ContributionKind(models.TextChoices):
    FINANCIAL = "financial", "Financial"
    STAFFING = "staffing", "Staffing"
    OTHER = "other", "Other"


class ContributionStatus(models.TextChoices):
    COMMITTED = "committed", "Committed"
    POTENTIAL = "potential", "Potential (subject to formal agreement)"


class Contribution(models.Model):
    """What a partner pledges for one financial year: money, staff time or something else.

    ``amount`` is whole pounds: required for a financial contribution, and optional for staffing
    or other ones (what the time or the thing is worth, where the partner has said). Staffing
    gives the role and either hours a week or full-time equivalent, and the period."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="contributions")
    kind = models.CharField(max_length=20, choices=ContributionKind.choices)
    status = models.CharField(max_length=20, choices=ContributionStatus.choices)
    # The year the financial year starts: 2022 is 2022/23 (1 April 2022 to 31 March 2023).
    financial_year = models.PositiveSmallIntegerField()
    amount = models.PositiveIntegerField(null=True, blank=True, help_text="Whole pounds")
    role = models.CharField(max_length=200, blank=True)
    hours_per_week = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    fte = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="For the programme team only")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Withdrawn pledges are kept for the record but leave every total.
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-financial_year", "partner__organisation__name", "id"]
        indexes = [models.Index(fields=["kind", "status", "financial_year"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="financial") | Q(amount__isnull=False),
                name="programme_financial_contribution_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_kind_display()} {self.financial_year_label}"

    @property
    def reference(self) -> str:
        return f"PC-{self.pk:06d}"

    @property
    def financial_year_label(self) -> str:
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"


# ---------------------------------------------------------------------------------------------
# Milestones
# ---------------------------------------------------------------------------------------------


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"


class Milestone(models.Model):
    """Something that happened (or will), dated as precisely as it is known: "2022", "July
    2022" or "7 July 2022". ``date`` holds the first day of the year or month when only that is
    known.

    A milestone may link to a document: a newsletter in the archive, an item in the learning
    library, or an address elsewhere. ``document_expected`` says a document should be there;
    while none is linked the programme team is shown it is missing and the public timeline says
    it will be added, never a dead link."""

    title = models.CharField(max_length=200)
    date = models.DateField()
    precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    description = models.TextField(blank=True)
    document_title = models.CharField(max_length=200, blank=True)
    document_url = models.URLField(blank=True, max_length=500)
    newsletter = models.ForeignKey(
        "Newsletter", null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones"
    )
    library_item = models.ForeignKey(
        "LibraryItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones"
    )
    document_expected = models.BooleanField(default=False)
    published = models.BooleanField(default=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["published", "date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"MS-{self.pk:06d}"


# ---------------------------------------------------------------------------------------------
# Newsletters
# ---------------------------------------------------------------------------------------------


class NewsletterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Newsletter(models.Model):
    """A newsletter: Markdown (with images from ``NewsletterImage``), published on the site and
    sent by email to confirmed subscribers through the task worker."""

    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Markdown")
    status = models.CharField(
        max_length=20, choices=NewsletterStatus.choices, default=NewsletterStatus.DRAFT
    )
    # The date it is shown under in the archive (the first newsletter: 7 July 2022).
    issue_date = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Sending is asked for once; deliveries record who it went to.
    send_requested_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-published_at", "-id"]
        indexes = [models.Index(fields=["status", "issue_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"N-{self.pk:06d}"


class NewsletterImage(models.Model):
    """An image for newsletters, kept in the database (re-encoded on upload, so no metadata such
    as a camera's location leaves with it) and served at /newsletters/images/<key>.<ext>."""

    key = models.CharField(max_length=64, unique=True, default=_token)
    alt = models.CharField(max_length=300, help_text="What the image shows, for screen readers")
    content_type = models.CharField(max_length=40)
    data = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.alt


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Subscribed"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class Subscriber(models.Model):
    """An email address on the newsletter list. Only a confirmed address is ever sent a
    newsletter (double opt-in); ``token`` is the secret in its one-click unsubscribe link."""

    email = models.EmailField(unique=True, max_length=254)
    status = models.CharField(
        max_length=20, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING
    )
    token = models.CharField(max_length=64, unique=True, default=_token)
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"Subscriber {self.pk}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent: unsubscribed before sending"
    FAILED = "failed", "Failed"


class NewsletterDelivery(models.Model):
    """One newsletter to one subscriber: at most once (the unique constraint), so sending again
    after a failure never sends anyone a second copy."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "subscriber"], name="programme_one_delivery_each"
            )
        ]
        indexes = [models.Index(fields=["newsletter", "status"])]

    def __str__(self) -> str:
        return f"Delivery of newsletter {self.newsletter_id} to subscriber {self.subscriber_id}"


# ---------------------------------------------------------------------------------------------
# Learning library
# ---------------------------------------------------------------------------------------------


class LibraryKind(models.TextChoices):
    BRIEFING_NOTE = "briefing_note", "Briefing note"
    CASE_STUDY = "case_study", "Case study"
    WORKSHOP_OUTCOME = "workshop_outcome", "Workshop outcomes"
    OTHER = "other", "Other material"


class Tag(models.Model):
    slug = models.SlugField(unique=True, max_length=80)
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LibraryItem(models.Model):
    """A document in the learning library. Its body is accessible HTML (written in Markdown);
    a PDF of it is made from that HTML, so a PDF is never the only form.

    A case study is shown publicly only while it has at least one consent recorded and none of
    its consents is withdrawn (``CaseStudyConsent``): withdrawing one takes it off at once."""

    kind = models.CharField(max_length=30, choices=LibraryKind.choices)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Markdown")
    tags = models.ManyToManyField(Tag, blank=True, related_name="items")
    areas = models.ManyToManyField("reference.AreaOfDisadvantage", blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    # Where the material came from or was first given (a workshop's date, for example).
    issued_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"LL-{self.pk:06d}"


class CaseStudyConsent(models.Model):
    """That someone in a case study agreed to its use, and can withdraw. ``who`` describes them
    without naming them ("the person the story is about", "their trusted person")."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="consents")
    who = models.CharField(max_length=200)
    agreed_on = models.DateField()
    how = models.CharField(max_length=200, help_text="How the agreement was given")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["agreed_on", "id"]
        indexes = [models.Index(fields=["item", "withdrawn_at"])]

    def __str__(self) -> str:
        return f"Agreement to use {self.item} from {self.who}"


# ---------------------------------------------------------------------------------------------
# Trauma-informed self-assessment and training
# ---------------------------------------------------------------------------------------------


class ChecklistSection(models.TextChoices):
    BUILDINGS = "buildings", "Buildings and facilities"
    PRACTICE = "practice", "Practice"
    TRAINING = "training", "Training"


class ChecklistItem(models.Model):
    """One statement an organisation rates itself against. Reference data, seeded by migration;
    an item no longer asked is made inactive, never deleted, so old answers keep their meaning."""

    section = models.CharField(max_length=20, choices=ChecklistSection.choices)
    code = models.SlugField(unique=True, max_length=60)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=400, blank=True)
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Rating(models.IntegerChoices):
    NOT_STARTED = 1, "Not started"
    BEGINNING = 2, "Beginning"
    DEVELOPING = 3, "Developing"
    EMBEDDED = 4, "Embedded"


class SelfAssessment(models.Model):
    """One organisation's assessment of itself at one time. Repeated over time, so progress
    shows; a submitted assessment is not changed again (a new one is started instead)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="self_assessments"
    )
    started_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["organisation", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.organisation} self-assessment {self.started_at:%d %B %Y}"

    @property
    def reference(self) -> str:
        return f"SA-{self.pk:06d}"


class SelfAssessmentAnswer(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    evidence = models.TextField(blank=True)
    action = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="programme_one_answer_each")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_rating_display() or 'not rated'}"


class TrainingCourse(models.TextChoices):
    TRAUMA_INFORMED = "trauma_informed", "Trauma-informed practice"
    TRUSTED_PERSON = "trusted_person", "Trusted Person approach"
    OTHER = "other", "Other"


class TrainingRecord(models.Model):
    """Training an organisation's staff took: how many, in what, when. Counts, not names."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="training_records"
    )
    course = models.CharField(max_length=30, choices=TrainingCourse.choices)
    title = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    staff_trained = models.PositiveIntegerField()
    provider = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["organisation", "course"])]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_course_display()} {self.completed_on:%B %Y}"


# ---------------------------------------------------------------------------------------------
# Co-production register
# ---------------------------------------------------------------------------------------------


class Contributor(models.Model):
    """A person with lived experience who takes part in shaping the work. Their contact details
    are kept only while they agree to be contacted; ``named_as`` is how they want to be named
    (a first name, initials, a chosen name, or "Anonymous")."""

    named_as = models.CharField(max_length=100)
    consent_to_contact = models.BooleanField(default=False)
    consent_recorded_on = models.DateField(null=True, blank=True)
    how_to_contact = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True, max_length=254)
    phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["named_as", "id"]

    def __str__(self) -> str:
        return self.named_as

    @property
    def reference(self) -> str:
        return f"CP-{self.pk:06d}"


class ParticipationKind(models.TextChoices):
    DESIGN_SESSION = "design_session", "Design session"
    TACTICAL_GROUP = "tactical_group", "Tactical Group meeting"
    STRATEGIC_GROUP = "strategic_group", "Strategic Group meeting"
    BOARD_MEETING = "board_meeting", "Public Service Board meeting"
    CASE_STUDY = "case_study", "Case-study writing"
    PARTNERSHIP = "partnership", "Operational partnership meeting"
    OTHER = "other", "Other"


class Participation(models.Model):
    contributor = models.ForeignKey(
        Contributor, on_delete=models.CASCADE, related_name="participations"
    )
    kind = models.CharField(max_length=30, choices=ParticipationKind.choices)
    took_part_on = models.DateField()
    description = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-took_part_on", "-id"]

    def __str__(self) -> str:
        return f"{self.contributor}: {self.get_kind_display()} {self.took_part_on:%d %B %Y}"


class RecognitionKind(models.TextChoices):
    VOUCHER = "voucher", "Voucher"
    PAYMENT = "payment", "Payment"
    EXPENSES = "expenses", "Expenses"


class Recognition(models.Model):
    contributor = models.ForeignKey(
        Contributor, on_delete=models.CASCADE, related_name="recognitions"
    )
    participation = models.ForeignKey(
        Participation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=RecognitionKind.choices)
    amount = models.DecimalField(max_digits=8, decimal_places=2, help_text="Pounds")
    given_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.contributor}: {self.get_kind_display()} £{self.amount}"


class Feedback(models.Model):
    """What people with lived experience told us, and what was done about it. A response the
    programme team chooses to publish joins the public "You said, we did" page."""

    contributor = models.ForeignKey(
        Contributor, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    received_on = models.DateField()
    where = models.CharField(max_length=200, blank=True, help_text="Where it was said")
    said = models.TextField()
    response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["published_at"])]

    def __str__(self) -> str:
        return f"Feedback {self.reference}"

    @property
    def reference(self) -> str:
        return f"FB-{self.pk:06d}"


# ---------------------------------------------------------------------------------------------
# Contact
# ---------------------------------------------------------------------------------------------


class ContactTopic(models.TextChoices):
    QUESTION = "question", "A question"
    FEEDBACK = "feedback", "Feedback"
    GET_INVOLVED = "get_involved", "Getting involved"
    LIVED_EXPERIENCE = "lived_experience", "Sharing my lived experience"
    OTHER = "other", "Something else"


class ContactStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "Being dealt with"
    CLOSED = "closed", "Closed"


class ContactMessage(models.Model):
    """A message from the public contact form: kept, triaged by the programme team and
    acknowledged by email. The sender's details are personal data: the programme team alone
    reads them, and every read is audited."""

    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    topic = models.CharField(max_length=30, choices=ContactTopic.choices)
    message = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=20, choices=ContactStatus.choices, default=ContactStatus.NEW
    )
    assigned_to = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triage_note = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"C-{self.pk:06d}"


def financial_year_of(day: dt.date) -> int:
    """The financial year a day falls in, by the year it starts (UK: 1 April)."""
    return day.year if day.month >= 4 else day.year - 1
