"""Population figures for pages and the API: the only module here that calls the engine."""

from __future__ import annotations

from dataclasses import dataclass

from footprint.engine import population as engine
from footprint.partnership import queries
from footprint.partnership.models import Neighbourhood, Place, Population, Sex


@dataclass(frozen=True)
class AreaPopulation:
    """An area's residents in one year, with its headline figures and pyramid."""

    year: int
    source: str
    female: list[int]
    male: list[int]
    summary: engine.PopulationSummary
    pyramid: list[engine.PyramidRow]


def _from_rows(rows: list[Population], year: int) -> AreaPopulation | None:
    if not rows:
        return None
    female = engine.add_series([r.counts for r in rows if r.sex == Sex.FEMALE])
    male = engine.add_series([r.counts for r in rows if r.sex == Sex.MALE])
    return AreaPopulation(
        year=year,
        source=rows[0].source,
        female=female.tolist(),
        male=male.tolist(),
        summary=engine.summarise(female, male),
        pyramid=engine.pyramid(female, male),
    )


def population(
    year: int, *, place: Place | None = None, hood: Neighbourhood | None = None
) -> AreaPopulation | None:
    """The population of a neighbourhood, a place, or (with neither) the whole system."""
    return _from_rows(queries.population_rows(year, place=place, hood=hood), year)


def totals_by_year(
    *, place: Place | None = None, hood: Neighbourhood | None = None
) -> dict[int, int]:
    """Total residents in each year held, for an area or the whole system."""
    by_year: dict[int, list[Population]] = {}
    for row in queries.population_rows(None, place=place, hood=hood):
        by_year.setdefault(row.year, []).append(row)
    out = {}
    for year in sorted(by_year):
        result = _from_rows(by_year[year], year)
        if result is not None:
            out[year] = result.summary.total
    return out
