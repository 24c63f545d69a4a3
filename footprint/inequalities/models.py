"""Small-area deprivation, population and ethnicity profiles."""
