"""Templates fail on a misspelt name in the tests (and in DEBUG), not render it blank."""

import pytest
from django.template import engines
from jinja2 import UndefinedError


def render(source: str, **context) -> str:
    return engines["jinja2"].env.from_string(source).render(**context)


def test_a_misspelt_name_fails_the_page():
    with pytest.raises(UndefinedError, match="'reasn' is undefined"):
        render("<p>{{ reasn }}</p>", reason="Within its limit")
    with pytest.raises(UndefinedError):
        render("{% if reasn %}shown{% endif %}", reason="x")
    with pytest.raises(UndefinedError):
        render("{% for r in rowz %}{{ r }}{% endfor %}", rows=[1])


def test_a_name_that_is_there_renders_and_a_missing_key_stays_optional():
    assert render("<p>{{ reason }}</p>", reason="Within its limit") == "<p>Within its limit</p>"
    assert render("{{ 'yes' if crumbs is defined else 'no' }}") == "no"
    assert render("[{{ params.hint }}]", params={}) == "[]"


def test_nhs_macros_keep_their_optional_parameters():
    html = render(
        '{% from "nhsuk/components/button/macro.jinja" import button %}'
        '{{ button({"text": "Save"}) }}'
    )
    assert "Save" in html and "nhsuk-button" in html
