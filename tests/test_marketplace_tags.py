import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse


def render(source: str, **context) -> str:
    return Template("{% load marketplace_tags %}" + source).render(Context(context))


def test_cached_url_is_reverse_and_escaped():
    assert render("{% cached_url 'chat:list' %}") == reverse("chat:list")
    assert render("{% cached_url 'chat:offer_act' 'Ab_c-12345' 7 'accept' %}") == reverse(
        "chat:offer_act", args=["Ab_c-12345", 7, "accept"]
    )
    assert render("{% cached_url 'chat:offer_act' 'Ab_c-12345' 7 value %}", value="a b") == reverse(
        "chat:offer_act", args=["Ab_c-12345", 7, "a b"]
    )


def test_cached_url_follows_the_script_prefix(settings):
    from django.urls import set_script_prefix

    set_script_prefix("/market/")
    try:
        assert render("{% cached_url 'chat:list' %}") == "/market/chat/"
    finally:
        set_script_prefix("/")


def test_an_unknown_name_fails_like_url():
    with pytest.raises(NoReverseMatch):
        render("{% cached_url 'chat:nope' %}")
