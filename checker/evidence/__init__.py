"""Evidence: what was measured (runs and their attempts), read from any source rspcheck accepts.

* :func:`load_evidence` — any one path (manifest, Inspect log, lm-eval results/samples/folder,
  attempts table) to :class:`Evidence`; :func:`load_many` — several, merged.
* :mod:`.model` — the evidence model (attempts as arrays); :mod:`.attempts` — attempt tables
  checked against the format; :mod:`.ingest` — the readers of eval logs and tables.
"""

from __future__ import annotations

from checker.evidence.load import load_evidence, load_manifest, load_many, merge_evidence
from checker.evidence.model import Evidence

__all__ = ["Evidence", "load_evidence", "load_manifest", "load_many", "merge_evidence"]
