"""rspcheck's version: recorded in every determination, so that a re-run can say which tool made
it. The one place it is written (pyproject.toml reads it from here)."""

__version__ = "0.1.0"
