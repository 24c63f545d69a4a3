"""Health inequalities: deprivation and ethnicity profiles, Core20PLUS5 and the public picture."""
