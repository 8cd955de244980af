"""Hypothesis profiles: ``ci`` is derandomized with no deadline (machines are shared and
noisy, so timing belongs in benchmarks/), chosen when the CI variable is set."""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True, max_examples=200)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# The suite never reads or writes the user's profile cache (estimator/fastspace.py);
# tests/test_fastspace.py points it at a temporary folder where it tests it.
os.environ["ESTIMATOR_NO_CACHE"] = "1"
