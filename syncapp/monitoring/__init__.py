"""Monitoring for the installation's operators: /metrics, JSON logs, errors to Sentry."""
