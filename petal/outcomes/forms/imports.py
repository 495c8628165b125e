"""Forms for the caseload import. They check the shape of what was sent; the service reads and
checks the file itself."""

from __future__ import annotations

from django import forms

from petal.outcomes.imports import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a spreadsheet",
        help_text="A CSV file or an Excel workbook (.xlsx), smaller than "
        f"{MAX_BYTES // (1024 * 1024)} MB, with up to 2,000 people. Nothing is imported yet: "
        "you will see what would happen first.",
        error_messages={
            "required": "Select a spreadsheet",
            "empty": "The selected file is empty.",
            "invalid": "Select a spreadsheet",
        },
        widget=forms.FileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB. Split it into "
                "smaller files and import each one."
            )
        return upload


class ConfirmForm(forms.Form):
    """Import, or undo: nothing to fill in."""
