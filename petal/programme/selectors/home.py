"""What the programme team's home page counts: what is waiting for them in each part.

Counts only, a fixed handful of aggregate queries whatever the size of the data."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from petal.access.policy import can
from petal.core.errors import Forbidden
from petal.programme.models import (
    CaseStudyConsent,
    ContactMessage,
    ContactStatus,
    Feedback,
    LibraryItem,
    Milestone,
    Newsletter,
    NewsletterStatus,
    SelfAssessment,
    Subscriber,
    SubscriberStatus,
)


@dataclass(frozen=True)
class ProgrammeHome:
    totals: dict
    documents_missing: int
    newsletter_drafts: int
    newsletters_published: int
    subscribers: int
    library_drafts: int
    library_published: int
    case_studies_withheld: int
    feedback_to_answer: int
    feedback_published: int
    contact_new: int
    contact_in_progress: int
    assessments_in_progress: int
    assessments_submitted: int


def programme_home(actor) -> ProgrammeHome:
    """The counts on /programme/, for the programme team."""
    from petal.programme.selectors.partners import contribution_totals

    if not can(actor, "programme.manage"):
        raise Forbidden("Only the programme team runs the programme")
    missing = Milestone.objects.filter(
        document_expected=True,
        document_url="",
        newsletter__isnull=True,
        library_item__isnull=True,
    ).count()
    newsletters = Newsletter.objects.aggregate(
        drafts=Count("pk", filter=Q(status=NewsletterStatus.DRAFT)),
        published=Count("pk", filter=Q(status=NewsletterStatus.PUBLISHED)),
    )
    library = LibraryItem.objects.aggregate(
        drafts=Count("pk", filter=Q(published_at__isnull=True)),
        published=Count("pk", filter=Q(published_at__isnull=False)),
    )
    withheld = (
        CaseStudyConsent.objects.filter(withdrawn_at__isnull=False)
        .values("item_id")
        .distinct()
        .count()
    )
    feedback = Feedback.objects.aggregate(
        to_answer=Count("pk", filter=Q(response="")),
        published=Count("pk", filter=Q(published_at__isnull=False)),
    )
    contact = ContactMessage.objects.aggregate(
        new=Count("pk", filter=Q(status=ContactStatus.NEW)),
        in_progress=Count("pk", filter=Q(status=ContactStatus.IN_PROGRESS)),
    )
    assessments = SelfAssessment.objects.aggregate(
        in_progress=Count("pk", filter=Q(submitted_at__isnull=True)),
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
    )
    return ProgrammeHome(
        totals=contribution_totals(),
        documents_missing=missing,
        newsletter_drafts=newsletters["drafts"],
        newsletters_published=newsletters["published"],
        subscribers=Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).count(),
        library_drafts=library["drafts"],
        library_published=library["published"],
        case_studies_withheld=withheld,
        feedback_to_answer=feedback["to_answer"],
        feedback_published=feedback["published"],
        contact_new=contact["new"],
        contact_in_progress=contact["in_progress"],
        assessments_in_progress=assessments["in_progress"],
        assessments_submitted=assessments["submitted"],
    )
