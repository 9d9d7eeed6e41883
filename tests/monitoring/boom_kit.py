"""A page that fails with a token and a record's values in hand, for the Sentry test."""

import logging

from django.urls import path

log = logging.getLogger("syncapp.syncs.run.runner")
ACCESS_TOKEN = "tok-live-5f9c2b7e"
RECORD_VALUES = {"email": "ana.private@example.org", "firstname": "Anaisprivate"}


def boom(request):
    access_token = ACCESS_TOKEN  # in scope when the error is raised
    values = dict(RECORD_VALUES)
    log.warning("writing a record", extra={"object_sync_id": 7, "values": values,
                                           "token": access_token})
    raise ValueError(f"HubSpot refused {values['email']} with token={access_token}")


urlpatterns = [path("boom/", boom)]
