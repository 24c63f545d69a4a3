"""Shared by the demo's builders."""

DEMO_PASSWORD = "footprint-demo-2025"
