"""Helpers more than one test folder uses (see tests/README.md, "Where tests and helpers live")."""
