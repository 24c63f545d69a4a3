"""The one table macro (core/tables.jinja): scroll region named by the caption, caption,
numeric columns, sort links and the empty state."""

import re

from django.template import engines

IMPORT = '{% from "core/tables.jinja" import data_table, td, th %}'


def render(source: str, **context) -> str:
    return engines["jinja2"].env.from_string(IMPORT + source).render(**context)


def squash(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


LEAVERS = (
    '{% call(r) data_table("Leavers by month", ["Month", {"text": "Leavers", "numeric": true}],'
    " rows, id='series', empty=empty, empty_style=style) %}"
    "{{ th(r[0]) }}{{ td(r[1] | thousands, numeric=true) }}{% endcall %}"
)


def test_a_table_scrolls_in_a_region_named_by_its_caption_with_figures_right_aligned():
    html = squash(
        render(LEAVERS, rows=[("Jan 2027", 1200), ("Feb 2027", 8)], empty=None, style="text")
    )
    assert html == (
        '<div class="fp-table-scroll" tabindex="0" role="region" aria-label="Leavers by month">'
        '<table class="nhsuk-table" id="series">'
        '<caption class="nhsuk-table__caption nhsuk-table__caption--s">Leavers by month</caption>'
        '<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">'
        '<th scope="col" class="nhsuk-table__header">Month</th>'
        '<th scope="col" class="nhsuk-table__header fp-numeric">Leavers</th></tr></thead>'
        '<tbody class="nhsuk-table__body">'
        '<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">Jan 2027</th>'
        '<td class="nhsuk-table__cell fp-numeric">1,200</td></tr>'
        '<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">Feb 2027</th>'
        '<td class="nhsuk-table__cell fp-numeric">8</td></tr>'
        "</tbody></table></div>"
    )


def test_no_rows_say_so_as_text_inset_or_a_row_that_spans_the_columns():
    text = squash(render(LEAVERS, rows=[], empty="No returns yet.", style="text"))
    assert text == "<p>No returns yet.</p>"
    inset = squash(render(LEAVERS, rows=[], empty="None.", style="inset"))
    assert inset == '<div class="nhsuk-inset-text"><p>None.</p></div>'
    row = squash(render(LEAVERS, rows=iter([]), empty="None", style="row"))
    assert "<caption" in row and "Leavers by month" in row
    assert '<td class="nhsuk-table__cell" colspan="2">None</td>' in row
    total = squash(
        render(
            '{% set foot %}<tr class="nhsuk-table__row">{{ th("All") }}{{ td(9, numeric=true) }}'
            '</tr>{% endset %}{% call(r) data_table("Sum", ["Who", "How many"], [1], foot=foot) %}'
            "{{ th(r) }}{{ td(r, numeric=true) }}{% endcall %}"
        )
    )
    assert total.endswith(
        '<tr class="nhsuk-table__row"><th scope="row" class="nhsuk-table__header">All</th>'
        '<td class="nhsuk-table__cell fp-numeric">9</td></tr></tbody></table></div>'
    )
    bare = squash(render(LEAVERS, rows=[], empty=None, style="text"))
    assert '<tbody class="nhsuk-table__body"></tbody>' in bare


def test_sort_links_numeric_keys_hidden_headings_and_rich_cells():
    columns = [
        {"key": "role", "text": "Role", "href": "?sort=-role", "aria_sort": "ascending"},
        {"key": "cap", "text": "Cap", "href": "?sort=cap", "aria_sort": "none"},
        {"text": "Change", "hidden": True},
    ]
    html = squash(
        render(
            '{% call(c) data_table("2 caps <b>now</b>", columns, caps, numeric=["cap"],'
            ' caption_hidden=true, classes="fp-wide") %}'
            "{{ td(c.role) }}{{ td(c.cap, numeric=true) }}"
            '{% call td() %}<a href="/c/">Change</a>{% endcall %}{% endcall %}',
            columns=columns,
            caps=[{"role": "Nurse <band 5>", "cap": "£40.00"}],
        )
    )
    assert 'aria-label="2 caps now"' in html
    assert '<table class="nhsuk-table fp-wide">' in html
    assert '<caption class="nhsuk-table__caption nhsuk-u-visually-hidden">' in html
    assert (
        '<th scope="col" class="nhsuk-table__header" aria-sort="ascending">'
        '<a class="fp-sort-link" href="?sort=-role">Role ▲</a></th>'
    ) in html
    assert (
        '<th scope="col" class="nhsuk-table__header fp-numeric" aria-sort="none">'
        '<a class="fp-sort-link" href="?sort=cap">Cap</a></th>'
    ) in html
    assert '<span class="nhsuk-u-visually-hidden">Change</span>' in html
    assert '<td class="nhsuk-table__cell">Nurse &lt;band 5&gt;</td>' in html
    assert '<td class="nhsuk-table__cell"><a href="/c/">Change</a></td>' in html


def test_rows_grouped_under_a_spanning_header_and_found_by_their_data_attribute():
    rows = [
        {"app": "Finance", "name": "finance.view", "label": "See the plans"},
        {"app": "Finance", "name": "finance.change", "label": "Change a plan"},
        {"app": "Plans", "name": "plans.view", "label": "See the plan"},
    ]
    html = squash(
        render(
            '{% call(r) data_table("Who may", ["Permission", "Viewer"], rows, group_by="app",'
            ' row_data=("permission", "name")) %}{{ th(r.label) }}{{ td("Yes") }}{% endcall %}',
            rows=rows,
        )
    )
    groups = re.findall(
        r'<th scope="colgroup" colspan="2" class="nhsuk-table__header">(\w+)</th>', html
    )
    assert groups == ["Finance", "Plans"]
    assert re.findall(r'data-permission="([\w.]+)"', html) == [
        "finance.view",
        "finance.change",
        "plans.view",
    ]
