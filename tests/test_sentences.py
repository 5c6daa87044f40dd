"""marketplace.sentences: a name or title that ends a sentence keeps one full stop."""

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext_lazy

from marketplace.sentences import sentence_format, sentence_template, single_stop


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Sam Jr.", "Marked as sold to Sam Jr."),
        ("Sam Jr", "Marked as sold to Sam Jr."),
        ("Yes!", "Marked as sold to Yes!"),
        ("Wait…", "Marked as sold to Wait…"),
        ("J.R.R", "Marked as sold to J.R.R."),
    ],
)
def test_the_templates_full_stop_goes_only_after_a_value_that_ends_a_sentence(name, said):
    assert sentence_format("Marked as sold to %(name)s.", {"name": name}) == said


def test_only_the_stop_right_after_that_value_goes_and_the_values_are_kept():
    template = "%(seller)s. reserved this for %(buyer)s. Done. 100%%(buyer)s."
    assert sentence_template(template, {"seller": "Al", "buyer": "Bo."}) == (
        "%(seller)s. reserved this for %(buyer)s Done. 100%%(buyer)s."
    )
    assert sentence_format("%(name)s accepted.", {"name": "Sam Jr."}) == "Sam Jr. accepted."


def test_the_translated_template_decides_where_the_name_is():
    with translation.override("ru"):
        said = sentence_format(gettext_lazy("Marked as sold to %(name)s."), {"name": "Сэм мл."})
    assert said == "Отмечено как проданное покупателю Сэм мл."


def test_the_template_filter_works_on_escaped_output():
    template = Template(
        "{% load i18n marketplace_tags %}"
        "{% blocktranslate with name=n asvar said %}You reviewed {{ name }}.{% endblocktranslate %}"
        "{{ said|single_stop:n }}"
    )
    with translation.override("en"):  # an earlier test's request may have left another language active
        assert template.render(Context({"n": "<b>Sam</b> Jr."})) == "You reviewed &lt;b&gt;Sam&lt;/b&gt; Jr."
        assert template.render(Context({"n": "Sam"})) == "You reviewed Sam."
    assert single_stop("Hi Sam Jr.. Bye.", "Sam Jr.") == "Hi Sam Jr. Bye."
