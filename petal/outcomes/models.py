"""Outcomes and reports: assessments over time, service use by quarter, background exports and
caseload imports.

Assessments and service use are a person's information: they are read only through
``petal.outcomes.selectors`` (the access policy, in the query, with an audit event). An
assessment tool's definition is data (``AssessmentTool`` and its items), so another tool can be
added without code; the NDT assessment and the ONS personal wellbeing questions are seeded.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

USER = settings.AUTH_USER_MODEL


# ---------------------------------------------------------------------------------------------
# Assessment tools (definitions are data)
# ---------------------------------------------------------------------------------------------


class AssessmentTool(models.Model):
    """An assessment the programme uses, such as the NDT assessment."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    # What the answers look back on, shown with the questions ("in the past month").
    period = models.CharField(max_length=200, blank=True)
    # The information categories a reader needs to see the results (petal.access.categories):
    # the NDT assessment describes needs and risks; a wellbeing measure describes health.
    categories = models.JSONField(default=list)
    # Whether the item scores add up to a meaningful total (NDT: 0–48), and which way is better.
    has_total = models.BooleanField(default=True)
    lower_is_better = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AssessmentItem(models.Model):
    """One question of a tool, with the scores it allows and what each score means.

    ``scores`` is a list of ``[value, "plain-words description"]`` pairs, lowest first."""

    tool = models.ForeignKey(AssessmentTool, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    question = models.CharField(max_length=400, blank=True)
    scores = models.JSONField()
    lower_is_better = models.BooleanField(default=True)

    class Meta:
        ordering = ["tool", "order"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "code"], name="one_item_code_per_tool"),
            models.UniqueConstraint(fields=["tool", "order"], name="one_item_order_per_tool"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def allowed(self) -> list[int]:
        return [int(value) for value, _ in self.scores]

    @property
    def highest(self) -> int:
        return max(self.allowed)


# ---------------------------------------------------------------------------------------------
# Assessments of a person, over time
# ---------------------------------------------------------------------------------------------


class Assessment(models.Model):
    """One completed assessment of a person, recorded by their trusted person."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="assessments"
    )
    tool = models.ForeignKey(AssessmentTool, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField()
    # The sum of the item scores, kept when the tool has a total (for fast cohort figures).
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessed_on", "id"]
        indexes = [
            models.Index(fields=["person", "tool", "assessed_on"]),
            models.Index(fields=["tool", "assessed_on"]),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.pk}"

    @property
    def reference(self) -> str:
        return f"AS-{self.pk:06d}"


class AssessmentAnswer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(AssessmentItem, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["item__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"Answer {self.pk}"


# ---------------------------------------------------------------------------------------------
# Service use, by quarter
# ---------------------------------------------------------------------------------------------

# The measures the national programme and MEAM areas use: (field, label, information category).
SERVICE_USE_MEASURES = [
    ("rough_sleeping_nights", "Nights sleeping rough", "needs"),
    ("evictions", "Evictions", "needs"),
    ("arrests", "Arrests", "justice"),
    ("prison_nights", "Nights in prison", "justice"),
    ("ae_attendances", "A&E attendances", "health"),
    ("crisis_contacts", "Mental health crisis contacts", "health"),
    ("drug_alcohol_contacts", "Drug and alcohol service contacts", "health"),
]


class ServiceUse(models.Model):
    """How much a person used crisis and other services in one quarter, where known: an empty
    measure is not known (which is not the same as none)."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    # The first day of the quarter (January, April, July or October).
    quarter = models.DateField()
    rough_sleeping_nights = models.PositiveSmallIntegerField(null=True, blank=True)
    evictions = models.PositiveSmallIntegerField(null=True, blank=True)
    arrests = models.PositiveSmallIntegerField(null=True, blank=True)
    prison_nights = models.PositiveSmallIntegerField(null=True, blank=True)
    ae_attendances = models.PositiveSmallIntegerField(null=True, blank=True)
    crisis_contacts = models.PositiveSmallIntegerField(null=True, blank=True)
    drug_alcohol_contacts = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["quarter", "id"]
        indexes = [models.Index(fields=["quarter"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "quarter"], name="one_service_use_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"Service use {self.pk}"


# ---------------------------------------------------------------------------------------------
# Background exports
# ---------------------------------------------------------------------------------------------


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being prepared"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Could not be prepared"


class ExportJob(models.Model):
    """A long export prepared in the background; only the person who asked downloads it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    # What is exported (a dashboard's slug, "cohort-people", "quarterly-report" …).
    kind = models.CharField(max_length=60)
    params = models.JSONField(default=dict)
    format = models.CharField(max_length=10)
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "created_at"])]

    def __str__(self) -> str:
        return f"Export {self.pk}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))


# ---------------------------------------------------------------------------------------------
# Caseload imports
# ---------------------------------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    CHECKED = "checked", "Checked, not imported"
    IMPORTED = "imported", "Imported"
    UNDONE = "undone", "Undone"


class ImportBatch(models.Model):
    """A spreadsheet of people, needs and trusted persons: checked, then imported whole, and
    undone whole if need be."""

    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    content = models.BinaryField(editable=False)
    # The checked rows, as read from the file (for the preview and the import itself).
    rows = models.JSONField(default=list)
    problems = models.JSONField(default=list)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk}"

    @property
    def reference(self) -> str:
        return f"IM-{self.pk:06d}"


class ImportedRecord(models.Model):
    """A record an import created, so that undoing the import removes exactly those."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="records")
    # "people.person", "people.needepisode", "people.trustedrelationship"
    model = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    # Whether the import created the record, or matched an existing one (kept for the summary).
    created = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["model", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "model", "object_id"],
                condition=Q(created=True),
                name="one_imported_record_per_batch",
            )
        ]

    def __str__(self) -> str:
        return f"Imported {self.model} {self.object_id}"
