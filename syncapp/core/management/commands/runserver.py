"""`runserver` (what `make run` starts), answering without delay (see core.devserver)."""

from django.contrib.staticfiles.management.commands.runserver import Command as Runserver

from syncapp.core.devserver import NoDelayWSGIServer


class Command(Runserver):
    server_cls = NoDelayWSGIServer
