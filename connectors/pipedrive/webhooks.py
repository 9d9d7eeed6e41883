"""Pipedrive's webhooks v2 deliveries, read as hints: which record changed, and how.

A delivery is one JSON object: `meta` (the event's `id`, `action` create/change/
delete, `entity` person/organization/…, `entity_id`, `timestamp`, `attempt`, …),
`data` (the record now; null after a delete) and `previous`. Only `meta` is read:
the product reads the record again through the API.
https://pipedrive.readme.io/docs/guide-for-webhooks-v2
"""

from connectors.sdk.webhooks import ACTIONS, MalformedWebhook, WebhookEvent, parse_moment


def events(payload: object, objects_by_entity: dict[str, str]) -> list[WebhookEvent]:
    """The one event of a delivery, or none for an entity no object of ours is."""
    meta = payload.get("meta") if isinstance(payload, dict) else None
    if not isinstance(meta, dict):
        raise MalformedWebhook("the body has no `meta` object")
    for name in ("id", "action", "entity", "entity_id"):
        if not isinstance(meta.get(name), str | int) or isinstance(meta.get(name), bool) \
                or str(meta[name]) == "":
            raise MalformedWebhook(f"meta.{name} is missing")
    if meta["action"] not in ACTIONS:
        raise MalformedWebhook(f"meta.action {str(meta['action'])[:20]!r} is unknown")
    object_name = objects_by_entity.get(str(meta["entity"]))
    if object_name is None:
        return []
    return [WebhookEvent(event_id=str(meta["id"]), object_name=object_name,
                         action=meta["action"], record_id=str(meta["entity_id"]),
                         occurred_at=parse_moment(meta.get("timestamp")))]
