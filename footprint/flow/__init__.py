"""Urgent-care flow: daily returns, the system picture, OPEL escalation and mutual aid."""
