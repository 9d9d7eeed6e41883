"""The REST API at /api/v1/: per-portal keys, the same services as the UI, problem+json errors.

Built on django-ninja (see api.py for why). Each route module is one product area; every
mutation calls the service function the UI's view calls, so rules and audit entries match.
"""
