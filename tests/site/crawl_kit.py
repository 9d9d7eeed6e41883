"""What the crawl and the bad-input tests share: a portal with one of everything, the
URLconf as a list of routes with real ids, the request keys each view reads, and a
fingerprint of every table that says whether a request wrote anything."""

import re
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from connectors.hubspot import HubSpotConnector
from connectors.sdk.oauth import Token
from syncapp.api.keys import create_key
from syncapp.crm.services import associate, create_record
from syncapp.health.models import ExportJob, RepairJob
from syncapp.inbound.endpoints import endpoint_for
from syncapp.integrations.crypto import encrypt_json
from syncapp.integrations.models import Connection
from syncapp.integrations.tokens import store_token
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus, Run
from syncapp.syncs.wizard.fields import _cache_key, _info
from syncapp.webhooks.models import Delivery, DeliveryStatus, Subscription
from tests.kits.health import add_failed_links, many_links, quiet_sync

SKIPPED_PREFIXES = ("sandbox/", "static/")

_COLUMNS = [("id", "bigint", False, True), ("email", "text", True, False),
            ("first_name", "text", True, False), ("updated_at", "timestamp with time zone",
                                                  False, True)]


@dataclass
class World:
    """One portal's objects, by the URL converter names that address them."""

    portal: object
    ids: dict[str, list] = field(default_factory=dict)


def newer_apps(portal) -> tuple[Connection, Connection]:
    """The pages the HubSpot account has no use for: a PostgreSQL table's setup page and
    its "Check again" (its database listens nowhere, so asking it fails, as it may), and
    the API-budget form of an app that reports its daily usage (Salesforce)."""
    table = {"object": "public.members", "schema": "public", "name": "members",
             "kind": "table", "pk": "id", "updated_at": "updated_at", "hub_object": "contact",
             "columns": [{"name": name, "type": kind, "nullable": nullable,
                          "has_default": default, "generated": False}
                         for name, kind, nullable, default in _COLUMNS],
             "skipped": [], "privileges": ["SELECT", "INSERT", "UPDATE"]}
    members = Connection.objects.create(
        portal=portal, app_key="postgres", account_id="127.0.0.1:1/crawl/public.members",
        account_name="public.members", account_extra={"table": table, "deletes": "key_diff"},
        token_ciphertext=encrypt_json({"dsn": "postgresql://crawl@127.0.0.1:1/crawl"}))
    org = Connection.objects.create(
        portal=portal, app_key="salesforce", account_id="00DCRAWL0000001AAA",
        account_name="Crawl org", account_extra={"instance_url": "https://crawl.example"})
    return members, org


def build_world(portal, user) -> World:
    """A HubSpot account with a contacts sync that is on (links of every status, a failed
    history, a repair and an export) and a draft deals sync for the wizard; CRM records
    with an association. The account's fields are known already, so no page calls the
    vendor (the crawl is about input, not about reaching HubSpot)."""
    sync = quiet_sync(portal)
    store_token(sync.connection, Token("crawl-access", "crawl-refresh", None))
    sync.connection.save()
    for app_object in ("contacts", "deals"):
        static = HubSpotConnector.spec.object(app_object).fields
        cache.set(_cache_key(sync.connection, app_object),
                  [asdict(_info(f)) for f in static], 600)
    many_links(sync, 3)
    failed = add_failed_links(portal, sync, {"invalid_value": 2, "duplicate": 1})
    Link.objects.create(portal=portal, object_sync=sync, app_id="gone", app_name="Gone",
                        status=LinkStatus.DELETED_IN_HUB, error_category="deleted_in_hub")
    Link.objects.create(portal=portal, object_sync=sync, app_id="no-email", app_name="Nobody",
                        status=LinkStatus.EXCLUDED, exclusion_reason="no_email")
    run = Run.objects.create(portal=portal, object_sync=sync, kind="incremental")
    HistoryEntry.objects.create(portal=portal, run=run, link=failed[0], side="app",
                                action="failed", reason="Refused.")
    draft = create_object_sync(sync.connection, "deals", HubSpotConnector)
    repair = RepairJob.objects.create(portal=portal, object_sync=sync, kind="retry",
                                      requested_by=user)
    export = ExportJob.objects.create(portal=portal, connection=sync.connection, format="csv",
                                      requested_by=user, columns=["status"])
    api_key = create_key(portal, "Crawl", "write", user).key
    person = create_record(portal, "contact", {"email": "ada@acme.test", "firstname": "Ada"})
    company = create_record(portal, "company", {"name": "Acme", "domain": "acme.test"})
    create_record(portal, "deal", {"dealname": "Big", "amount": "100"})
    associate(person, company)
    subscription = Subscription.objects.create(
        portal=portal, url="https://hooks.example.com/syncapp", events=["run.failed"],
        secret_ciphertext=encrypt_json({"secret": "whsec_Y3Jhd2wtc2VjcmV0"}))
    delivery = Delivery.objects.create(portal=portal, subscription=subscription,
                                       event="run.failed", message_id="msg_crawl",
                                       payload={"type": "run.failed"},
                                       status=DeliveryStatus.FAILED)
    # Vendor webhooks in: a connection's receiving address, and one nobody was given.
    endpoint = endpoint_for(sync.connection)
    table, org = newer_apps(portal)
    return World(portal, {
        "app_key": ["hubspot", "postgres", "salesforce"],
        "object_type": ["contact", "company", "deal"],
        "record_id": [person.pk], "other_id": [company.pk],
        "sync_id": [sync.pk, draft.pk], "link_id": [failed[0].pk],
        "job_id": [repair.pk], "export_id": [export.pk],
        "connection_id": [sync.connection_id, table.pk, org.pk], "side": ["hub", "app"],
        # The API (a session is no key: 401 problem+json) and its keys page.
        "run_id": [run.pk], "key_id": [api_key.pk],
        "subscription_id": [subscription.pk], "delivery_id": [delivery.pk],
        "route": [endpoint.route, "made-up-route"],
        # Set-password and reset links: a real one of the user, spent and made-up ones.
        "uidb64": [urlsafe_base64_encode(force_bytes(user.pk)), "bad", "MQ"],
        "token": [default_token_generator.make_token(user), "set-password", "1-bad",
                  "abc-def"],
        # The Django admin's objects.
        "app_label": ["accounts", "syncs"], "object_id": [portal.pk, sync.pk],
        "content_type_id": [ContentType.objects.get_for_model(portal).pk], "id": [user.pk],
    })


# --- the URLconf ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    converters: tuple[str, ...]  # the path's parameter names, in order


def routes() -> list[Route]:
    """Every named route of the URLconf (recursively), sandboxes and static excluded."""
    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if text.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, text, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names = tuple(re.findall(r"<(?:\w+:)?(\w+)>", text))
                found.append(Route(namespace + pattern.name, names))

    walk(get_resolver().url_patterns, "", "")
    return found


def address(route: Route, values: dict) -> str:
    return reverse(route.name, kwargs={name: values[name] for name in route.converters})


# --- which keys a view reads ------------------------------------------------------------


class KeysRead:
    """Records the keys views read from request.GET / request.POST while active."""

    METHODS = ("__getitem__", "get", "getlist", "__contains__")

    def __init__(self):
        self.keys: set[str] = set()
        self._saved = {}

    def __enter__(self):
        for method in self.METHODS:
            original = getattr(QueryDict, method)
            self._saved[method] = original
            setattr(QueryDict, method, self._recording(original))
        return self

    def _recording(self, original):
        keys = self.keys

        def read(querydict, key, *args, **kwargs):
            if isinstance(key, str):
                keys.add(key)
            return original(querydict, key, *args, **kwargs)

        return read

    def __exit__(self, *exc):
        for method, original in self._saved.items():
            setattr(QueryDict, method, original)


# --- did anything change? ---------------------------------------------------------------


# Written by a refusal on purpose: a vendor webhook refused (bad credentials, too old)
# is counted on its connection's health (syncapp/inbound).
COUNTS_REFUSALS = {"inbound_refusalcount"}


def _tables() -> list[tuple[str, str, str | None]]:
    """(table, primary key column, timestamp column) of every table of ours."""
    found = []
    for model in apps.get_models():
        if (not model.__module__.startswith("syncapp.")
                or model._meta.db_table in COUNTS_REFUSALS):
            continue
        names = {f.column for f in model._meta.concrete_fields}
        stamp = next((c for c in ("updated_at", "created_at") if c in names), None)
        found.append((model._meta.db_table, model._meta.pk.column, stamp))
    return found


def fingerprint() -> tuple:
    """Row count, highest id and latest timestamp of every table of ours, in one query."""
    # Table and column names come from the models' metadata, never from a request.
    parts = [f"SELECT '{table}', count(*), max({pk})::text, "  # noqa: S608
             + (f"max({stamp})::text" if stamp else "NULL") + f" FROM {table}"
             for table, pk, stamp in _tables()]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return tuple(sorted(cursor.fetchall()))


def send(client: Client, method: str, url: str, data: dict, *, htmx: bool = False,
         look: bool = True):
    """One request whose writes are rolled back afterwards, with the session cookie put
    back (a logout or a portal switch must not end the crawl's session). Returns the
    response and, for a refusal (4xx), the fingerprint taken before the rollback: a
    refusal must write nothing. The fingerprint is the crawl's slowest part (a count of
    every table), so it is taken only there, and never when not `look`ing."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    headers = {"HX-Request": "true"} if htmx else {}
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data, headers=headers)
            # After a 5xx the transaction may be aborted; the status already says enough.
            after = fingerprint() if look and 400 <= response.status_code < 500 else None
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response, after
