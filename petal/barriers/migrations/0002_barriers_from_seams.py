"""Barriers raised before the governance ladder existed — at problem-solving sessions
(``meetings.RaisedBarrier``) and by champions for trusted persons (``champions.NetworkBarrier``)
— become barriers on the ladder, waiting for a decision by the operational partnership they
start in, and keep its reference in ``barrier_ref``. Rows that already have one are left alone,
so running it again changes nothing. Going back keeps the barriers (they may have decisions by
then): nothing is undone.
"""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

HOW_OFTEN = {
    "This once": "once",
    "Now and then": "now_and_then",
    "Often": "often",
    "Every time": "every_time",
}


def forward(apps, schema_editor):
    Barrier = apps.get_model("barriers", "Barrier")
    RaisedBarrier = apps.get_model("meetings", "RaisedBarrier")
    NetworkBarrier = apps.get_model("champions", "NetworkBarrier")
    GovernanceGroup = apps.get_model("reference", "GovernanceGroup")
    GovernanceLevel = apps.get_model("reference", "GovernanceLevel")
    Partnership = apps.get_model("reference", "Partnership")
    Membership = apps.get_model("accounts", "Membership")

    now = timezone.now()
    groups = {}

    def group_for(partnership):
        if partnership.pk not in groups:
            group = GovernanceGroup.objects.filter(partnership=partnership).first()
            if group is None:
                group = GovernanceGroup.objects.create(
                    slug=f"partnership-{partnership.slug}",
                    name=f"{partnership.name} operational partnership",
                    level=GovernanceLevel.objects.get(rank=1),
                    partnership=partnership,
                )
            groups[partnership.pk] = group
        return groups[partnership.pk]

    def memberships(user_id):
        if user_id is None:
            return Membership.objects.none()
        return Membership.objects.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=now), user_id=user_id
        ).order_by("pk")

    def organisation_of(user_id):
        return (
            memberships(user_id)
            .filter(organisation__isnull=False)
            .values_list("organisation_id", flat=True)
            .first()
        )

    def partnership_of(user_id):
        return (
            memberships(user_id)
            .filter(partnership__isnull=False)
            .values_list("partnership_id", flat=True)
            .order_by("partnership_id")
            .first()
        )

    def make(source, *, partnership, **fields):
        barrier = Barrier.objects.create(
            programme_area_id=partnership.programme_area_id,
            summary=source.summary[:300],
            detail=source.detail,
            services=source.services[:300],
            raised_by_id=source.raised_by_id,
            raised_by_organisation_id=organisation_of(source.raised_by_id),
            partnership=partnership,
            group=group_for(partnership),
            level_since=source.raised_at,
            raised_at=source.raised_at,
            status="open",
            **fields,
        )
        barrier.areas.set(list(source.areas.all()))
        source.barrier_ref = f"B-{barrier.pk:06d}"
        source.save(update_fields=["barrier_ref"])

    for raised in (
        RaisedBarrier.objects.filter(barrier_ref="")
        .select_related("meeting__partnership")
        .order_by("pk")
    ):
        partnership = raised.meeting.partnership
        if partnership is None:
            continue
        make(raised, partnership=partnership, raised_as="at_session", session=raised.meeting)

    cambridgeshire = Partnership.objects.filter(slug="cambridgeshire").first()
    for raised in NetworkBarrier.objects.filter(barrier_ref="").order_by("pk"):
        partnership_id = partnership_of(raised.raised_by_id) or partnership_of(
            raised.on_behalf_of_id
        )
        partnership = (
            Partnership.objects.get(pk=partnership_id) if partnership_id else cambridgeshire
        )
        if partnership is None:
            continue
        make(
            raised,
            partnership=partnership,
            raised_as="for_trusted_person" if raised.on_behalf_of_id else "own_work",
            on_behalf_of_id=raised.on_behalf_of_id,
            how_often=HOW_OFTEN.get(raised.how_often, ""),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("barriers", "0001_initial"),
        ("meetings", "0002_governance_meetings"),
        ("champions", "0005_unconfirmed_pledges_and_one_open_report"),
        ("accounts", "0004_organisation_directory_fields"),
        ("reference", "0003_governance_groups"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
