"""Connectors to third-party apps. Nothing under this package imports Django."""
