"""Winter plans: Monte Carlo winters for each provider, scenarios compared side by side."""
