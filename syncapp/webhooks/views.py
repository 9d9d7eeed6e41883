"""The Webhooks page (super admins): subscriptions, their secrets (shown once, after
creation or rotation), and the delivery log with Redeliver."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from syncapp.audit.views import super_admin_view
from syncapp.core import params
from syncapp.webhooks import services
from syncapp.webhooks.models import Delivery, Event, Subscription

DELIVERIES_SHOWN = 50


def _page(request, *, status=200, error=None, secret=None, shown_for=None, url="", events=()):
    portal = request.portal
    deliveries = (Delivery.objects.filter(portal=portal).select_related("subscription")
                  .prefetch_related("tries")[:DELIVERIES_SHOWN])
    return render(request, "webhooks/page.html", {
        "subscriptions": Subscription.objects.filter(portal=portal),
        "deliveries": deliveries, "events": Event.choices, "error": error,
        "secret": secret, "shown_for": shown_for, "url": url, "chosen": set(events),
    }, status=status)


@require_GET
@super_admin_view
def page(request):
    return _page(request)


@require_POST
@super_admin_view
def create(request):
    url = params.text(request.POST.get("url"), "url", 2000)
    events = [params.text(v, "events", 40) for v in request.POST.getlist("events")]
    try:
        subscription, secret = services.create(request.portal, url, events, by=request)
    except services.WebhookError as error:
        return _page(request, status=400, error=error, url=url, events=events)
    return _page(request, secret=secret, shown_for=subscription)


def _subscription(request, pk: int) -> Subscription:
    found = Subscription.objects.filter(portal=request.portal, pk=pk).first()
    if found is None:
        raise Http404
    return found


@require_POST
@super_admin_view
def rotate(request, subscription_id: int):
    subscription = _subscription(request, subscription_id)
    secret = services.rotate(subscription, by=request)
    return _page(request, secret=secret, shown_for=subscription)


@require_POST
@super_admin_view
def delete(request, subscription_id: int):
    services.delete(_subscription(request, subscription_id), by=request)
    messages.success(request, _("Webhook deleted: it gets no more events."))
    return redirect("webhooks:page")


@require_POST
@super_admin_view
def redeliver(request, delivery_id: int):
    delivery = Delivery.objects.filter(portal=request.portal, pk=delivery_id).first()
    if delivery is None:
        raise Http404
    services.redeliver(delivery)
    messages.success(request, _("The event is being sent again."))
    return redirect("webhooks:page")
