"""Suite-wide test settings.

Property tests explore new random examples on every local run (and keep failures in
``.hypothesis/``); CI (``CI=true``, set by .ci/run's environment) runs them derandomized, so a
submission's CI result does not depend on the draw. Bugs found locally become regression tests.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
