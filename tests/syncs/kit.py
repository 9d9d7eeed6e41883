"""Driving the wizard's pages with Django's test client, as a browser would."""

import html
import re

from django.contrib.messages import get_messages
from django.urls import reverse

from syncapp.syncs.models import ObjectSync
from syncapp.syncs.wizard import state
from syncapp.syncs.wizard.fields import app_fields

TOKEN = re.compile(r'name="token" value="([^"]+)"')


def url(name: str, sync: ObjectSync, *args) -> str:
    return reverse(f"syncs:{name}", args=[sync.connection.app_key, sync.pk, *args])


def token_of(response) -> str:
    found = TOKEN.search(response.content.decode())
    assert found, "no token on the page"
    return found.group(1)


def page(client, name: str, sync: ObjectSync, **query):
    response = client.get(url(name, sync), query)
    assert response.status_code == 200, response.content[:2000]
    return response


def post_step(client, name: str, sync: ObjectSync, data: dict, *, token: str | None = None,
              args: tuple = (), **headers):
    """Post a step's form with the token its page shows now (or the one given)."""
    form_token = token if token is not None else token_of(page(client, name_for_token(name),
                                                               sync))
    return client.post(url(name, sync, *args), {**data, "token": form_token}, **headers)


def name_for_token(name: str) -> str:
    """The page that shows the form of a posting URL."""
    return {"mapping_add": "mappings", "mapping_remove": "mappings",
            "custom_mappings": "mappings", "save": "review", "filters": "limits"}.get(name, name)


def start(client, connection, app_object: str = "persons") -> ObjectSync:
    response = client.post(reverse("syncs:choose", args=[connection.app_key]),
                           {"account": connection.pk, "object": app_object})
    assert response.status_code == 302, response.content[:2000]
    return ObjectSync.objects.get(connection=connection, app_object=app_object)


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


CONFIGURE = {"direction": "two_way", "winner": "hub", "matching": "default",
             "default_lifecycle_stage": "lead"}


def text_of(response) -> str:
    """The page as a person reads it (entities such as &#x27; undone)."""
    return html.unescape(response.content.decode())


def lead_source_mapping(connection, **chosen: str) -> dict:
    """The Add a mapping form for Pipedrive's “Lead source” onto Syncapp's, as the page
    fills it: each option onto the Syncapp option of the same label (the hub's values
    are its labels), except the option labels given here (target "" = "Leave as it is")."""
    field = next(f for f in app_fields(connection, "persons").fields if f.label == "Lead source")
    data = {"app_field": field.name, "hub_property": "lead_source"}
    for index, (value, label) in enumerate(field.options):
        data[f"vm-app-{index}"] = value
        data[f"vm-hub-{index}"] = chosen.get(label, label)
    return data


def snapshot(sync: ObjectSync) -> tuple:
    """What a person set up: the settings and how often it runs."""
    sync = ObjectSync.objects.get(pk=sync.pk)
    return state.from_rows(sync), sync.poll_interval_s
