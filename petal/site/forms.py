from django import forms


class PageForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    summary = forms.CharField(
        label="Summary",
        help_text="One sentence shown on the home page list",
        max_length=300,
        required=False,
        error_messages={"max_length": "Summary must be 300 characters or fewer"},
    )
    body = forms.CharField(
        label="Content",
        help_text="Markdown: ## for a heading, * for a bullet, [words](/link) for a link",
        widget=forms.Textarea(attrs={"rows": 20}),
        error_messages={"required": "Enter the page content"},
        strip=False,
    )
