from django.urls import path

from petal.access.decorators import public, requires
from petal.consent import views

app_name = "consent"

people = requires("people.use")
oversee = requires("consent.oversee")
glass = requires("people.break_glass")
own = requires("self.view")

urlpatterns = [
    path("people/<int:person_id>/consents", people(views.person_consents), name="person"),
    path("people/<int:person_id>/consents/new", people(views.consent_new), name="new"),
    path(
        "people/<int:person_id>/consents/<int:consent_id>/receipt",
        people(views.consent_receipt),
        name="receipt",
    ),
    path(
        "people/<int:person_id>/consents/<int:consent_id>/receipt.pdf",
        people(views.consent_receipt_pdf),
        name="receipt-pdf",
    ),
    path(
        "people/<int:person_id>/consents/<int:consent_id>/withdraw",
        people(views.consent_withdraw),
        name="withdraw",
    ),
    path(
        "people/<int:person_id>/consents/<int:consent_id>/renew",
        people(views.consent_renew),
        name="renew",
    ),
    path("people/<int:person_id>/own-sign-in", people(views.own_access_new), name="own-access"),
    path(
        "people/<int:person_id>/own-sign-in/end",
        people(views.own_access_end),
        name="own-access-end",
    ),
    path("safeguarding/", glass(views.safeguarding), name="safeguarding"),
    path(
        "safeguarding/<int:glass_id>/close",
        glass(views.break_glass_close),
        name="break-glass-close",
    ),
    path("consent/", oversee(views.oversight), name="oversight"),
    path("consent/expiring", oversee(views.expiring), name="expiring"),
    path("consent/break-glass", oversee(views.break_glass_queue), name="break-glass-queue"),
    path(
        "consent/break-glass/<int:glass_id>",
        oversee(views.break_glass_review),
        name="break-glass-review",
    ),
    path("consent/access-report", oversee(views.access_report), name="access-report"),
    path("consent/agreements", oversee(views.agreements), name="agreements"),
    path("consent/agreements/new", oversee(views.agreement_new), name="agreement-new"),
    path("your-record/", own(views.own), name="own"),
    path(
        "your-record/consents/<int:consent_id>/withdraw",
        own(views.own_withdraw),
        name="own-withdraw",
    ),
    path("your-record/start", public(views.own_start), name="own-start"),
]
