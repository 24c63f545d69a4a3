"""Shared by the demo's builders."""

DEMO_PASSWORD = "footprint-demo-2025"

# The GP practice whose manager is a demo user (the first in Wyvern Cathedral and Riverside).
DEMO_PRACTICE = "M90001"

# Three Vales Ambulance Service serves a region of about 3.6 million people; the demo records
# the share of its income and staff that serves Wyvern and Hallowdale's 800,000.
AMBULANCE_SHARE = 0.22

# The demo's one price list, in pounds per unit of each point of delivery (NHS Payment Scheme
# levels for 2025/26, rounded): the contracts pay these prices, each trust's income from the
# ICB is its activity at these prices plus the services the demand model leaves out, and the
# demand scenarios cost activity at them. Admissions are priced per stay, as the payment scheme
# prices a spell: a community bed stay of about 30 days at about £400 a day, a mental health
# stay of about 38 days at about £600.
PRICES: dict[str, int] = {
    "ae": 290,
    "ip_emergency": 3_500,
    "ip_elective": 4_900,
    "ip_daycase": 1_150,
    "op_first": 225,
    "op_first_remote": 160,
    "op_followup": 125,
    "op_followup_remote": 95,
    "amb_hear_treat": 55,
    "amb_see_treat": 320,
    "amb_conveyed": 470,
    "cs_nursing": 60,
    "cs_therapy": 75,
    "cs_beds": 11_800,
    "mh_contacts": 180,
    "mh_beds": 23_000,
    "gp_appointments": 45,
    "sc_home_care": 30,  # an hour
    "sc_care_home": 52_000,  # a year in a care home
}
