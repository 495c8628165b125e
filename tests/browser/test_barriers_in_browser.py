"""Barriers in a real browser: a trusted person raises a barrier; the Cambridgeshire
coordinator, a Tactical Group member and a Strategic Group member each escalate it at a meeting
of their group (the first try without the lived-experience voice is refused and keeps what was
typed); the Public Service Board resolves it; the raiser sees the whole history; the Strategic
Group's board pack downloads as a PDF whose first page is rendered to PNG and checked. Every
page passes axe."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "Housing forms ask for a fixed address people sleeping rough do not have"


def _sign_out(page):
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/")


def _meetings(slug: str | None = None):
    """A meeting that started a minute ago (but today: a meeting held before the day a barrier
    reached its group cannot decide it): a session of the Cambridgeshire partnership, or with
    ``slug`` a meeting of that group above it. Made just before it decides the barrier."""
    from django.utils import timezone

    from petal.barriers.tests.factories import GovernanceMeetingFactory, SessionFactory, group

    now = timezone.localtime()
    starts_at = max(now - dt.timedelta(minutes=1), now.replace(hour=0, minute=0, second=0))
    ends_at = starts_at + dt.timedelta(hours=2)
    if slug is None:
        return SessionFactory(starts_at=starts_at, ends_at=ends_at)
    return GovernanceMeetingFactory(group=group(slug), starts_at=starts_at, ends_at=ends_at)


def _decide(page, barrier_url: str, *, outcome, reason_label: str, reason: str, said: str):
    page.goto(barrier_url)
    page.get_by_role("link", name="Record a decision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a decision")
    assert axe_violations(page) == []
    page.get_by_label("At which meeting did the group decide?").select_option(index=1)
    page.get_by_label(outcome).check()
    page.get_by_label(reason_label).fill(reason)
    page.get_by_label("A member with lived experience").check()
    page.get_by_label("What they said, or why no one was heard").fill(said)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"**{barrier_url}")


def test_a_barrier_climbs_the_ladder_and_the_board_pack_has_no_one_in_it(page, demo, tmp_path):
    # A trusted person raises it.
    sign_in(page, "trusted.person@example.org")
    page.goto("/barriers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Barriers")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Raise a barrier").first.click()
    assert axe_violations(page) == []
    page.get_by_label("What gets in the way?").fill(SUMMARY)
    page.get_by_label("Its effect on people (optional)").fill(
        "Someone sleeping rough waited six weeks for a first appointment."
    )
    page.get_by_label("Homelessness").check()
    page.get_by_label("Often").check()
    page.get_by_label("In my own work").check()
    page.get_by_label("Which partnership should take it up first?").select_option(
        label="Cambridgeshire"
    )
    page.get_by_role("button", name="Raise the barrier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SUMMARY)
    barrier_url = page.url.replace(page.url.split("/barriers/")[0], "")
    assert axe_violations(page) == []
    screenshot(page, "barrier-raised")
    _sign_out(page)

    # The Cambridgeshire coordinator forgets the lived-experience voice: refused, kept.
    _meetings()
    sign_in(page, "coordinator@example.org")
    page.goto(barrier_url)
    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label("At which meeting did the group decide?").select_option(index=1)
    page.get_by_label(re.compile("^Escalate it to the Tactical Group")).check()
    page.get_by_label("Why does it need the next level?").fill("Needs a county-wide policy")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Record the lived-experience voice heard at this meeting, or why none was"
    )
    expect(page.get_by_label("Why does it need the next level?")).to_have_value(
        "Needs a county-wide policy"
    )
    assert page.title().startswith("Error: ")
    assert axe_violations(page) == []
    screenshot(page, "decision-refused")
    page.get_by_label("Not heard").check()
    page.get_by_label("What they said, or why no one was heard").fill(
        "No one with lived experience could come this month; we will ask the peer group."
    )
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"**{barrier_url}")
    expect(page.locator("body")).to_contain_text("Tactical Group")
    _sign_out(page)

    # The Tactical Group escalates it; the Strategic Group escalates it.
    for email, said in (
        ("tactical@example.org", "It took me three months to get a flat because of this form."),
        ("strategic@example.org", "Every service asks for an address before it will help."),
    ):
        _meetings(email.split("@")[0] + "-group")
        sign_in(page, email)
        if email.startswith("strategic"):
            # The agenda of the Strategic Group's meeting takes the barriers waiting there.
            from petal.meetings.models import Meeting

            meeting = Meeting.objects.get(kind="governance", group__slug="strategic-group")
            page.goto(f"/governance/meetings/{meeting.pk}")
            page.get_by_role("button", name="Add the barriers waiting at this level").click()
            expect(page.locator("body")).to_contain_text(SUMMARY)
            assert axe_violations(page) == []
        _decide(
            page,
            barrier_url,
            outcome=re.compile("^Escalate it to the"),
            reason_label="Why does it need the next level?",
            reason="The policy is set above this group",
            said=said,
        )
        _sign_out(page)

    # The Public Service Board resolves it, with an owner and a due date.
    _meetings("public-service-board")
    sign_in(page, "board@example.org")
    page.goto(barrier_url)
    page.get_by_role("link", name="Record a decision").click()
    page.get_by_label("At which meeting did the group decide?").select_option(index=1)
    page.get_by_label("Resolve it here").check()
    page.get_by_label("What will be done to resolve it?").fill(
        "Accept a day centre's address on every housing form"
    )
    page.get_by_label("Which organisation will do it?").select_option(index=1)
    from django.utils import timezone

    due = timezone.localdate() + dt.timedelta(days=60)
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_label("A survey").check()
    page.get_by_label("What they said, or why no one was heard").fill(
        "Most people who answered had been turned away for want of an address."
    )
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(f"**{barrier_url}")
    _sign_out(page)

    # The raiser sees the whole history, in order, with every voice (and the one not heard).
    sign_in(page, "trusted.person@example.org")
    page.goto(barrier_url)
    history = page.locator("body").inner_text()
    positions = [
        history.find(name)
        for name in (
            "Cambridgeshire operational partnership",
            "Tactical Group",
            "Strategic Group",
            "Public Service Board",
        )
    ]
    assert all(p >= 0 for p in positions), positions
    assert "we will ask the peer group" in history
    assert "turned away for want of an address" in history
    assert axe_violations(page) == []
    screenshot(page, "barrier-history")
    _sign_out(page)

    # The Strategic Group meeting: its page and its board pack.
    from petal.meetings.models import Meeting

    strategic = Meeting.objects.get(kind="governance", group__slug="strategic-group")
    sign_in(page, "strategic@example.org")
    page.goto(f"/governance/meetings/{strategic.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Strategic Group")
    assert axe_violations(page) == []
    screenshot(page, "strategic-meeting")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the board pack (PDF)").click()
    pdf = tmp_path / "pack.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "Strategic Group" in text
    assert "Every service asks for an address" in text  # the voice heard there
    from petal.accounts.models import User

    for user in User.objects.filter(
        email__in=["trusted.person@example.org", "coordinator@example.org"]
    ):
        assert user.full_name not in text

    # Its first page, as an image: a page of print, not a blank one.
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    first = next(tmp_path.glob("p*.png"))
    image = page.context.new_page()
    image.set_content(
        f'<img alt="" src="data:image/png;base64,{_b64(first)}" id="pack">', wait_until="load"
    )
    size = image.evaluate(
        "() => { const i = document.getElementById('pack'); "
        "return [i.naturalWidth, i.naturalHeight]; }"
    )
    # A4 portrait at 60 dpi is about 496 × 702 pixels.
    assert 480 <= size[0] <= 510 and 690 <= size[1] <= 715, size
    inked = image.evaluate(
        """() => { const i = document.getElementById('pack');
        const c = document.createElement('canvas'); c.width = i.naturalWidth;
        c.height = i.naturalHeight; const x = c.getContext('2d'); x.drawImage(i, 0, 0);
        const d = x.getImageData(0, 0, c.width, c.height).data; let dark = 0;
        for (let k = 0; k < d.length; k += 4) { if (d[k] + d[k+1] + d[k+2] < 384) dark++; }
        return dark / (c.width * c.height); }"""
    )
    assert 0.005 < inked < 0.5, inked
    image.close()
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(first, Path(SCREENSHOTS) / "board-pack-page-1.png")


def _b64(path: Path) -> str:
    import base64

    return base64.b64encode(path.read_bytes()).decode()
