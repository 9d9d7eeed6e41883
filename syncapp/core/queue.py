"""Handing work to the task queue (Redis), and the cache beside it, when Redis may be down.

A person's action either starts its task or changes nothing and says so: `enqueue`
checks, inside the caller's transaction, that the broker answers, and raises
QueueUnreachable otherwise, so the caller's atomic block rolls back whatever it was
about to start (an export row, a sync turned on). The message itself is sent once
the transaction commits, so a worker never looks for a row that is not there yet.
Pages read the cache through `cache_get`, which treats an unreachable Redis as a miss.
"""

import logging

import redis
from celery import current_app
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)
UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError,
               OperationalError, OSError)


class QueueUnreachable(Exception):
    """The broker did not answer: nothing was started."""

    message = _("The task queue is unreachable; nothing was started.")

    def __init__(self):
        super().__init__(str(self.message))


def check_broker() -> None:
    """Raise QueueUnreachable unless the broker answers a PING now."""
    client = redis.Redis.from_url(current_app.conf.broker_url, socket_connect_timeout=2,
                                  socket_timeout=2)
    try:
        client.ping()
    except UNREACHABLE as exc:
        log.warning("task queue unreachable", extra={"error": str(exc)})
        raise QueueUnreachable from exc
    finally:
        client.close()


def enqueue(task, *args) -> None:
    """Send `task(*args)` when the current transaction commits (at once outside one);
    raise QueueUnreachable first if the broker does not answer."""
    check_broker()
    transaction.on_commit(lambda: _send(task, args))


def send_after_commit(task, *args) -> None:
    """Send `task(*args)` when the current transaction commits, for work the system
    starts by itself (an alert check after a run, a webhook delivery): a broker that is
    down never fails the caller (a sync run), it only costs time, since a beat task
    finds the work in Postgres again."""
    transaction.on_commit(lambda: _send(task, args))


def _send(task, args) -> None:
    try:
        task.delay(*args)  # Celery's own publish retries are short (about half a second)
    except UNREACHABLE:
        # The broker went away between the check and the commit: the row is there,
        # and the sweeper (health.tasks.sweep, beat's tick) sends it again.
        log.exception("task not sent", extra={"task": task.name, "task_args": list(args)})


def cache_get(key: str, default=None):
    """The cached value, or `default` when it is missing or Redis is unreachable."""
    try:
        return cache.get(key, default)
    except UNREACHABLE:
        log.warning("cache unreachable", extra={"key": key})
        return default


def cache_set(key: str, value, timeout: float) -> None:
    """Cache a value if Redis is reachable; a cache that is down only costs a miss."""
    try:
        cache.set(key, value, timeout)
    except UNREACHABLE:
        log.warning("cache unreachable", extra={"key": key})


def cache_delete(key: str) -> None:
    try:
        cache.delete(key)
    except UNREACHABLE:
        log.warning("cache unreachable", extra={"key": key})


class QueueUnreachableMiddleware:
    """An action that could not queue its task raised QueueUnreachable, which rolled its
    transaction back: tell the person on the page they came from, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, QueueUnreachable):
            return None
        if getattr(request, "htmx", False):
            return HttpResponse(str(exception.message), status=503)
        messages.error(request, exception.message)
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = "/"
        return redirect(back)
