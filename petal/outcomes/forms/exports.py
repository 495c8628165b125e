"""Forms for starting a background export. They check the shape of what was chosen; the
service (petal.outcomes.services.exports.export_request) decides the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from petal.core.forms import GovukDateField
from petal.outcomes.selectors.exports import COHORT_PEOPLE, DASHBOARD, QUARTERLY_REPORT


class DashboardExportForm(forms.Form):
    kind = DASHBOARD
    dashboard = forms.ChoiceField(
        label="Which dashboard?",
        error_messages={"required": "Choose a dashboard", "invalid_choice": "Choose a dashboard"},
    )
    # The dashboard page's query string (its day, months …), when started from that page.
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, dashboards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dashboard"].choices = [(d.slug, d.title) for d in dashboards]

    def params(self) -> dict:
        return {
            "dashboard": self.cleaned_data["dashboard"],
            "query": self.cleaned_data.get("query", ""),
        }


class CohortExportForm(forms.Form):
    kind = COHORT_PEOPLE
    on = GovukDateField(
        label="Day",
        help_text="The people who met the three-of-five rule on this day. For example, 27 3 2026",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)

    def params(self) -> dict:
        return {"on": self.cleaned_data["on"]}


class QuarterForm(forms.Form):
    kind = QUARTERLY_REPORT
    quarter = forms.ChoiceField(
        label="Which quarter?",
        error_messages={"required": "Choose a quarter", "invalid_choice": "Choose a quarter"},
    )

    def __init__(self, *args, quarters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [
            (q.code, f"{q.label}{' (so far)' if q.end >= timezone.localdate() else ''}")
            for q in quarters
        ]

    def params(self) -> dict:
        return {"quarter": self.cleaned_data["quarter"]}
