"""Caseline benchmarks: see bench/README.md. Run from the repository root."""
