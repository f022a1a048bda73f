"""rspcheck: frontier-safety policies checked against evaluation evidence, budget by budget."""

__version__ = "0.1.0"
