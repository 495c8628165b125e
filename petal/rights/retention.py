"""How long rights cases are kept, and their part in erasing a person (petal.retention)."""

from __future__ import annotations

from petal.retention.registry import before_erase, erasure_hold, register


@register("rights-cases")
def closed_rights_cases(cutoff, now) -> int:
    """Closed cases (and their pauses and subject access copies) past their time go."""
    from petal.rights.models import ClockPause, RightsCase, SubjectAccessExport

    cases = RightsCase.objects.filter(closed_at__lt=cutoff)
    ids = list(cases.values_list("pk", flat=True))
    if not ids:
        return 0
    SubjectAccessExport.objects.filter(case_id__in=ids).delete()
    ClockPause.objects.filter(case_id__in=ids).delete()
    RightsCase.objects.filter(pk__in=ids).delete()
    return len(ids)


@before_erase
def forget_in_rights_cases(person_id: int) -> dict[str, int]:
    """A person erased by the retention run: their cases lose the link and every free text,
    and their subject access copies (full copies of the record) go, as on an erasure request."""
    from petal.rights.models import RightsCase, SubjectAccessExport
    from petal.rights.services import _forget

    cases = RightsCase.objects.filter(person_id=person_id)
    counts = {
        "rights.subjectaccessexport": SubjectAccessExport.objects.filter(case__in=cases).count(),
        "rights.rightscase_versions": RightsCase.versions.through.objects.filter(
            rightscase__in=cases
        ).count(),
        "rights.rightscase unlinked": cases.count(),
    }
    _forget(person_id)
    return {label: n for label, n in counts.items() if n}


@erasure_hold
def open_requests(person_ids) -> set[int]:
    """Nobody with a request still open is erased by the retention run."""
    from petal.rights.models import RightsCase

    return set(
        RightsCase.objects.filter(
            person_id__in=list(person_ids), closed_at__isnull=True
        ).values_list("person_id", flat=True)
    )
