"""What every wizard page shares: finding the sync, the stepper, names and the token."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from connectors.sdk import Connector
from syncapp.accounts.plans import custom_mappings_allowed
from syncapp.integrations.catalog import connector_class
from syncapp.integrations.listing import app_card
from syncapp.integrations.texts import shown
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.wizard import state
from syncapp.syncs.wizard.services import Catalogs
from syncapp.syncs.wizard.summary import Labels, Names

STEPS = (
    ("object", gettext_lazy("Choose object")),
    ("configure", gettext_lazy("Configure")),
    ("mappings", gettext_lazy("Map fields")),
    ("limits", gettext_lazy("Limit")),
    ("review", gettext_lazy("Review")),
)
STEP_KEYS = [key for key, _label in STEPS]
STALE = gettext_lazy("These settings were changed in another tab, or by someone else, after "
                     "you opened this page, so nothing was saved. The page now shows the "
                     "current settings: make your change again.")


def app_class(app_key: str) -> type[Connector]:
    try:
        return connector_class(app_key)
    except LookupError:
        raise Http404 from None


def get_sync(request, app_key: str, sync_id: int) -> ObjectSync:
    """The portal's object sync on an account of `app_key`, or 404 (never another portal's)."""
    app_class(app_key)
    rows = ObjectSync.objects.for_portal(request.portal).select_related("connection", "portal")
    return get_object_or_404(rows, pk=sync_id, connection__app_key=app_key)


def step_url(sync: ObjectSync, step: str) -> str:
    if step == "object":
        return reverse("syncs:choose", args=[sync.connection.app_key]) + (
            f"?account={sync.connection_id}")
    return reverse(f"syncs:{step}", args=[sync.connection.app_key, sync.pk])


def neighbours(sync: ObjectSync, step: str) -> tuple[str | None, str | None]:
    """(Back URL, Next URL) around `step`; Back from Configure leaves an edit."""
    index = STEP_KEYS.index(step)
    back = step_url(sync, STEP_KEYS[index - 1]) if index > 0 else None
    if step == "configure" and state.is_editing(sync):
        back = reverse("syncs:detail", args=[sync.connection.app_key, sync.pk])
    forward = step_url(sync, STEP_KEYS[index + 1]) if index + 1 < len(STEP_KEYS) else None
    return back, forward


@dataclass(frozen=True)
class StepLink:
    number: int
    key: str
    label: str
    url: str | None
    state: str  # done, current, todo


def stepper(sync: ObjectSync | None, current: str) -> list[StepLink]:
    index = STEP_KEYS.index(current)
    links = []
    for number, (key, label) in enumerate(STEPS, start=1):
        place = STEP_KEYS.index(key)
        status = "current" if place == index else ("done" if place < index else "todo")
        url = None
        if sync is not None and not (key == "object" and state.is_editing(sync)):
            url = step_url(sync, key)
        links.append(StepLink(number, key, str(label), url, status))
    return links


def names_for(sync: ObjectSync, cls: type[Connector]) -> Names:
    spec_object = cls.object_for(sync.connection.account_extra, sync.app_object)
    return Names(cls.spec.name, sync.connection.account_name, shown(spec_object.label),
                 sync.hub_object)


def labels_for(catalogs: Catalogs) -> Labels:
    return Labels(catalogs.app_by_name, catalogs.hub_by_name)


def wizard_context(request, sync: ObjectSync, step: str, catalogs: Catalogs,
                   settings: state.SyncSettings | None = None) -> dict:
    cls = app_class(sync.connection.app_key)
    back, forward = neighbours(sync, step)
    if catalogs.app.warning:
        messages.warning(request, catalogs.app.warning)
    return {
        "app": app_card(cls), "sync": sync, "names": names_for(sync, cls), "step": step,
        "steps": stepper(sync, step), "token": state.token(sync),
        "editing": state.is_editing(sync), "pending": state.has_pending_edit(sync),
        "settings": settings or state.load(sync), "catalogs": catalogs,
        "labels": labels_for(catalogs), "back_url": back, "next_url": forward,
        "custom_allowed": custom_mappings_allowed(sync.portal),
    }


def stale(request) -> None:
    messages.error(request, str(STALE))


def next_or_back(request, sync: ObjectSync, step: str) -> str:
    """Where a step's form goes once kept: the next step, or the one its button names."""
    back, forward = neighbours(sync, step)
    if request.POST.get("go") == "back" and back:
        return back
    if request.POST.get("go") == "stay":
        return step_url(sync, step)
    return forward or step_url(sync, step)


def refused(request, message: str) -> None:
    messages.error(request, _("Not saved: %(why)s") % {"why": message})
