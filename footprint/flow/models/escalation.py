"""OPEL levels, the partnership's escalation actions and the mutual-aid log."""
