"""Security headers on every response; no caching of signed-in pages or API answers."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from petal.access.roles import Role

pytestmark = pytest.mark.django_db


def test_csp_is_enforced_with_a_nonce_and_no_unsafe_inline(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_other_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Request-ID"]
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy


def test_static_files_and_api_answers_carry_the_permissions_policy_too(client):
    from django.templatetags.static import static

    for path in ("/api/v1/openapi.json", static("petal/petal.css")):
        response = client.get(path)
        assert "camera=()" in response.get("Permissions-Policy", ""), path


def test_signed_in_pages_and_api_are_not_cached(client, make_user):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    client.force_login(make_user(Role.TRUSTED_PERSON))
    assert client.get("/dashboard")["Cache-Control"].startswith("no-store")
    assert client.get("/api/v1/me")["Cache-Control"].startswith("no-store")


def test_errors_are_gov_uk_pages_without_a_stack_trace(rf):
    from petal.core.views import server_error

    response = server_error(rf.get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with Petal" in body
    assert "Traceback" not in body


def _manage(*args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PETAL_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "PETAL_ENV": "production",
    "PETAL_SECRET_KEY": "x" * 20 + "-production-secret-for-the-deploy-check-0123456789",
    "PETAL_ALLOWED_HOSTS": "petal.example.org",
}


def test_production_settings_pass_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["PETAL_SECRET_KEY", "PETAL_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_forbidden_page_is_a_gov_uk_page(client, make_user):
    client.force_login(make_user(Role.TRUSTED_PERSON))
    response = client.get("/audit/")
    body = response.content.decode()
    assert response.status_code == 403
    assert "You cannot see this page" in body
    assert "govuk-template" in body


def test_not_found_page_is_a_gov_uk_page(client):
    response = client.get("/nowhere-at-all")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_view_without_an_access_rule_is_refused(rf, make_user):
    from django.core.exceptions import PermissionDenied

    from petal.access.middleware import AccessPolicyMiddleware

    def undeclared(request):
        raise AssertionError("must not run")

    request = rf.get("/")
    request.user = make_user(Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        AccessPolicyMiddleware(lambda r: None).process_view(request, undeclared, (), {})


def test_the_content_security_policy_allows_no_base_element(client):
    assert "base-uri 'none'" in client.get("/")["Content-Security-Policy"]


@pytest.mark.parametrize("method", ["TRACE", "TRACK"])
def test_trace_is_refused_everywhere(client, method):
    for path in ("/", "/sign-in", "/api/v1/openapi.json"):
        response = client.generic(method, path)
        assert response.status_code == 405, path
        assert b"sign-in" not in response.content


def test_production_refuses_the_api_over_plain_http_rather_than_redirecting(client, settings):
    settings.PRODUCTION = True
    insecure = client.get("/api/v1/openapi.json")
    assert insecure.status_code == 403
    assert insecure.json()["detail"].startswith("Use HTTPS")
    assert client.get("/api/v1/openapi.json", secure=True).status_code == 200
    settings.PRODUCTION = False
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_production_will_not_load_demo_data_or_the_benchmark_urls():
    demo = _manage("demo", **PRODUCTION)
    assert demo.returncode != 0
    assert "never loaded when PETAL_ENV=production" in demo.stderr
    bench = _manage("check", PETAL_URLCONF="config.urls_benchmark", **PRODUCTION)
    assert bench.returncode != 0
    assert "PETAL_URLCONF" in bench.stderr


def test_signing_out_clears_what_the_browser_kept(client, make_user):
    client.force_login(make_user(Role.CHAMPION))
    response = client.post("/sign-out")
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_refused_access_is_logged_with_who_and_where_but_no_query(client, make_user, caplog):
    user = make_user(Role.CHAMPION)
    client.force_login(user)
    with caplog.at_level("WARNING", logger="petal.security"):
        assert client.get("/users?q=someone+typed").status_code == 403
        assert client.get("/people/999999").status_code == 404
    lines = [r.getMessage() for r in caplog.records if r.name == "petal.security"]
    assert f"access refused: status=403 user={user.pk} method=GET path=/users" in lines
    assert f"access refused: status=404 user={user.pk} method=GET path=/people/999999" in lines
    assert not any("someone" in line for line in lines)


def test_log_lines_carry_the_request_id_and_a_time_offset(client, make_user):
    import logging

    from django.conf import settings as django_settings

    from petal.core.logging import RequestIdFilter

    config = django_settings.LOGGING["formatters"]["plain"]
    formatter = logging.Formatter(config["format"], config["datefmt"])
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(formatter.format(record))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("petal.security")
    logger.addHandler(handler)
    try:
        client.force_login(make_user(Role.CHAMPION))
        client.get("/people/999999", HTTP_X_REQUEST_ID="req-abcdef123")
        logging.getLogger("petal.security").warning("outside a request")
    finally:
        logger.removeHandler(handler)
    assert "[req-abcdef123] access refused" in seen[0]
    assert seen[-1].split(" ")[0][-5] in "+-"  # 2026-11-24T10:00:00+0000
    assert "[-] outside a request" in seen[-1]
