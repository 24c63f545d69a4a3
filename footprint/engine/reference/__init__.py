"""Slow, obvious versions of the engine's kernels, used only by the tests."""
