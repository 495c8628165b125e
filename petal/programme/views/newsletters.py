"""Newsletters: the programme team writes, previews, publishes and sends them and uploads their
images; the public reads the archive, subscribes (double opt-in) and unsubscribes (one click).
Thin: parse a form, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from petal.core import spam
from petal.core.errors import NotFound, ValidationFailed
from petal.core.forms import apply_errors
from petal.core.views import attempt, or_404
from petal.programme import mailing
from petal.programme.forms import newsletters as forms
from petal.programme.images import extension_for
from petal.programme.models import SubscriberStatus
from petal.programme.selectors import newsletters as selectors
from petal.programme.services import newsletters as services
from petal.site.rendering import render_markdown

# An image's address never changes what it shows (a new upload gets a new key): cache a year.
IMAGE_CACHE = "public, max-age=31536000, immutable"


# --- the programme team --------------------------------------------------------------------------


def manage(request):
    return render(
        request,
        "programme/newsletters/manage.html",
        {
            "page": selectors.newsletters_page(page=request.GET.get("page", 1)),
            "subscribers": selectors.subscriber_counts(),
        },
    )


def _initial(newsletter) -> dict:
    return {
        "title": newsletter.title,
        "summary": newsletter.summary,
        "issue_date": newsletter.issue_date,
        "body": newsletter.body,
    }


@require_http_methods(["GET", "POST"])
def new(request):
    form = forms.NewsletterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        newsletter = attempt(
            form,
            services.newsletter_create,
            actor=request.user,
            **form.cleaned_data,
        )
        if newsletter is not None:
            messages.success(request, "Newsletter saved as a draft. Check it below.")
            return redirect("newsletters:preview", newsletter_id=newsletter.pk)
    return render(request, "programme/newsletters/form.html", {"form": form, "newsletter": None})


@require_http_methods(["GET", "POST"])
def edit(request, newsletter_id: int):
    newsletter = or_404(selectors.newsletter_get, newsletter_id)
    form = forms.NewsletterForm(request.POST or None, initial=_initial(newsletter))
    if request.method == "POST" and form.is_valid():
        saved = attempt(
            form,
            services.newsletter_change,
            actor=request.user,
            newsletter_id=newsletter.pk,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(request, "Newsletter saved.")
            return redirect("newsletters:preview", newsletter_id=saved.pk)
    return render(
        request, "programme/newsletters/form.html", {"form": form, "newsletter": newsletter}
    )


def preview(request, newsletter_id: int, publish_form=None, retry_form=None):
    newsletter = or_404(selectors.newsletter_get, newsletter_id)
    rendered = mailing.prepare(newsletter, for_preview=True)
    sample_unsubscribe = reverse("newsletters:unsubscribe", kwargs={"token": "example"})
    text, _html = mailing.render_parts(rendered, mailing.absolute(sample_unsubscribe))
    return render(
        request,
        "programme/newsletters/preview.html",
        {
            "newsletter": newsletter,
            "body": render_markdown(newsletter.body, images=True),
            "email": rendered.context(sample_unsubscribe),
            "email_subject": rendered.subject,
            "email_text": text,
            "confirmed": selectors.confirmed_count(),
            "publish_form": publish_form or forms.PublishForm(),
            # The form whose errors the summary at the top shows.
            "form": retry_form or publish_form or forms.PublishForm(),
        },
    )


@require_POST
def publish(request, newsletter_id: int):
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        newsletter = attempt(
            form,
            services.newsletter_publish,
            actor=request.user,
            newsletter_id=newsletter_id,
            confirmed=form.cleaned_data["confirm"],
        )
        if newsletter is not None:
            messages.success(
                request,
                "Published in the newsletter archive. It is being sent to subscribers: the "
                "numbers sent show on the newsletters page.",
            )
            return redirect("newsletters:preview", newsletter_id=newsletter.pk)
    return preview(request, newsletter_id, publish_form=form)


@require_POST
def retry(request, newsletter_id: int):
    form = forms.RetryForm(request.POST)
    form.is_valid()
    count = attempt(
        form,
        services.newsletter_retry,
        actor=request.user,
        newsletter_id=newsletter_id,
    )
    if count is not None:
        messages.success(
            request,
            f"Sending it again to the {count} subscriber{'s' if count != 1 else ''} it could "
            "not be sent to. The numbers sent show here and on the newsletters page.",
        )
        return redirect("newsletters:preview", newsletter_id=newsletter_id)
    return preview(request, newsletter_id, retry_form=form)


@require_http_methods(["GET", "POST"])
def images(request):
    form = forms.ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        image = attempt(
            form,
            services.newsletter_image_upload,
            actor=request.user,
            upload=form.cleaned_data["image"],
            alt=form.cleaned_data["alt"],
        )
        if image is not None:
            messages.success(request, "Image uploaded. Copy its Markdown into a newsletter.")
            return redirect("newsletters:images")
    return render(
        request,
        "programme/newsletters/images.html",
        {"form": form, "images": selectors.images()},
    )


# --- the public ----------------------------------------------------------------------------------


def archive(request):
    return render(
        request,
        "programme/newsletters/archive.html",
        {"page": selectors.archive_page(page=request.GET.get("page", 1))},
    )


def newsletter(request, newsletter_id: int):
    item = or_404(selectors.published_get, newsletter_id)
    return render(
        request,
        "programme/newsletters/newsletter.html",
        {"newsletter": item, "body": render_markdown(item.body, images=True)},
    )


@require_http_methods(["GET", "HEAD"])
def image(request, name: str):
    found = or_404(selectors.image_get, name)
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["Cache-Control"] = IMAGE_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = (
        f'inline; filename="{found.key}.{extension_for(found.content_type)}"'
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # The same public bytes for everyone: keep the long cache even for a signed-in reader.
    response.petal_public = True
    return response


@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = forms.SubscribeForm(request.POST or None)
    if request.method == "POST":
        reason = spam.spam_reason(request.POST, count=False)
        if spam.silent_drop(reason):
            # Only a bot fills the hidden field: answered as if it had worked, nothing kept.
            return redirect("newsletters:subscribe-sent")
        valid = form.is_valid()
        if reason and (valid or reason != spam.TOO_FAST):
            # A person can do this too (a browser filling the address in at once, a page left
            # open overnight): the form again, the address kept, with a fresh stamp. (A
            # mistyped address sent only too fast keeps its stamp: it is old enough once
            # corrected.)
            form.restamp()
        if valid:
            if reason:
                form.add_error(None, spam.ASK_AGAIN_MESSAGE)
                form.error_anchor = "id_email"
            elif spam.count_and_check_limit(spam.client_address(request)):
                form.add_error(None, spam.TOO_MANY_MESSAGE)
                form.error_anchor = "id_email"
            else:
                try:
                    services.subscriber_subscribe(email=form.cleaned_data["email"])
                except ValidationFailed as error:
                    apply_errors(form, error)
                else:
                    # The same page whether the address was new, waiting, subscribed or not.
                    return redirect("newsletters:subscribe-sent")
    return render(request, "programme/newsletters/subscribe.html", {"form": form})


def subscribe_sent(request):
    return render(
        request,
        "programme/newsletters/subscribe_sent.html",
        {"days": services.CONFIRM_DAYS},
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET only shows a button (mail scanners that open links must not confirm); the POST
    confirms. A link that is not valid or has expired is a page saying so."""
    try:
        if request.method == "POST":
            services.subscriber_confirm(token=token)
            return render(request, "programme/newsletters/confirmed.html")
        subscriber = services.subscriber_for_confirm_token(token)
    except ValidationFailed as error:
        return render(request, "programme/newsletters/confirm.html", {"problem": error.message})
    return render(
        request,
        "programme/newsletters/confirm.html",
        {"problem": "", "already": subscriber.status == SubscriberStatus.CONFIRMED},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET shows one button; a POST unsubscribes at once. Without a CSRF token: a mail client's
    one-click unsubscribe (RFC 8058) POSTs ``List-Unsubscribe=One-Click`` with no cookie, and
    the token in the link is the secret, so a forged request could only unsubscribe someone
    whose link the forger already holds."""
    try:
        if request.method == "POST":
            one_click = request.POST.get("List-Unsubscribe") == "One-Click"
            services.subscriber_unsubscribe(token=token, one_click=one_click)
            return render(request, "programme/newsletters/unsubscribed.html")
        subscriber = selectors.subscriber_by_unsubscribe_token(token)
    except NotFound:
        return render(request, "programme/newsletters/link_not_valid.html", status=404)
    return render(
        request,
        "programme/newsletters/unsubscribe.html",
        {"token": token, "already": subscriber.status == SubscriberStatus.UNSUBSCRIBED},
    )
