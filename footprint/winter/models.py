"""Winter plans and their scenarios."""
