import io
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from PIL import Image

from chat import services as chat_services
from chat.delivery import tokens
from tests.factories import AdFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    """Each test starts with an empty cache (sessions, last-seen gate) and its own media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MARKETPLACE_PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    # A fast hasher: the default PBKDF2 costs ~0.3 s per user created.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()
    # A Russian request through the test client leaves Russian active in this thread (LocaleMiddleware
    # activates and nothing deactivates): the next test would render in Russian.
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): services.x(...)`` runs the on-commit callbacks (poll-token replacements) queued
    inside, as the commit of a real request would; tests run inside one transaction that never commits.

    Transactional tests (threads, browser) commit for real and do not need it.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def seller(db):
    return UserFactory(display_name="Sam Seller")


@pytest.fixture
def buyer(db):
    return UserFactory(display_name="Bea Buyer")


@pytest.fixture
def stranger(db):
    return UserFactory(display_name="Stan Stranger")


@pytest.fixture
def ad(seller):
    return AdFactory(owner=seller, title="Walnut sofa", price=Decimal("450.00"))


@pytest.fixture
def conversation(buyer, ad):
    conversation, _ = chat_services.conversation_start(
        buyer=buyer, ad=ad, body="Hi! Is this still available?"
    )
    return conversation


@pytest.fixture
def login(client):
    """Log *user* in on the test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def make_image_bytes(
    fmt: str = "JPEG", size=(640, 480), colour=(200, 30, 30), exif: bytes | None = None
) -> bytes:
    image = Image.new("RGB", size, colour)
    buffer = io.BytesIO()
    kwargs = {"exif": exif} if exif else {}
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


# Headers of a request htmx sends.
HTMX = {"HX-Request": "true"}


def conversation_token(conversation, user) -> str:
    """The poll token *user*'s open conversation page would carry (``token``)."""
    return tokens.read(tokens.conversation_key(conversation.public_id, user.pk))


def list_token(user) -> str:
    """The poll token *user*'s conversation list (and header badge) would carry (``token``)."""
    return tokens.read(tokens.list_key(user.pk))


def user_key(user) -> str:
    """The signed user key pages put in their polls (``user_key``)."""
    return tokens.user_poll_key(user.pk)


def poll_url(conversation) -> str:
    return reverse("chat:poll", args=[conversation.public_id])


def poll_params(conversation, user, after) -> dict:
    """The query of *user*'s conversation poll holding the current token, with cursor *after*."""
    return {"token": conversation_token(conversation, user), "user_key": user_key(user), "after": after}
