"""The rule engine: curves to per-threshold determinations, coverage, the gate, comparisons."""

#: The bootstrap seed when none is given: fixed, so the same inputs give the same JSON on any
#: day and machine (the determination records the seed used). Here, not in evaluate.py, so
#: the command line can name it without importing the engine.
DEFAULT_SEED = 20261128
