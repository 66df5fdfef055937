"""Pytest set-up shared by the doctests in build_scripts/ and the tests in tests/."""

collect_ignore = ["build_scripts/__main__.py"]
