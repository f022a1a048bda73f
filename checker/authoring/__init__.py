"""Tools for policy authors: lint (and later explain, backtest, diff)."""
