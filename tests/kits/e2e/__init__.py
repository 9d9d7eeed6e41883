"""The end-to-end scenarios' steps, shared by tests/e2e (the `make run` stack) and
tests/deployed (the compose stack)."""
