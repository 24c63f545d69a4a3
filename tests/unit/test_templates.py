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


def test_form_errors_name_their_field_in_words():
    from django import forms

    from footprint.config.jinja import field_error

    class ProposalForm(forms.Form):
        title = forms.CharField(label="Title", max_length=5)
        kind = forms.ChoiceField(label="Decision type", choices=[("a", "Investment")])
        money = forms.IntegerField(label="Money at stake (£)", min_value=0)
        file = forms.FileField(label="File")

    form = ProposalForm(data={"title": "Far too long", "kind": "castle", "money": "-5"})
    assert not form.is_valid()
    said = {name: field_error(form[name], errs[0]) for name, errs in form.errors.items()}
    assert said == {
        "title": "Title must be 5 characters or fewer (it has 12)",
        "kind": "Choose one of the options for decision type",
        "money": "Money at stake (£) must be 0 or more",
        "file": "Choose a file to upload",
    }
    blank = ProposalForm(data={})
    blank.is_valid()
    assert field_error(blank["title"], blank.errors["title"][0]) == "Enter the title"
    assert field_error(blank["kind"], blank.errors["kind"][0]) == "Choose the decision type"

    class AidForm(forms.Form):  # walk FL1, EN8: a label that is only a preposition
        from_organisation = forms.ChoiceField(label="From", choices=[("1", "Trust A")])

    aid = AidForm(data={})
    aid.is_valid()
    assert field_error(aid["from_organisation"], aid.errors["from_organisation"][0]) == (
        "Choose who it is from"
    )
    forged = AidForm(data={"from_organisation": "99"})
    forged.is_valid()
    assert field_error(forged["from_organisation"], forged.errors["from_organisation"][0]) == (
        "Choose one of the options for ‘From’"
    )

    class RebaseForm(forms.Form):
        reason = forms.CharField(label="Why the process changed")
        ratified = forms.BooleanField(label="Our board has ratified this response")

    rebase = RebaseForm(data={})
    rebase.is_valid()
    assert field_error(rebase["reason"], rebase.errors["reason"][0]) == (
        "Enter why the process changed"
    )
    assert field_error(rebase["ratified"], rebase.errors["ratified"][0]) == (
        "Tick ‘Our board has ratified this response’ to go on"
    )
    assert field_error(blank["title"], "Give a reason for hiding it.") == (
        "Give a reason for hiding it."
    )

    class LimitForm(forms.Form):
        up_to = forms.IntegerField(label="Up to (£) (optional)", min_value=0, required=False)

    limit = LimitForm(data={"up_to": "-1"})
    limit.is_valid()
    assert field_error(limit["up_to"], limit.errors["up_to"][0]) == "Up to (£) must be 0 or more"


def test_days_and_times_are_written_one_way_on_every_page():
    import datetime as dt

    from django.utils import timezone

    assert render("{{ d | day }}", d=dt.date(2027, 7, 1)) == "1 July 2027"
    assert render("{{ d | day }}", d=None) == "–"
    # Stored in UTC, shown in the site's time zone (Europe/London: British Summer Time in July).
    moment = dt.datetime(2027, 7, 1, 13, 5, tzinfo=dt.UTC)
    assert timezone.get_current_timezone_name() == "Europe/London"
    assert render("{{ t | day_time }}", t=moment) == "1 July 2027 at 14:05"


def test_a_name_inside_a_sentence_keeps_its_acronyms():
    assert render("{{ n | mid_sentence }}", n="Emergency admissions") == "emergency admissions"
    assert render("{{ n | mid_sentence }}", n="A&E attendances") == "A&amp;E attendances"
    assert render("{{ n | mid_sentence }}", n="GP practice appointments") == (
        "GP practice appointments"
    )
