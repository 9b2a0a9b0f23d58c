"""How the suite runs: pytest plugins that tests/conftest.py loads (see tests/README.md)."""
