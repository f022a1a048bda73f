"""The rule engine: curves to per-threshold determinations, coverage, the gate, comparisons."""
