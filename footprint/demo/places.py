"""The demo footprint's places and neighbourhoods. Every name is invented: none is a real
English town, village or district (each was checked), though they are built the way English
place names are.

Neighbourhoods are of 30,000 to 50,000 residents, the size of a primary care network; rurality
runs from 0 (a city) to 1 (remote dales), and shapes the age of the population and how quickly
practices read their messages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HoodSpec:
    name: str
    code: str
    residents: int
    rurality: float
    practices: int
    towns: tuple[str, ...]


PLACES = {
    (
        "Wyvernshire",
        "E10000099",
        "A county of market towns, a cathedral city and farmland, "
        "served by Wyvern Acute Hospitals.",
    ): [
        HoodSpec("Wyvern Cathedral and Riverside", "WYV01", 41_000, 0.05, 4, ("Wyvern",)),
        HoodSpec(
            "Wyvern North and Sallowfield", "WYV02", 42_000, 0.1, 4, ("Wyvern", "Sallowfield")
        ),
        HoodSpec("Wyvern East and Elderbridge", "WYV03", 38_000, 0.1, 3, ("Wyvern", "Elderbridge")),
        HoodSpec("Wyvern South and Fallowmead", "WYV04", 39_000, 0.15, 4, ("Fallowmead", "Wyvern")),
        HoodSpec("Orrisford North", "WYV05", 42_000, 0.2, 4, ("Orrisford",)),
        HoodSpec(
            "Orrisford South and Caddleton", "WYV06", 40_000, 0.3, 4, ("Orrisford", "Caddleton")
        ),
        HoodSpec("Kennerton", "WYV07", 44_000, 0.2, 4, ("Kennerton",)),
        HoodSpec("Ashenby and Kennerton Rural", "WYV08", 36_000, 0.55, 4, ("Ashenby", "Kennerton")),
        HoodSpec("Pellingford", "WYV09", 40_000, 0.35, 3, ("Pellingford",)),
        HoodSpec(
            "Stannerley and Thistleford", "WYV10", 34_000, 0.6, 4, ("Stannerley", "Thistleford")
        ),
        HoodSpec(
            "Tillingford Vale", "WYV11", 31_000, 0.8, 4, ("Tillingford", "Cresswold", "Lintonbury")
        ),
        HoodSpec(
            "Elvermere Hills", "WYV12", 35_000, 0.9, 4, ("Elvermere", "Hawkesmere", "Rookhampton")
        ),
        HoodSpec(
            "Yarlingford and Sedgecote", "WYV13", 38_000, 0.45, 3, ("Yarlingford", "Sedgecote")
        ),
        HoodSpec("Quillford and Wrexcombe", "WYV14", 33_000, 0.7, 3, ("Quillford", "Wrexcombe")),
        HoodSpec("Hollinsford and Ottersey", "WYV15", 30_000, 0.5, 3, ("Hollinsford", "Ottersey")),
        HoodSpec("Ambermead", "WYV16", 37_000, 0.4, 3, ("Ambermead", "Dunnerley")),
    ],
    (
        "Hallowdale",
        "E06000099",
        "A sparsely populated border county with one small city and "
        "market towns in its dales, served by Hallowdale Hospital.",
    ): [
        HoodSpec("Hallowford North", "HAL01", 33_000, 0.25, 4, ("Hallowford", "Penderby")),
        HoodSpec("Hallowford South", "HAL02", 32_000, 0.3, 4, ("Hallowford", "Oakhollow")),
        HoodSpec(
            "Wendmoor and the Upper Dale", "HAL03", 44_000, 1.0, 5, ("Wendmoor", "Haddlesworth")
        ),
        HoodSpec(
            "Harrowfield and the South Dale",
            "HAL04",
            41_000,
            0.95,
            5,
            ("Harrowfield", "Bramblecote"),
        ),
        HoodSpec(
            "Kestrelton and the East Dale", "HAL05", 42_000, 1.0, 4, ("Kestrelton", "Tadmoor")
        ),
    ],
}

PRACTICE_STYLES = (
    "{town} Medical Practice",
    "{town} Surgery",
    "The {town} Health Centre",
    "{town} Family Practice",
    "{street} Surgery, {town}",
)
STREETS = (
    "Church Street",
    "Station Road",
    "Bridge Street",
    "Mill Lane",
    "High Street",
    "Orchard Road",
    "Castle Street",
    "Abbey Road",
    "Market Place",
    "Riverside",
)


RURALITY = {spec.code: spec.rurality for hoods in PLACES.values() for spec in hoods}
