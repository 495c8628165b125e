"""Two-step sign-in: a code from an authenticator app (TOTP, RFC 6238, through django-otp),
with one-time recovery codes for when the phone is lost.

Reads and checks only; every change (and its audit event) is in petal.accounts.services.
"""

from __future__ import annotations

import base64
import hmac
import io
import re
import secrets
from base64 import b32encode
from hashlib import sha256

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from petal.accounts.models import RecoveryCode

RECOVERY_CODE_COUNT = 10
# Ten characters from 31 letters and digits without look-alikes (no i, l, o, 0 or 1): about
# 50 random bits each.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_SEPARATORS = re.compile(r"[\s-]+")


def required_for(user) -> bool:
    """Whether this user must use two-step sign-in: in production (PETAL_MFA_REQUIRED) for
    every role that reads personal data."""
    if not settings.PETAL_MFA_REQUIRED:
        return False
    from petal.access.policy import can

    return can(user, "account.mfa_required")


def device_for(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()
        if user is not None and user.pk
        else None
    )


def has_mfa(user) -> bool:
    return device_for(user) is not None


def needs_second_step(user) -> bool:
    """At sign-in: ask for a code (they have an app), or set one up (it is required)."""
    return has_mfa(user) or required_for(user)


def setup_key(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// link as a QR code, an SVG in a data: URI (no request leaves Petal)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def normalise_code(text: str) -> str:
    return _SEPARATORS.sub("", (text or "").strip().lower())


def is_app_code(text: str) -> bool:
    return bool(re.fullmatch(r"\d{6}", normalise_code(text)))


def recovery_hash(code: str, secret: str | None = None) -> str:
    key = (secret or settings.SECRET_KEY).encode()
    return hmac.new(key, b"petal-recovery:" + normalise_code(code).encode(), sha256).hexdigest()


def new_recovery_codes() -> list[str]:
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def unused_recovery_codes(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def check_app_code(device: TOTPDevice | None, code: str) -> bool:
    """A six-digit code from the app. django-otp refuses a code used before and slows down
    repeated failures (1, 2, 4, 8 … seconds)."""
    if device is None or not is_app_code(code):
        return False
    return bool(device.verify_token(normalise_code(code)))


def use_recovery_code(user, code: str) -> bool:
    """Spend one recovery code; False if it is not one of the user's unused codes."""
    if not normalise_code(code) or is_app_code(code):
        return False
    # The current key, and any old one still accepted while the key is rotated.
    wanted = [recovery_hash(code, secret) for secret in (None, *settings.SECRET_KEY_FALLBACKS)]
    match = (
        RecoveryCode.objects.filter(user=user, used_at__isnull=True, code_hash__in=wanted)
        .values_list("pk", flat=True)
        .first()
    )
    if match is None:
        return False
    updated = RecoveryCode.objects.filter(pk=match, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    return updated == 1
