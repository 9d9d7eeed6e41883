"""The audit log. `record` is the one way in; see syncapp/audit/log.py."""


def record(request_or_actor, action, obj=None, changes=None, **kwargs):
    """Add one entry; see `syncapp.audit.log.record` (imported late: models load after apps)."""
    from syncapp.audit.log import record as _record  # noqa: PLC0415

    return _record(request_or_actor, action, obj, changes, **kwargs)
