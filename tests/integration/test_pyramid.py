"""The population pyramid on a place's page: males are drawn to the left, but the chart's
data and its table give every count as a number of people, positive, with the sex named."""

import json
import re
from html import unescape

import pytest

pytestmark = pytest.mark.django_db


def test_the_pyramid_and_its_table_give_male_counts_as_positive_numbers(client_for, footprint):
    html = unescape(client_for("viewer").get("/workspace/places/northshire/").content.decode())
    (spec,) = re.findall(r'<script[^>]*id="pyramid-spec"[^>]*>(.*?)</script>', html, re.S)
    spec = json.loads(spec)
    males = [v for v in spec["data"]["values"] if v["sex"] == "Male"]
    counted = spec["encoding"]["tooltip"][2]["field"]
    assert len(males) == 19 and all(v[counted] > 0 for v in males)
    assert next(v[counted] for v in males if v["band"] == "0–4") == 100  # 2 areas × 5 × 10
    table = html[html.index('id="pyramid-table"') :]
    table = table[: table.index("</table>")]
    assert re.search(r"Female.*Male.*Total", table, re.S)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", table, re.S)]
    assert len(cells) == 19 * 3 and "100" in cells
    assert not [c for c in cells if c.startswith(("-", "−"))]
