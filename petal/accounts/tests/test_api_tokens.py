"""Personal access tokens and the /api/v1/me endpoint."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.models import PersonalAccessToken
from petal.accounts.services import token_create, token_revoke
from petal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _me(client, raw):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_me_returns_the_callers_roles_through_a_token(client, make_user):
    user = make_user(Role.PARTNERSHIP_COORDINATOR)
    _, raw = token_create(actor=user, name="test")
    response = _me(client, raw)
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == user.email
    assert body["roles"] == ["partnership_coordinator"]
    assert body["memberships"][0]["partnership"] == "Cambridgeshire"
    assert "organisations.view" in body["permissions"]


def test_token_is_stored_hashed(make_user):
    user = make_user(Role.TRUSTED_PERSON)
    token, raw = token_create(actor=user, name="test")
    secret = raw.split("_")[2]
    assert secret not in token.secret_hash
    assert not PersonalAccessToken.objects.filter(secret_hash__contains=secret).exists()
    assert AuditEvent.objects.filter(action="account.token_created").exists()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),  # wrong secret
        lambda raw: "petal_000000000000_" + raw.split("_")[2],  # wrong prefix
        lambda raw: "nonsense",
        lambda raw: "",
    ],
)
def test_wrong_tokens_are_refused(client, make_user, mangle):
    user = make_user(Role.TRUSTED_PERSON)
    _, raw = token_create(actor=user, name="test")
    response = _me(client, mangle(raw))
    assert response.status_code == 401
    assert response.json() == {"detail": "Sign in or send a valid token"}


def test_revoked_token_stops_working_at_once(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    token, raw = token_create(actor=user, name="test")
    assert _me(client, raw).status_code == 200
    token_revoke(actor=user, token_id=token.pk)
    assert _me(client, raw).status_code == 401


def test_expired_token_is_refused(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    token, raw = token_create(actor=user, name="test")
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert _me(client, raw).status_code == 401


def test_token_of_disabled_user_is_refused(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    _, raw = token_create(actor=user, name="test")
    user.is_active = False
    user.save()
    assert _me(client, raw).status_code == 401


def test_session_works_for_the_api_too(client, make_user):
    user = make_user(Role.CHAMPION)
    client.force_login(user)
    assert client.get("/api/v1/me").json()["roles"] == ["champion"]


def test_someone_cannot_revoke_another_persons_token(make_user):
    from petal.core.errors import NotFound

    owner = make_user(Role.TRUSTED_PERSON)
    other = make_user(Role.TRUSTED_PERSON)
    token, _ = token_create(actor=owner, name="test")
    with pytest.raises(NotFound):
        token_revoke(actor=other, token_id=token.pk)


def test_revoke_page_answers_404_for_another_persons_token(client, make_user):
    owner = make_user(Role.TRUSTED_PERSON)
    token, _ = token_create(actor=owner, name="test")
    client.force_login(make_user(Role.TRUSTED_PERSON))
    assert client.post(f"/account/tokens/{token.pk}/revoke").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_form_creates_shows_once_and_revokes(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    client.force_login(user)
    response = client.post("/account/tokens/new", {"name": "Spreadsheet", "days": "30"})
    html = response.content.decode()
    raw = html.split('data-testid="token">')[1].split("<")[0]
    assert raw.startswith("petal_")
    assert _me(client.__class__(), raw).status_code == 200
    account = client.get("/account").content.decode()
    assert "Spreadsheet" in account
    assert raw not in account
    token = PersonalAccessToken.objects.get(user=user)
    assert client.post(f"/account/tokens/{token.pk}/revoke").status_code == 302
    assert _me(client.__class__(), raw).status_code == 401


def test_token_form_bad_input_keeps_what_was_typed(client, make_user):
    client.force_login(make_user(Role.TRUSTED_PERSON))
    response = client.post("/account/tokens/new", {"name": "My script", "days": "lots"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter the number of days as a whole number" in html
    assert 'value="My script"' in html
    assert 'value="lots"' in html
    assert not PersonalAccessToken.objects.exists()


def test_create_token_command_prints_the_token_alone_on_the_last_line(make_user, capsys):
    user = make_user(Role.TRUSTED_PERSON)
    call_command("create_token", user.email)
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("petal_")
    assert " " not in last


def test_openapi_schema_lists_me_and_bearer_auth(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in schema["paths"]
    assert any(
        s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values()
    )


def test_api_paths_have_no_trailing_slash_redirect(client, make_user):
    client.force_login(make_user(Role.CHAMPION))
    assert client.get("/api/v1/me").status_code == 200
    assert client.get("/api/v1/me/").status_code == 404
