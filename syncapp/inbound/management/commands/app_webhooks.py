"""`manage.py app_webhooks <app> [--app-id ID --developer-key KEY]`: point the webhooks
of an app that configures them on the app (HubSpot) at SITE_URL/inbound/<app>/ and
subscribe to the objects Syncapp syncs. With sandboxes on and no credentials, the
app's sandbox (syncapp/inbound/app_level.py)."""

import requests
from django.core.management.base import BaseCommand, CommandError

from syncapp.inbound.app_level import configure_app_webhooks, target_url


class Command(BaseCommand):
    help = "Point an app's webhooks at this installation (apps that configure them once)."

    def add_arguments(self, parser):
        parser.add_argument("app", help="the app's key, e.g. hubspot")
        parser.add_argument("--app-id", default="", help="the app's id at the vendor")
        parser.add_argument("--developer-key", default="",
                            help="the app developer's API key (HubSpot: hapikey)")

    def handle(self, *args, **options):
        app = options["app"]
        try:
            added = configure_app_webhooks(app, options["app_id"], options["developer_key"])
        except LookupError:
            raise CommandError(f"No app {app!r}.") from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except requests.RequestException as exc:
            raise CommandError(f"The vendor refused: {exc}") from None
        self.stdout.write(f"Webhooks of {app} point at {target_url(app)}; "
                          f"{added} subscription(s) added.")
