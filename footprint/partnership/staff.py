"""Staff groups, as NHS Digital's workforce statistics name them: shared by the workforce
returns and the demand model's staffing of activity."""

from django.db import models


class StaffGroup(models.TextChoices):
    NURSES = "nurses", "Nurses and health visitors"
    MIDWIVES = "midwives", "Midwives"
    DOCTORS = "doctors", "Doctors"
    AHP = "ahp", "Allied health professionals"
    SCIENTIFIC = "scientific", "Scientific, therapeutic and technical"
    AMBULANCE = "ambulance", "Ambulance staff"
    SUPPORT = "support", "Support to clinical staff"
    INFRASTRUCTURE = "infrastructure", "Managers and infrastructure support"
