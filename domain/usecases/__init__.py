"""Use cases: one function per change to the record; see domain/__init__.py."""
