"""Shared test settings: hypothesis runs more examples under CI=true than on a laptop."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("laptop", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "laptop")
