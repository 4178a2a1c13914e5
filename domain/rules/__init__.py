"""Typed rules of case work with no I/O; see domain/__init__.py."""
