"""Long runs that are not part of `pytest`: run them by hand (see each module's docstring)."""
