"""Settings tree: base.py holds everything, driven by environment variables;
the others adjust it."""
