"""A document from object syncs: their saved settings, as the format writes them.

What is exported is what is saved (the rows), never a pending edit in the wizard:
the same settings the engine runs on. Fields derived from the app's catalog (which
mappings are defaults, which are required) are left out: applying derives them again.
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from syncapp.syncs.config.alerts import export_alerts
from syncapp.syncs.config.document import DEFAULT_RULE, VERSION, VERSION_KEY
from syncapp.syncs.config.errors import ConfigError
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.wizard.state import SYNC_FIELDS, SyncSettings, from_rows


def export_document(syncs: ObjectSync | Iterable[ObjectSync], *, app: str = "") -> dict:
    """The document for one sync, or for several syncs of one account; `app` names the
    app when there may be no sync to name it (an account without syncs)."""
    syncs = [syncs] if isinstance(syncs, ObjectSync) else list(syncs)
    apps = {sync.connection.app_key for sync in syncs} | ({app} if app else set())
    if len(apps) > 1:
        raise ConfigError("", _("One file holds the syncs of one app."))
    return {VERSION_KEY: VERSION, "app": apps.pop() if apps else "",
            "syncs": [sync_entry(sync) for sync in syncs]}


def sync_entry(sync: ObjectSync) -> dict:
    settings = from_rows(sync)
    return {"object": sync.app_object, "hub_object": sync.hub_object,
            **settings_fields(settings), "poll_interval_s": sync.poll_interval_s,
            "mappings": [mapping_fields(m) for m in settings.mappings],
            "filters": [{"side": f.side, "field": f.field, "operator": f.operator,
                         "value": f.value} for f in settings.filters],
            "alerts": export_alerts(sync)}


def settings_fields(settings: SyncSettings) -> dict:
    # str(): a model default is a TextChoices member, which YAML cannot write.
    fields = {name: str(value) if isinstance(value := getattr(settings, name), str) else value
              for name in SYNC_FIELDS}
    fields["match_fields"] = [{"app_field": app, "hub_property": hub}
                              for app, hub in settings.match_fields]
    return fields


def mapping_fields(mapping) -> dict:
    return {"app_field": mapping.app_field, "hub_property": mapping.hub_property,
            "direction": str(mapping.direction), "enabled": mapping.enabled,
            "conflict_rule": str(mapping.conflict_rule) or DEFAULT_RULE,
            "value_map": dict(mapping.value_map)}
