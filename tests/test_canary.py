"""Canary personal data seeded in a test never appears in logs, URLs, error pages, emails or
notification payloads.

A person whose every field is an unmistakable canary (tests/worlds.py) is added, changed,
searched for, referred, met about, consented for, broken-glass into, handed over, assessed,
exported, imported and reached through the API, through the real pages with the Django test
client. Meanwhile ``Watch`` records:

- every log record from every logger, at DEBUG, formatted as Petal's own LOGGING formats it
  (message, arguments and traceback), and whatever reaches stdout and stderr;
- every URL Petal makes: Location and other URL-bearing headers, Content-Disposition file
  names, every href/src/action/formaction and HTMX attribute in the HTML, URLs in JSON, and
  the values a GET form would put into the address when submitted;
- every email (Django's outbox, with attachments) and every GOV.UK Notify request, sent to a
  local fake Notify server (petal.core.testing_servers) — after each request's transaction,
  as in production;
- error pages: 404, 403 (CSRF), 400 and 500, and what is logged for them.

Pages themselves may show the canary to the people allowed to read it: that is the product.
What must not carry it is everything that leaves the page: addresses, logs and messages.

Where this found a leak, the test says so with ``xfail(strict=True)`` and the reason; the fix
is in the report for the owner. When the fix lands the test passes, the xfail turns into a
failure, and the mark is removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.utils import timezone

from petal.access.roles import Role
from tests.worlds import CANARY, DATE_OF_BIRTH, canaries_in, import_csv

pytestmark = pytest.mark.django_db

URL_HEADERS = (
    "Location",
    "Content-Location",
    "Refresh",
    "Link",
    "Content-Disposition",
    "HX-Redirect",
    "HX-Location",
    "HX-Push-Url",
    "HX-Replace-Url",
)
URL_ATTRIBUTES = {
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "cite",
    "data",
    "ping",
    "background",
    "manifest",
}


class _Links(HTMLParser):
    """URL-bearing attributes of a page, and what its GET forms would put in the address."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.get_form_values: list[str] = []
        self._in_get_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if value and (
                name in URL_ATTRIBUTES
                or name.startswith("hx-")
                or name.startswith("data-hx-")
                or name.endswith(("url", "href", "src"))
            ):
                self.urls.append(f"{tag}[{name}]={value}")
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.urls.append(f"meta refresh={attrs.get('content')}")
        if tag == "form":
            self._in_get_form = (attrs.get("method") or "get").lower() == "get"
        if self._in_get_form and tag in ("input", "option", "textarea") and attrs.get("value"):
            kind = (attrs.get("type") or "").lower()
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            if tag == "option" and "selected" not in attrs:
                return
            self.get_form_values.append(f"{tag}[{attrs.get('name')}]={attrs['value']}")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_get_form = False


def _json_urls(value, found):
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and (
                key.lower().endswith(("url", "href", "link", "uri")) or item.startswith("/")
            ):
                found.append(f"json[{key}]={item}")
            else:
                _json_urls(item, found)
    elif isinstance(value, list):
        for item in value:
            _json_urls(item, found)


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


class Watch:
    """Everything that leaves the pages while a test runs, and where canaries turned up."""

    def __init__(self, notify_server, capfd):
        self.notify = notify_server
        self.capfd = capfd
        self.handler = _Records()
        self.urls: list[tuple[str, str]] = []  # (request, URL Petal made)
        self.form_values: list[tuple[str, str]] = []
        self.error_pages: list[tuple[str, int, bytes]] = []
        from django.conf import settings

        plain = settings.LOGGING["formatters"]["plain"]["format"]
        self.formatter = logging.Formatter(plain)

    # -- clients that record every response, and run what waits for the commit ------------------

    def client(self, user=None, **kwargs) -> Client:
        watch = self

        class Watched(Client):
            def request(self, **request):
                with TestCase.captureOnCommitCallbacks(execute=True):
                    response = super().request(**request)
                watch.saw(request, response)
                return response

        c = Watched(raise_request_exception=False, **kwargs)
        if user is not None:
            c.force_login(user)
        return c

    def saw(self, request, response):
        where = f"{request.get('REQUEST_METHOD')} {request.get('PATH_INFO')}"
        for header in URL_HEADERS:
            if header in response:
                self.urls.append((where, f"{header}: {response[header]}"))
        if response.status_code >= 400:
            body = b"" if getattr(response, "streaming", False) else response.content
            self.error_pages.append((where, response.status_code, body))
        content_type = response.get("Content-Type", "")
        if getattr(response, "streaming", False):
            return
        if content_type.startswith("text/html"):
            links = _Links()
            links.feed(response.content.decode("utf-8", "replace"))
            self.urls += [(where, url) for url in links.urls]
            self.form_values += [(where, value) for value in links.get_form_values]
        elif content_type.startswith("application/json") and response.content:
            found = []
            try:
                _json_urls(json.loads(response.content), found)
            except ValueError:
                found = [response.content.decode("utf-8", "replace")]
            self.urls += [(where, url) for url in found]

    # -- what turned up where -------------------------------------------------------------------

    def log_lines(self) -> list[str]:
        """Each record as Petal's formatter prints it (with any traceback), followed by its
        extra fields, as a formatter with %(request)s or a JSON formatter would print them."""
        standard = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
        lines = []
        for record in self.handler.records:
            text = self.formatter.format(record)
            extras = {k: v for k, v in vars(record).items() if k not in standard}
            lines.append(f"{text}\n  extras: {extras!r}" if extras else text)
        return lines

    def emails(self) -> list[str]:
        found = []
        for message in mail.outbox:
            parts = [message.subject, message.body, " ".join(message.to)]
            parts += [content for _, content, _ in getattr(message, "alternatives", [])]
            for attachment in message.attachments:
                if isinstance(attachment, tuple):
                    parts += [attachment[0], attachment[1]]
                else:
                    parts.append(attachment.as_string())
            found.append("\n".join(str(p) for p in parts))
        return found

    def notify_payloads(self) -> list[str]:
        return [json.dumps(body) for body in self.notify.received]

    def findings(self) -> dict[str, list]:
        out, err = self.capfd.readouterr()
        self.output = getattr(self, "output", "") + out + err
        found = {
            "logs": [(line[:300], canaries_in(line)) for line in self.log_lines()],
            "stdout/stderr": [(self.output[-300:], canaries_in(self.output))],
            "urls": [(f"{w} → {u}"[:300], canaries_in(u)) for w, u in self.urls],
            "get forms": [(f"{w} → {v}"[:300], canaries_in(v)) for w, v in self.form_values],
            "emails": [(e[:300], canaries_in(e)) for e in self.emails()],
            "notify": [(p[:300], canaries_in(p)) for p in self.notify_payloads()],
            # Petal's error pages (a 422 is a form's field errors, shown to its own reader).
            "error pages": [
                (f"{w} {status}", canaries_in(body))
                for w, status, body in self.error_pages
                if status != 422
            ],
        }
        return {kind: [(where, c) for where, c in items if c] for kind, items in found.items()}

    def assert_clean(self, *, kinds=None):
        found = {k: v for k, v in self.findings().items() if v and (kinds is None or k in kinds)}
        assert found == {}, "canaries found outside the pages"

    def counts(self) -> dict[str, int]:
        return {
            "logs": len(self.handler.records),
            "urls": len(self.urls),
            "emails": len(mail.outbox),
            "notify": len(self.notify.received),
        }


@pytest.fixture
def notify_server(monkeypatch, settings):
    """GOV.UK Notify, faked on 127.0.0.1, as the notification backend."""
    from petal.core.testing_servers import LOCALHOST, FakeNotifyServer

    for name in ("NO_PROXY", "no_proxy"):
        existing = os.environ.get(name, "")
        monkeypatch.setenv(name, f"{existing},{LOCALHOST}" if existing else LOCALHOST)
    with FakeNotifyServer() as server:
        settings.PETAL_NOTIFY_BACKEND = "govuk_notify"
        settings.PETAL_NOTIFY_API_KEY = server.api_key()
        settings.PETAL_NOTIFY_BASE_URL = server.url
        settings.PETAL_NOTIFY_TEMPLATE_ID = server.template_id
        yield server


# Loggers of test tooling, not of Petal at run time (factory_boy logs the values it builds).
NOT_PETAL = ("factory",)


@contextlib.contextmanager
def _listening(handler, *, every_logger: bool):
    """The handler on the root logger at DEBUG (Petal's most verbose setting,
    PETAL_LOG_LEVEL=DEBUG: loggers with their own level, like Django's, keep it) and on every
    logger that does not pass records up; with ``every_logger``, every logger at DEBUG too,
    except those Petal's LOGGING names (whose level is a decision, not a default)."""
    from django.conf import settings

    pinned = set(settings.LOGGING.get("loggers", {}))
    root = logging.getLogger()
    loggers = [root] + [
        logger
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger) and not name.startswith(NOT_PETAL)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        if logger is root or (every_logger and logger.name not in pinned):
            logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if logger is root or not logger.propagate:
            logger.addHandler(handler)
    for name in NOT_PETAL:
        logging.getLogger(name).propagate = False
    try:
        yield
    finally:
        for name in NOT_PETAL:
            logging.getLogger(name).propagate = True
        for logger, level, disabled in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            if handler in logger.handlers:
                logger.removeHandler(handler)


@pytest.fixture
def watch(notify_server, capfd):
    """A Watch, listening to the logs from Petal's root logger at DEBUG."""
    w = Watch(notify_server, capfd)
    mail.outbox.clear()
    with _listening(w.handler, every_logger=False):
        yield w


@pytest.fixture
def watch_every_logger(notify_server, capfd):
    """A Watch with every logger turned up to DEBUG, beyond any setting Petal offers."""
    w = Watch(notify_server, capfd)
    mail.outbox.clear()
    with _listening(w.handler, every_logger=True):
        yield w


# --- people, organisations ------------------------------------------------------------------


@pytest.fixture
def org(make_user):
    """Organisation A: a trusted person (in the Cambridgeshire partnership), a colleague, a
    service with its staff, a safeguarding lead, a data protection lead and a coordinator."""
    from petal.accounts.tests.factories import OrganisationFactory
    from petal.directory.tests.factories import ServiceFactory
    from petal.reference.models import Partnership

    cambridgeshire = Partnership.objects.get(slug="cambridgeshire")
    organisation = OrganisationFactory(name="Organisation A")

    class A:
        tp = make_user(Role.TRUSTED_PERSON, organisation=organisation, partnership=cambridgeshire)
        colleague = make_user(
            Role.TRUSTED_PERSON, organisation=organisation, partnership=cambridgeshire
        )
        staff = make_user(Role.SERVICE_STAFF, organisation=organisation)
        safeguarding = make_user(Role.SAFEGUARDING_LEAD, organisation=organisation)
        dpo = make_user(Role.DATA_PROTECTION_LEAD)
        coordinator = make_user(Role.PARTNERSHIP_COORDINATOR, partnership=cambridgeshire)
        service = ServiceFactory(organisation=organisation, name="Organisation A beds")

    A.organisation = organisation
    return A


def _date(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def add_canary_person(c, watch=None) -> int:
    """Add the canary person through the three questions and the check page; their id."""
    from petal.people.models import Person
    from petal.reference.models import District

    assert c.get("/people/new?start=1").status_code == 200
    c.post(
        "/people/new",
        {
            "full_name": CANARY["full_name"],
            "preferred_name": CANARY["preferred_name"],
            "pronouns": CANARY["pronouns"],
            **_date("date_of_birth", DATE_OF_BIRTH),
            "aliases": CANARY["alias"],
            "communication_needs": CANARY["communication_needs"],
            "languages": CANARY["languages"],
        },
    )
    c.post(
        "/people/new/contact",
        {
            "district": District.objects.get(code="cambridge").pk,
            "address": CANARY["address"],
            "phone": CANARY["phone"],
            "safe_contact": CANARY["safe_contact"],
        },
    )
    c.post("/people/new/relationship", {"relationship_kind": "professional", "organisation": ""})
    assert c.get("/people/new/check").status_code == 200
    response = c.post("/people/new/check")
    assert response.status_code == 302, response.content[:2000]
    person = Person.objects.get(full_name=CANARY["full_name"])
    assert response["Location"] == f"/people/{person.pk}"
    return person.pk


def record_consent(c, person_id: int, organisation) -> str:
    """Consent to share with an organisation, through the page; the receipt's address."""
    response = c.post(
        f"/people/{person_id}/consents/new",
        {
            "grantee_kind": "organisation",
            "organisation": organisation.pk,
            "categories": ["identity", "story", "needs", "contact", "risk"],
            "purposes": ["referral"],
            "purpose_text": CANARY["consent_purpose"],
            **_date("starts_on", timezone.localdate()),
            **_date("ends_on", timezone.localdate() + dt.timedelta(days=365)),
            "given_how": "verbal",
            "conditions": CANARY["consent_conditions"],
        },
    )
    assert response.status_code == 302, response.content[:3000]
    return response["Location"]


def fill_in_the_record(c, person_id: int) -> None:
    """Story, risk, health and justice notes, a need, a contact: through the edit pages."""
    from petal.people.models import Person
    from petal.reference.models import AreaOfDisadvantage

    def version():
        return Person.objects.get(pk=person_id).version

    story = {k: CANARY[k] for k in ("what_happened", "what_matters", "what_helps")}
    story |= {k: CANARY[k] for k in ("what_does_not_help", "never_ask_again")}
    for section, values in (
        ("story", story),
        ("risk", {"risk_notes": CANARY["risk_notes"]}),
        ("health", {"health_notes": CANARY["health_notes"]}),
        ("justice", {"justice_notes": CANARY["justice_notes"]}),
    ):
        assert c.get(f"/people/{person_id}/edit/{section}").status_code == 200
        response = c.post(f"/people/{person_id}/edit/{section}", {"version": version(), **values})
        assert response.status_code == 302, (section, response.content[:3000])
    today = timezone.localdate()
    homelessness = AreaOfDisadvantage.objects.get(code="homelessness")
    response = c.post(
        f"/people/{person_id}/episodes/new",
        {
            "area": homelessness.pk,
            **_date("starts_on", today - dt.timedelta(days=30)),
            "note": CANARY["episode_note"],
        },
    )
    assert response.status_code == 302
    response = c.post(
        f"/people/{person_id}/contacts/new",
        {
            **_date("happened_on", today),
            "method": "in_person",
            "note": CANARY["contact_note"],
            **_date("next_contact_on", today + dt.timedelta(days=7)),
        },
    )
    assert response.status_code == 302


# --- the flows --------------------------------------------------------------------------------


def test_adding_and_keeping_a_record_leaks_nothing(watch, org):
    c = watch.client(org.tp)
    person_id = add_canary_person(c)
    fill_in_the_record(c, person_id)
    page = c.get(f"/people/{person_id}")
    # The record itself shows the canaries to its trusted person: that is the product.
    assert CANARY["what_happened"] in page.content.decode()
    assert c.get(f"/people/{person_id}/edit/identity").status_code == 200
    assert c.get("/people/").status_code == 200
    assert c.get("/dashboard").status_code == 200
    export = c.get("/people/export.csv")
    assert CANARY["full_name"] in export.content.decode()
    assert "attachment" in export["Content-Disposition"]
    handover = c.post(
        f"/people/{person_id}/handover/new",
        {
            "email": org.colleague.email,
            "kind": "professional",
            "organisation": "",
            **_date("planned_for", timezone.localdate() + dt.timedelta(days=7)),
            "agreed_how": "in_person",
            "agreement_note": CANARY["handover_note"],
            "previous_stays": "yes",
        },
    )
    assert handover.status_code == 302, handover.content[:3000]
    assert watch.counts()["urls"] > 50
    watch.assert_clean()


def test_even_with_every_logger_at_debug_nothing_is_logged(watch_every_logger, org):
    c = watch_every_logger.client(org.tp)
    person_id = add_canary_person(c)
    fill_in_the_record(c, person_id)
    c.get(f"/people/{person_id}")
    watch_every_logger.assert_clean(kinds={"logs"})


def test_asking_to_connect_about_someone_tells_only_who_asked(watch, org, make_user):
    """Another trusted person types the canary's name and birthday, is told someone else
    supports a person like that, and asks to connect: the email names only the asker."""
    person_id = add_canary_person(watch.client(org.tp))
    stranger = make_user(Role.TRUSTED_PERSON)
    c = watch.client(stranger)
    add_attempt = c.post(
        "/people/new",
        {
            "full_name": CANARY["full_name"],
            **_date("date_of_birth", DATE_OF_BIRTH),
            "aliases": "",
        },
    )
    assert add_attempt.status_code == 302
    c.post("/people/new/contact", {"district": "", "address": "", "phone": ""})
    c.post("/people/new/relationship", {"relationship_kind": "social", "organisation": ""})
    c.get("/people/new/check")
    asked = c.post("/people/new/connect")
    assert asked.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [org.tp.email]
    colleague = watch.client(org.tp)
    assert colleague.get("/people/connections").status_code == 200
    assert person_id
    watch.assert_clean()


def test_searching_the_caseload_puts_no_name_in_the_addresses_petal_makes(watch, org):
    from petal.people.tests.factories import person_of

    c = watch.client(org.tp)
    person_id = add_canary_person(c)
    for n in range(30):  # enough for a second page of results
        person_of(org.tp, full_name=f"Canarywyn Namesake {n}")
    watch.urls.clear()
    watch.form_values.clear()
    # The search form posts; the search is kept in the session, not the address.
    results = c.post("/people/", {"q": "Canarywyn Quillfeather 7Q3Z"}, follow=True)
    assert f"/people/{person_id}" in results.content.decode()
    c.post("/people/", {"q": "Canarywyn", "sort": "-name"}, follow=True)
    c.get("/people/?sort=name&page=2")
    # An old link with the name in its address is moved out of it at once.
    moved = c.get("/people/", {"q": "Canarywyn"})
    assert moved.status_code == 302 and "Canarywyn" not in moved["Location"]
    # What the reader typed is in the address they asked for; Petal must not make more.
    watch.assert_clean(kinds={"urls", "get forms", "logs"})


def test_referring_someone_tells_the_service_only_that_a_referral_is_waiting(watch, org):
    from petal.referrals.models import Referral

    c = watch.client(org.tp)
    person_id = add_canary_person(c)
    fill_in_the_record(c, person_id)
    receipt_url = record_consent(c, person_id, org.organisation)
    receipt = c.get(receipt_url)
    assert CANARY["consent_conditions"] in receipt.content.decode()
    pdf = c.get(receipt_url + ".pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    url = f"/referrals/new?person={person_id}&service={org.service.pk}"
    assert c.get(url).status_code == 200
    sent = c.post(url, {"categories": ["story", "needs"], "reason": CANARY["referral_reason"]})
    assert sent.status_code == 302, sent.content[:3000]
    referral = Referral.objects.get()
    staff = watch.client(org.staff)
    assert CANARY["referral_reason"] in staff.get(f"/referrals/{referral.pk}").content.decode()
    assert staff.get("/referrals/inbox").status_code == 200
    moved = staff.post(
        f"/referrals/{referral.pk}/move",
        {"status": "acknowledged", "note": CANARY["referral_note"]},
    )
    assert moved.status_code == 302
    staff.post(f"/referrals/{referral.pk}/notes", {"body": CANARY["referral_note"]})
    assert c.get("/referrals/").status_code == 200
    # The service was told, through GOV.UK Notify: a reference and a link, nothing more.
    assert watch.notify.received, "the receiving service was not told"
    assert any(org.staff.email == p["email_address"] for p in watch.notify.received)
    watch.assert_clean()


def test_a_meeting_about_someone_invites_without_their_details(watch, org):
    from petal.meetings.models import Meeting

    c = watch.client(org.tp)
    person_id = add_canary_person(c)
    record_consent(c, person_id, org.organisation)
    day = timezone.localdate() + dt.timedelta(days=7)
    convened = c.post(
        f"/meetings/new?person={person_id}",
        {
            "purpose": CANARY["meeting_purpose"],
            **_date("on", day),
            "starts": "10am",
            "ends": "11:30",
            "place": "Organisation A, room 1",
            "online_link": "",
            "agenda": CANARY["meeting_agenda"],
        },
    )
    assert convened.status_code == 302, convened.content[:3000]
    meeting = Meeting.objects.get()
    invited = c.post(f"/meetings/{meeting.pk}/invitees", {"organisation": org.organisation.pk})
    assert invited.status_code == 302, invited.content[:3000]
    assert c.get(f"/meetings/{meeting.pk}/invitees").status_code == 200
    sent = c.post(f"/meetings/{meeting.pk}/send")
    assert sent.status_code == 302
    assert watch.notify.received, "nobody was invited"
    staff = watch.client(org.staff)
    assert staff.get(f"/meetings/{meeting.pk}").status_code == 200
    assert staff.get(f"/meetings/{meeting.pk}/pack").status_code == 200
    calendar = staff.get(f"/meetings/{meeting.pk}/calendar.ics")
    assert calendar.status_code == 200
    assert canaries_in(calendar.content) == [], "the calendar file names the person"
    assert c.get("/meetings/").status_code == 200
    watch.assert_clean()


def test_break_glass_tells_the_lead_and_trusted_person_without_details(watch, org):
    from petal.consent.models import BreakGlass

    person_id = add_canary_person(watch.client(org.tp))
    mail.outbox.clear()
    lead = watch.client(org.safeguarding)
    opened = lead.post(
        "/safeguarding/",
        {
            "reference": "",
            "full_name": CANARY["full_name"],
            **_date("date_of_birth", DATE_OF_BIRTH),
            "lawful_basis": "safeguarding",
            "reason": "missing",
            "details": CANARY["break_glass_details"],
            "hours": 24,
        },
    )
    assert opened.status_code == 302, opened.content[:3000]
    assert opened["Location"] == f"/people/{person_id}"
    assert lead.get(f"/people/{person_id}").status_code == 200
    glass = BreakGlass.objects.get()
    told = sorted(address for message in mail.outbox for address in message.to)
    assert told == sorted([org.dpo.email, org.tp.email])
    dpo = watch.client(org.dpo)
    assert dpo.get("/consent/break-glass").status_code == 200
    review = dpo.get(f"/consent/break-glass/{glass.pk}")
    assert CANARY["break_glass_details"] in review.content.decode()
    reviewed = dpo.post(
        f"/consent/break-glass/{glass.pk}", {"outcome": "upheld", "note": "Proportionate"}
    )
    assert reviewed.status_code == 302
    watch.assert_clean()


def test_assessments_service_use_and_exports_leak_nothing(watch, org):
    from petal.outcomes.models import ExportJob
    from petal.outcomes.tests.factories import NDT_CODES

    c = watch.client(org.tp)
    person_id = add_canary_person(c)
    fill_in_the_record(c, person_id)
    recorded = c.post(
        f"/people/{person_id}/assessments/new/ndt",
        {
            **_date("assessed_on", timezone.localdate() - dt.timedelta(days=1)),
            "note": CANARY["assessment_note"],
            **dict.fromkeys(NDT_CODES, "2"),
        },
    )
    assert recorded.status_code == 302, recorded.content[:3000]
    assert c.get(recorded["Location"]).status_code == 200
    assert c.get(f"/people/{person_id}/assessments/").status_code == 200
    start = c.post(
        f"/people/{person_id}/service-use/new",
        {"year": timezone.localdate().year - 1, "quarter": "4"},
    )
    assert start.status_code in (200, 302)
    target = start["Location"] if start.status_code == 302 else None
    if target:
        c.post(target, {"arrests": "1", "note": CANARY["service_use_note"]})
    exported = c.post(
        "/outcomes/exports/new",
        {"kind": "cohort-people", "format": "csv", **_date("on", timezone.localdate())},
    )
    assert exported.status_code == 302, exported.content[:3000]
    job = ExportJob.objects.get()
    assert c.get(f"/outcomes/exports/{job.pk}").status_code == 200
    assert c.get(f"/outcomes/exports/{job.pk}/progress").status_code == 200
    download = c.get(f"/outcomes/exports/{job.pk}/download")
    assert download.status_code == 200
    assert c.get("/outcomes/exports/").status_code == 200
    watch.assert_clean()


def test_the_caseload_import_shows_problems_on_the_page_but_never_logs_them(watch, org):
    from petal.outcomes.models import ImportBatch

    c = watch.client(org.coordinator)
    upload = SimpleUploadedFile(
        "Canarywyn-Quillfeather-7Q3Z.csv", import_csv(org.tp.email), content_type="text/csv"
    )
    checked = c.post("/people/import/", {"file": upload})
    assert checked.status_code == 302, checked.content[:3000]
    batch = ImportBatch.objects.get()
    preview = c.get(checked["Location"]).content.decode()
    # The problem is shown where it belongs, to the person who uploaded it.
    assert "BAD-7Q3Z" in preview
    refused = c.post(f"/people/import/{batch.pk}/import")
    assert refused.status_code in (200, 302, 400)
    good = SimpleUploadedFile(
        "caseload.csv", import_csv(org.tp.email).rsplit(b"\r\n", 2)[0] + b"\r\n"
    )
    checked = c.post("/people/import/", {"file": good})
    assert checked.status_code == 302
    batch = ImportBatch.objects.latest("created_at")
    ran = c.post(f"/people/import/{batch.pk}/import")
    assert ran.status_code == 302, ran.content[:3000]
    assert c.get("/people/import/").status_code == 200
    watch.assert_clean()


def test_the_api_leaks_nothing(watch, org):
    from petal.accounts.services import token_create

    _, raw = token_create(actor=org.tp, name="canary")
    c = watch.client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def call(method, path, body=None):
        if body is None:
            return getattr(c, method)(path, **auth)
        return getattr(c, method)(
            path, data=json.dumps(body), content_type="application/json", **auth
        )

    created = call(
        "post",
        "/api/v1/people",
        {
            "full_name": CANARY["full_name"],
            "preferred_name": CANARY["preferred_name"],
            "date_of_birth": DATE_OF_BIRTH.isoformat(),
            "aliases": [CANARY["alias"]],
            "address": CANARY["address"],
            "phone": CANARY["phone"],
            "safe_contact": CANARY["safe_contact"],
        },
    )
    assert created.status_code == 201, created.content
    person_id = created.json()["id"]
    person = call("get", f"/api/v1/people/{person_id}").json()
    patched = call(
        "patch",
        f"/api/v1/people/{person_id}",
        {"version": person["version"], "risk_notes": CANARY["risk_notes"]},
    )
    assert patched.status_code == 200, patched.content
    assert call("get", "/api/v1/people").status_code == 200
    episode = call(
        "post",
        f"/api/v1/people/{person_id}/episodes",
        {
            "area": "homelessness",
            "starts_on": "2026-01-01",
            "note": CANARY["episode_note"],
        },
    )
    assert episode.status_code == 201, episode.content
    consent = call(
        "post",
        f"/api/v1/people/{person_id}/consents",
        {
            "categories": ["identity", "story"],
            "ends_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
            "given_how": "verbal",
            "grantee_organisation": org.organisation.pk,
            "conditions": CANARY["consent_conditions"],
        },
    )
    assert consent.status_code in (201, 422), consent.content
    referral = call(
        "post",
        "/api/v1/referrals",
        {
            "person_id": person_id,
            "service_id": str(org.service.pk),
            "reason": CANARY["referral_reason"],
        },
    )
    assert referral.status_code in (201, 422), referral.content
    # Bad input: refused with the field named, and nothing of what was sent logged.
    bad = call("patch", f"/api/v1/people/{person_id}", {"version": "x", "full_name": 7})
    assert bad.status_code == 422
    watch.assert_clean()


# --- error pages ------------------------------------------------------------------------------


def test_not_found_never_repeats_the_address(watch, org):
    from urllib.parse import quote

    c = watch.client(org.tp)
    typed = [
        f"/people/999999?q={CANARY['full_name']}",
        f"/no-such-page/{CANARY['full_name']}",
        f"/api/v1/people/{CANARY['full_name']}",
    ]
    for path in typed:
        response = c.get(path)
        assert response.status_code in (404, 422), path
    # The addresses were typed by the reader, not made by Petal: the pages must not repeat
    # them, and the logs may name the address asked for ("Not Found: <path>") but nothing more.
    assert watch.findings()["error pages"] == []
    spellings = {
        form for path in typed for form in (path, quote(path, safe="/?="), path.split("?")[0])
    }
    lines = []
    for line in watch.log_lines():
        for spelling in sorted(spellings, key=len, reverse=True):
            line = line.replace(spelling, "<typed address>")
        lines.append(line)
    assert [(line[:300], canaries_in(line)) for line in lines if canaries_in(line)] == []


def test_a_refused_form_post_never_shows_or_logs_what_was_sent(watch, org):
    draft = {
        "full_name": CANARY["full_name"],
        "preferred_name": CANARY["preferred_name"],
        **_date("date_of_birth", DATE_OF_BIRTH),
    }
    csrf = watch.client(org.tp, enforce_csrf_checks=True)
    refused = csrf.post("/people/new", draft)
    assert refused.status_code == 403
    # Too many fields: Django refuses the request (400) before any view reads it.
    crowded = watch.client(org.tp)
    many = {f"field{n}": CANARY["full_name"] for n in range(1200)}
    too_many = crowded.post("/people/new", many)
    assert too_many.status_code == 400
    watch.assert_clean()


def _fail_while_holding_the_canary(watch, org, monkeypatch):
    """A view fails while the canary is in the POST body and in the session (the draft of a
    new person); the 500 response."""
    from petal.people import services
    from petal.people.models import Person

    c = watch.client(org.tp)
    person_id = add_canary_person(c)
    c.post(
        "/people/new",
        {"full_name": CANARY["full_name"], **_date("date_of_birth", DATE_OF_BIRTH)},
    )

    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "person_update", fail)
    mail.outbox.clear()
    return c.post(
        f"/people/{person_id}/edit/story",
        {
            "version": Person.objects.get(pk=person_id).version,
            "what_happened": CANARY["what_happened"],
        },
    )


def test_a_server_error_shows_and_logs_no_personal_data(watch, org, monkeypatch):
    response = _fail_while_holding_the_canary(watch, org, monkeypatch)
    assert response.status_code == 500
    assert any(r.levelno >= logging.ERROR for r in watch.handler.records), "500 not logged"
    assert any("RuntimeError" in line for line in watch.log_lines()), "no traceback logged"
    watch.assert_clean()


def test_a_server_error_emails_no_personal_data_even_with_admins_set(
    watch, org, monkeypatch, settings
):
    settings.ADMINS = [("Petal operations", "operations@example.org")]
    response = _fail_while_holding_the_canary(watch, org, monkeypatch)
    assert response.status_code == 500
    watch.assert_clean(kinds={"emails"})


# --- what else leaves: audit data (reported, see the report) ---------------------------------


def test_notifications_refuse_anything_but_a_reference(org):
    """The guard behind every notification: a name in place of the reference is refused."""
    from petal.core.notify import notify

    with pytest.raises(ValueError, match="reference"):
        notify(
            to=[org.staff.email],
            subject="A referral",
            message="Waiting",
            reference=CANARY["full_name"],
            link="/referrals/",
        )


def test_watch_sees_a_canary_in_every_place_it_looks(watch, org):
    """The checks can fail: a canary put into a log, a link, an email and a Notify payload
    is found in each."""
    from petal.core.notify import notify

    logging.getLogger("petal.test").debug("about %s", CANARY["full_name"])
    watch.urls.append(("GET /", f"href=/people/?q={CANARY['full_name']}"))
    mail.send_mail("Hello", f"About {CANARY['address']}", None, ["x@example.org"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify(
            to=["y@example.org"],
            subject="A referral",
            message=f"For {CANARY['preferred_name']}",
            reference="R-000001",
            link="/referrals/",
        )
    print(CANARY["phone"])  # noqa: T201 - the watch reads stdout too
    found = watch.findings()
    for kind in ("logs", "urls", "emails", "notify", "stdout/stderr"):
        assert found[kind], kind
    # And nothing else counts as a canary.
    assert canaries_in("Test Person 1, born 1985-05-17, R-000001, /people/12?page=2") == []
    assert "Quillfeather-7Q3Z" in canaries_in("Canarywyn%20Quillfeather-7Q3Z")
    assert canaries_in("born 17%2F02%2F1931") == ["17/02/1931"]
