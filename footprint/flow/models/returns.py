"""Providers' daily situation reports."""
