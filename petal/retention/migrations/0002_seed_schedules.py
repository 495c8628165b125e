"""Petal's default retention schedules. The data protection lead may change a period with a
later data migration (or in the database); each record type's handler is in
``petal.retention.handlers`` (or, for another app's records, registered by that app). The
forward function is named ``load`` and is idempotent, so tests reload it after a flush
(``petal.core.testing.reload_reference_data``)."""

from django.db import migrations

LIMITATION = (
    "Six years matches the time in which a claim about the support or the sharing can be "
    "brought (Limitation Act 1980), and the period commonly used for adult social care "
    "records after contact ends."
)

SCHEDULES = [
    {
        "record_type": "people",
        "name": "People whose support has ended",
        "keep_for": 6,
        "unit": "years",
        "starts_from": (
            "after their last trusted relationship ended (a record with none: after it was made)"
        ),
        "action": "delete",
        "description": (
            "The person's whole record is erased, exactly as when they ask for erasure: their "
            "story, needs, contacts and changes, consents, break-glass records, referrals, "
            "meeting cases (a professionals meeting about them alone goes whole), "
            "assessments, service use and their own sign-in. The audit trail keeps a tombstone "
            "saying a record was erased and how many records of each kind went, never who it "
            "was. A person's record is not anonymised: in one county, a few needs with their "
            "dates and district can be enough to know who someone is, so the only safe choice "
            "is to erase it. The programme's figures for past years are already published."
        ),
        "legal_basis": (
            "UK GDPR article 5(1)(e), storage limitation: kept no longer than needed to support "
            "the person and to answer for that support. " + LIMITATION
        ),
    },
    {
        "record_type": "consents",
        "name": "Consents to share, and their receipts",
        "keep_for": 6,
        "unit": "years",
        "starts_from": "after the consent ended or was withdrawn",
        "action": "delete",
        "description": (
            "The consent — what it covered, with whom, how it was given and withdrawn — is "
            "deleted, and so is the receipt the person was given, which is drawn from it. A "
            "consent that was renewed is kept as long as its renewal. A consent still in force "
            "is never touched."
        ),
        "legal_basis": (
            "UK GDPR articles 7(1) and 5(2): Petal must be able to show that a sharing had "
            "consent for as long as it can be questioned. " + LIMITATION
        ),
    },
    {
        "record_type": "break-glass",
        "name": "Access to a record without consent (break-glass)",
        "keep_for": 6,
        "unit": "years",
        "starts_from": "after the access ended (closed early or expired)",
        "action": "delete",
        "description": (
            "The record of who opened the person's record without consent, on which lawful "
            "basis and why, is deleted once the data protection lead has reviewed it; one still "
            "waiting for review is kept. The audit trail keeps that the access happened."
        ),
        "legal_basis": ("UK GDPR article 5(2), accountability, and article 5(1)(e). " + LIMITATION),
    },
    {
        "record_type": "referrals",
        "name": "Referrals",
        "keep_for": 6,
        "unit": "years",
        "starts_from": "after the referral closed (service started, declined or withdrawn)",
        "action": "anonymise",
        "description": (
            "The reason for the referral and every note on its timeline are removed for good. "
            "The service, the dates and how long each step took are kept: they are the "
            "programme's measure of time to access services and say nothing about the person. "
            "The referral is deleted with the person's record when that is erased."
        ),
        "legal_basis": (
            "UK GDPR article 5(1)(e); what is kept is used only for statistics (article 89). "
            + LIMITATION
        ),
    },
    {
        "record_type": "meeting-notes",
        "name": "Notes of professionals meetings and problem-solving sessions",
        "keep_for": 6,
        "unit": "years",
        "starts_from": "after the meeting",
        "action": "anonymise",
        "description": (
            "The minutes, the agenda, each person's question, views and outcome, and the words "
            "of every decision and action are removed for good. The meeting, its date, who was "
            "invited and who came, and whether each person had to tell their story again and "
            "how their voice was heard are kept for the programme's 'tell it once' and "
            "lived-experience measures. Governance meetings are about barriers in the system, "
            "not about people, and are kept."
        ),
        "legal_basis": (
            "UK GDPR article 5(1)(e); what is kept is used only for statistics (article 89). "
            + LIMITATION
        ),
    },
    {
        "record_type": "contact-messages",
        "name": "Messages sent through the public contact form",
        "keep_for": 12,
        "unit": "months",
        "starts_from": "after the message was received",
        "action": "delete",
        "description": (
            "The message, and the sender's name and email address, are deleted. A year is long "
            "enough to reply and follow up; anything that must be kept longer (a complaint) is "
            "moved to where it belongs before then."
        ),
        "legal_basis": (
            "UK GDPR article 6(1)(f), legitimate interests in answering people who write to "
            "the programme, and article 5(1)(e)."
        ),
    },
    {
        "record_type": "newsletter-unconfirmed",
        "name": "Newsletter sign-ups never confirmed",
        "keep_for": 8,
        "unit": "days",
        "starts_from": "after the confirmation link was sent",
        "action": "delete",
        "description": (
            "An email address nobody confirmed is deleted once its link has expired (links "
            "last 7 days). An address that was subscribed before goes back to 'unsubscribed' "
            "and keeps its record of what it was sent."
        ),
        "legal_basis": (
            "UK GDPR article 5(1)(c) and (e): nobody showed the address is theirs, so it is not "
            "kept; PECR regulation 22 (consent to marketing email)."
        ),
    },
    {
        "record_type": "newsletter-unsubscribed",
        "name": "Addresses that unsubscribed from the newsletter",
        "keep_for": 2,
        "unit": "years",
        "starts_from": "after they unsubscribed",
        "action": "anonymise",
        "description": (
            "The email address and its unsubscribe link are replaced for good, so nothing can "
            "be sent to it or traced back to it; how many people each newsletter went to stays "
            "counted. Two years answers any question about what was sent. Someone who "
            "subscribes again starts afresh and confirms again."
        ),
        "legal_basis": "UK GDPR article 5(1)(e); PECR regulation 22.",
    },
    {
        "record_type": "champion-pledges-unconfirmed",
        "name": "Champions pledges never confirmed",
        "keep_for": 8,
        "unit": "days",
        "starts_from": "after the pledge was signed",
        "action": "delete",
        "description": (
            "A visitor's signature of the pledge (a name and an email address) that was never "
            "confirmed is deleted once its link has expired (links last 7 days)."
        ),
        "legal_basis": "UK GDPR article 5(1)(c) and (e).",
    },
    {
        "record_type": "sign-in-attempts",
        "name": "Failed sign-in counters",
        "keep_for": 30,
        "unit": "days",
        "starts_from": "after the last failed attempt",
        "action": "delete",
        "description": (
            "Each counter (kept by django-axes to lock out guessing) holds the email address "
            "typed and the IP address it came from. The lock-out lasts 15 minutes; a month "
            "lets administrators look into repeated attempts."
        ),
        "legal_basis": (
            "UK GDPR article 32 (security of processing) and article 6(1)(f), legitimate "
            "interests in keeping accounts safe; article 5(1)(e)."
        ),
    },
    {
        "record_type": "sign-in-logs",
        "name": "Sign-in logs",
        "keep_for": 90,
        "unit": "days",
        "starts_from": "after the attempt",
        "action": "delete",
        "description": (
            "django-axes' logs of failed sign-ins and of sign-ins (email address, IP address "
            "and browser) are deleted after three months, long enough to investigate an "
            "incident."
        ),
        "legal_basis": "UK GDPR article 32 and article 6(1)(f); article 5(1)(e).",
    },
    {
        "record_type": "sessions",
        "name": "Expired sign-in sessions",
        "keep_for": 1,
        "unit": "days",
        "starts_from": "after the session expired",
        "action": "delete",
        "description": (
            "A session that has expired can never be used again; what it held (who was signed "
            "in, messages shown to them) is deleted."
        ),
        "legal_basis": "UK GDPR article 5(1)(c) and (e).",
    },
    {
        "record_type": "exports",
        "name": "Background exports",
        "keep_for": 7,
        "unit": "days",
        "starts_from": "after the export was asked for",
        "action": "delete",
        "description": (
            "A prepared spreadsheet or report (a list of people, for the cohort export) is "
            "deleted with its file a week after it was asked for; it can be asked for again."
        ),
        "legal_basis": "UK GDPR article 5(1)(e).",
    },
    {
        "record_type": "imports-unused",
        "name": "Caseload spreadsheets checked but never imported",
        "keep_for": 30,
        "unit": "days",
        "starts_from": "after the spreadsheet was uploaded",
        "action": "delete",
        "description": (
            "An uploaded spreadsheet of people that was checked but never imported, with every "
            "row in it, is deleted; it can be uploaded again."
        ),
        "legal_basis": "UK GDPR article 5(1)(c) and (e).",
    },
    {
        "record_type": "imports-done",
        "name": "Caseload spreadsheets imported",
        "keep_for": 90,
        "unit": "days",
        "starts_from": "after the spreadsheet was imported (or the import was undone)",
        "action": "anonymise",
        "description": (
            "The uploaded file, and the names, dates of birth and other details copied from "
            "each row, are removed for good. Each row keeps only its number, what happened to "
            "it and the record it made, so the import can still be undone and its counts still "
            "add up. The people it added are records of their own, on their own schedule."
        ),
        "legal_basis": "UK GDPR article 5(1)(c) and (e).",
    },
    {
        "record_type": "task-results",
        "name": "Records of background tasks",
        "keep_for": 30,
        "unit": "days",
        "starts_from": "after the task finished",
        "action": "delete",
        "description": (
            "Each background task's record keeps what it was given: for an email, the address "
            "and the text. It is deleted a month after the task finished, long enough to look "
            "into a failure."
        ),
        "legal_basis": "UK GDPR article 5(1)(e).",
    },
    {
        "record_type": "rights-cases",
        "name": "Closed data-protection requests",
        "keep_for": 2,
        "unit": "years",
        "starts_from": "after the request was closed",
        "action": "delete",
        "description": (
            "A subject access, rectification, restriction or erasure request, with its clock, "
            "notes and the copy given to the person, is deleted. The audit trail keeps that the "
            "request was made and answered."
        ),
        "legal_basis": (
            "UK GDPR article 5(2), accountability: kept long enough to answer a complaint to "
            "the Information Commissioner about how the request was handled."
        ),
        "owner": "Data-protection rights (petal.rights)",
    },
]


def load(apps, schema_editor):
    RetentionSchedule = apps.get_model("retention", "RetentionSchedule")
    for order, row in enumerate(SCHEDULES, start=1):
        values = {"owner": "Petal", **row, "order": order * 10}
        RetentionSchedule.objects.update_or_create(
            record_type=values.pop("record_type"), defaults=values
        )


def unseed(apps, schema_editor):
    RetentionSchedule = apps.get_model("retention", "RetentionSchedule")
    RetentionSchedule.objects.filter(record_type__in=[s["record_type"] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(load, unseed)]
