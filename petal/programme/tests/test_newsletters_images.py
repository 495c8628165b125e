"""Images for newsletters: only PNG, JPEG, GIF and WebP up to 5 MB, with alt text, checked by
Pillow and re-encoded so nothing hidden (a phone's location) leaves with them; served with
their type, long caching and nosniff. Newsletters may show these images and no others; pages
may show none."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import ValidationFailed
from petal.programme import images
from petal.programme.models import NewsletterImage
from petal.site.rendering import render_markdown

pytestmark = pytest.mark.django_db

IMAGES = reverse("newsletters:images")
GPS_IFD = 0x8825


@pytest.fixture
def team_client(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    return client


def _picture(kind="PNG", size=(40, 30), exif=False, mode="RGB") -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else None)
    out = io.BytesIO()
    extra = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # camera make
        data[0x0112] = 6  # orientation: turn 90° clockwise to show
        data.get_ifd(GPS_IFD)[2] = (52.0, 12.0, 0.0)  # latitude
        extra["exif"] = data.tobytes()
    image.save(out, kind, **extra)
    return out.getvalue()


def _upload(
    client, data: bytes, name="photo.png", alt="Partners around a table", ctype="image/png"
):
    return client.post(
        IMAGES, {"image": SimpleUploadedFile(name, data, content_type=ctype), "alt": alt}
    )


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_each_allowed_kind_is_kept_re_encoded(team_client, kind, content_type):
    response = _upload(team_client, _picture(kind))

    assert response.status_code == 302
    image = NewsletterImage.objects.get()
    assert image.content_type == content_type
    assert (image.width, image.height) == (40, 30)
    assert Image.open(io.BytesIO(bytes(image.data))).format == kind
    [event] = AuditEvent.objects.filter(action="newsletter.image_uploaded")
    assert event.object_id == str(image.pk)
    listing = team_client.get(IMAGES).content.decode()
    ext = images.extension_for(content_type)
    assert f"![Partners around a table](/newsletters/images/{image.key}.{ext})" in listing


def test_metadata_is_stripped_and_the_photo_turned_the_right_way(team_client):
    original = _picture("JPEG", size=(60, 20), exif=True)
    assert Image.open(io.BytesIO(original)).getexif().get(0x010F) == "PhoneMaker"

    _upload(team_client, original, name="photo.jpg", ctype="image/jpeg")

    stored = bytes(NewsletterImage.objects.get().data)
    kept = Image.open(io.BytesIO(stored))
    assert dict(kept.getexif()) == {}
    assert b"Exif" not in stored and b"PhoneMaker" not in stored
    assert kept.size == (20, 60)  # orientation 6 applied before the EXIF went


def test_a_large_image_is_made_at_most_2000_pixels(team_client):
    _upload(team_client, _picture("PNG", size=(4000, 1000)))

    image = NewsletterImage.objects.get()
    assert (image.width, image.height) == (2000, 500)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.4 not a picture", "photo.png", "must be a PNG, JPEG, GIF or WebP"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
            "must be a PNG, JPEG, GIF or WebP",
        ),
        (_picture("BMP"), "old.bmp", "must be a PNG, JPEG, GIF or WebP"),
        (_picture("PNG")[:40], "cut.png", "must be a PNG, JPEG, GIF or WebP"),
        (b"\x89PNG" + b"0" * (5 * 1024 * 1024), "huge.png", "smaller than 5 MB"),
    ],
)
def test_anything_else_is_refused_keeping_the_alt_text(team_client, data, name, message):
    response = _upload(team_client, data, name=name, alt="Kept alt text")

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'value="Kept alt text"' in html
    assert "<title>Error:" in html
    assert not NewsletterImage.objects.exists()


def test_alt_text_is_required(team_client):
    response = _upload(team_client, _picture(), alt="  ")

    assert "Enter alt text" in response.content.decode()
    assert not NewsletterImage.objects.exists()


def test_a_decompression_bomb_is_refused():
    with pytest.raises(ValidationFailed, match="40 million pixels"):
        images.clean_image(_picture("PNG", size=(8000, 6000), mode="1"))


def test_an_image_is_served_with_its_type_long_caching_and_nosniff(client, team_client):
    _upload(team_client, _picture("PNG"))
    image = NewsletterImage.objects.get()
    client.logout()

    for path in (f"/newsletters/images/{image.key}.png", f"/newsletters/images/{image.key}"):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "max-age=31536000" in response["Cache-Control"]
        assert response.content == bytes(image.data)
    assert client.get("/newsletters/images/nosuchkey.png").status_code == 404
    assert client.get("/newsletters/images/%C2%B2.png").status_code == 404


def test_an_image_keeps_its_long_cache_for_a_signed_in_reader_too(team_client):
    # Pages seen while signed in are never stored (NoStoreMiddleware), but an image is the same
    # public bytes for everyone: the programme team's own preview must not defeat its caching.
    _upload(team_client, _picture("PNG"))
    image = NewsletterImage.objects.get()
    response = team_client.get(f"/newsletters/images/{image.key}.png")
    assert "max-age=31536000" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    # The page around it is still not stored.
    assert "no-store" in team_client.get("/programme/newsletters/images")["Cache-Control"]


def test_image_list_does_not_query_per_row(team_client):
    _upload(team_client, _picture())
    team_client.get(IMAGES)
    with CaptureQueriesContext(connection) as few:
        team_client.get(IMAGES)
    for _ in range(4):
        _upload(team_client, _picture())
    team_client.get(IMAGES)  # shows (and uses up) the "uploaded" message
    with CaptureQueriesContext(connection) as many:
        team_client.get(IMAGES)
    assert len(many) == len(few)


# --- rendering -----------------------------------------------------------------------------------


def test_newsletters_show_uploaded_images_only_with_their_alt_text():
    html = str(
        render_markdown(
            "![A chart](/newsletters/images/Abc_123-x.png)\n\n"
            "![Tracker](https://tracker.example/pixel.gif)\n\n"
            "![Sneaky](/newsletters/images/../../admin.png)\n\n"
            '<img src="//evil.example/x.png" alt="raw"><img src="javascript:alert(1)" alt="js">',
            images=True,
        )
    )

    assert '<img alt="A chart" src="/newsletters/images/Abc_123-x.png">' in html
    assert html.count("<img") == 1
    for gone in ("tracker.example", "admin.png", "evil.example", "javascript", "Tracker", "raw"):
        assert gone not in html


def test_pages_still_show_no_images():
    html = str(render_markdown("![A chart](/newsletters/images/abc.png)"))
    assert "<img" not in html


def test_email_makes_image_and_link_addresses_absolute():
    html = str(
        render_markdown(
            "![A chart](/newsletters/images/abc.png) and [partners](/partners)",
            images=True,
            absolute_to="https://petal.example.org",
        )
    )
    assert 'src="https://petal.example.org/newsletters/images/abc.png"' in html
    assert 'href="https://petal.example.org/partners"' in html
