"""Response headers on each page type; `check --deploy` clean with the documented production environment."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.conftest import HTMX, poll_params, poll_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_strict_csp(response):
    directives = policy(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    # A nonce only when the page has an inline script (base.html's): never 'unsafe-inline'.
    assert re.fullmatch(r"'self'( 'nonce-[A-Za-z0-9+/=]+')?", directives["script-src"])
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def assert_no_store(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_public_pages_have_the_security_headers(client, ad):
    for url in (reverse("ads:list"), ad.get_absolute_url(), reverse("accounts:login")):
        response = client.get(url)
        assert response.status_code == 200
        assert_strict_csp(response)


def test_the_inline_script_carries_the_responses_nonce(client):
    response = client.get(reverse("ads:list"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert "[!document.hidden]" not in response.content.decode()  # htmx filters need eval
    assert '"allowEval": false' in response.content.decode()


def test_the_pages_behaviour_is_one_module_script_after_htmx_with_the_nonce(client):
    """static/js/site.js imports the other modules; deferred like htmx and the catalogue, it runs after."""
    response = client.get(reverse("ads:list"))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    page = response.content.decode()
    module = f'<script type="module" src="/static/js/site.js" nonce="{nonce}"></script>'
    assert re.findall(r'<script type="module"[^>]*>', page) == [module.removesuffix("</script>")]
    assert page.index("/jsi18n/") < page.index("js/htmx.min.js") < page.index(module)


def test_private_pages_and_polls_are_never_stored(login, conversation, buyer):
    client = login(buyer)
    pages = [
        client.get(reverse("chat:list")),
        client.get(conversation.get_absolute_url()),
        client.get(reverse("chat:search"), {"q": "sofa"}),
        client.get(reverse("accounts:profile")),
        client.get(conversation.ad.get_absolute_url()),  # logged in: the page holds the user's own form
        client.get(
            poll_url(conversation), {**poll_params(conversation, buyer, 0), "token": "old"}, headers=HTMX
        ),
    ]
    for response in pages:
        assert response.status_code == 200
        assert_strict_csp(response)
        assert_no_store(response)
    nothing_new = client.get(poll_url(conversation), poll_params(conversation, buyer, 10**6), headers=HTMX)
    assert nothing_new.status_code == 204
    assert nothing_new["Cache-Control"] == "no-store"


def test_the_admin_has_the_security_headers(client):
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    client.force_login(moderator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert_strict_csp(response)
    assert_no_store(response)


def test_the_api_docs_run_under_the_strict_policy_with_no_inline_style(client):
    """Swagger UI's page had an inline <style> the policy refused: it is a file now, and the page gets
    the site's policy unchanged (the browser test tests/e2e/test_api_docs.py renders it)."""
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert_strict_csp(response)
    assert policy(response)["style-src"] == "'self'"
    page = response.content.decode()
    assert "<style" not in page and " style=" not in page
    assert re.search(r'<link rel="stylesheet" href="/static/css/api-docs\.css">', page)
    # Its scripts are files too (drf-spectacular's split view serves the init script from ?script=).
    assert not re.search(r"<script>", page)
    assert client.get(reverse("api-docs"), {"script": ""}).status_code == 200


# The production environment README.md documents (secrets here are throwaway test values).
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 20 + "Zx9!q_Rt7#Lm2$Vb5^Np8&Wc3*Hd6(Jf4)Gs1-",
    "DJANGO_ALLOWED_HOSTS": "marketplace.example",
    "DJANGO_BEHIND_TLS_PROXY": "true",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "true",
    "DJANGO_HSTS_PRELOAD": "true",
    "DATABASE_URL": "sqlite:////tmp/marketplace-check-deploy.sqlite3",
    "CACHE_URL": "redis://127.0.0.1:6379/0",
    "MARKETPLACE_SITE_URL": "https://marketplace.example",
}


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "MARKETPLACE_"))}
    env.update(PRODUCTION_ENV, **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_while_emails_would_link_to_the_development_address():
    # Outside testing: every emailed link (confirmation, reset, unsubscribe) pointed at 127.0.0.1:8000.
    for url in ("http://127.0.0.1:8000", "http://marketplace.example"):
        result = check_deploy(MARKETPLACE_SITE_URL=url)
        assert result.returncode != 0 and "marketplace.W001" in result.stdout + result.stderr
