"""Test configuration: the repository root is importable (see pythonpath in pyproject.toml)."""
