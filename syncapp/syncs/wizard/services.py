"""What the wizard does to an object sync: start a draft, keep a step, save, discard.

Each call checks the form's token under a row lock and validates the whole
working copy before keeping anything, so a refused form leaves no trace.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from syncapp import audit
from syncapp.accounts.plans import custom_mappings_allowed
from syncapp.audit.log import diff
from syncapp.audit.models import AuditAction
from syncapp.integrations.catalog import connector_class
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.syncs import services as sync_services
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import ObjectSync, SyncState
from syncapp.syncs.signals import settings_changed
from syncapp.syncs.wizard import preview, state
from syncapp.syncs.wizard.compat import FieldInfo
from syncapp.syncs.wizard.field_rules import check_field_rules
from syncapp.syncs.wizard.fields import AppFields, app_fields, by_name, hub_properties
from syncapp.syncs.wizard.state import SyncSettings
from syncapp.syncs.wizard.validate import (
    Invalid,
    check_filters,
    check_mappings,
    check_match_fields,
)


@dataclass
class Catalogs:
    """Both sides' fields for one object sync, read before any lock is taken."""

    app: AppFields
    hub: list[FieldInfo]
    app_name: str

    @property
    def app_by_name(self) -> dict[str, FieldInfo]:
        return by_name(self.app.fields)

    @property
    def hub_by_name(self) -> dict[str, FieldInfo]:
        return by_name(self.hub)


def catalogs_for(sync: ObjectSync, connector=None) -> Catalogs:
    """Both sides' fields; the app's through `connector` when given (else one built for
    the sync's connection)."""
    return Catalogs(app_fields(sync.connection, sync.app_object, connector),
                    hub_properties(sync.portal, sync.hub_object),
                    connector_class(sync.connection.app_key).spec.name)


@transaction.atomic
def start(connection: Connection, app_object: str) -> ObjectSync:
    """The draft for this object (a new one, or the one already begun)."""
    cls = connector_class(connection.app_key)
    # KeyError for an object the account does not have
    cls.object_for(connection.account_extra, app_object)
    existing = ObjectSync.objects.select_for_update().filter(
        connection=connection, app_object=app_object).first()
    if existing is not None:
        return existing
    return create_object_sync(connection, app_object, cls)


Change = Callable[[SyncSettings], SyncSettings]


def commit(sync: ObjectSync, form_token: str, change: Change, catalogs: Catalogs,
           *, mappings: bool = False, filters: bool = False) -> ObjectSync:
    """Apply `change` to the working copy and keep it, or raise StaleForm / Invalid.

    `mappings` / `filters` say which parts the step changed, to be checked whole.
    """
    with transaction.atomic():
        locked = state.locked(sync.pk, sync.portal, form_token)
        settings = change(state.load(locked).copy())
        validate(locked, settings, catalogs, mappings=mappings, filters=filters)
        state.store(locked, settings)
    return locked


def validate(sync: ObjectSync, settings: SyncSettings, catalogs: Catalogs, *,
             mappings: bool = True, filters: bool = True) -> None:
    """Check the working copy; by default all of it (as saving does)."""
    app, hub = catalogs.app_by_name, catalogs.hub_by_name
    if mappings:
        check_mappings(settings, app, hub, app_name=catalogs.app_name,
                       custom_allowed=custom_mappings_allowed(sync.portal))
    # Always: a change of the sync's direction can make a field's rule meaningless.
    check_field_rules(settings, app, catalogs.app_name)
    if filters:
        check_filters(settings, app, hub)
    check_match_fields(settings, app, hub, app_name=catalogs.app_name)


class FailuresNotConfirmed(Invalid):
    """The dry run predicts failures and the person has not said they accept them."""


def check_failures_confirmed(sync: ObjectSync, confirmed: str) -> None:
    """Saving settings the dry run says will fail records needs an explicit yes, for
    that very number (a recomputed dry run with another number asks again)."""
    failing = preview.predicted_failures(sync)
    if failing and confirmed != str(failing):
        raise FailuresNotConfirmed(ngettext(
            "The dry run predicts that %(count)s record will fail. Nothing was saved: tick "
            "“I understand” to save anyway, or change the settings first.",
            "The dry run predicts that %(count)s records will fail. Nothing was saved: tick "
            "“I understand” to save anyway, or change the settings first.",
            failing) % {"count": failing}, "accept_failures")


def save(sync: ObjectSync, form_token: str, catalogs: Catalogs, *,
         confirmed_failures: str = "", by=None) -> str:
    """Save and sync (a draft), or save the edited settings (from the next run on).

    `confirmed_failures` is the number of failures the person accepted on Review; `by`
    (request or user) is audited with the diff of what changed, or as the sync's creation.
    Returns "started" or "saved"; raises StaleForm or Invalid (FailuresNotConfirmed).
    """
    with transaction.atomic():
        locked = state.locked(sync.pk, sync.portal, form_token)
        if locked.connection.status != ConnectionStatus.CONNECTED:
            raise Invalid(_("The account “%(account)s” needs reconnecting before its syncs "
                            "can run.") % {"account": locked.connection.account_name})
        settings = state.load(locked)
        validate(locked, settings, catalogs)
        check_failures_confirmed(locked, confirmed_failures)
        if state.is_editing(locked):
            before = state.from_rows(locked).to_json()
            state.apply_rows(locked, settings)
            if before["mappings"] != settings.to_json()["mappings"]:
                reread_every_record(locked)
            changes = diff(before, settings.to_json())
            audit.record(by, AuditAction.SETTINGS_CHANGED, locked, changes)
            settings_changed.send(sender=ObjectSync, sync=locked, changes=changes)
            return "saved"
        sync_services.save_and_sync(locked)
        audit.record(by, AuditAction.SYNC_CREATED, locked)
        return "started"


def reread_every_record(sync: ObjectSync) -> None:
    """Changed mappings reach the records already linked: the next run reads every app
    record again (each read brings its pair's hub values), and plans each pair with the
    new mappings. A change that would rewrite too much is held by the mass-change
    breaker like any other run (syncs/run/breaker.py)."""
    if sync.initial_done:
        sync.app_cursor = ""
        sync.save(update_fields=["app_cursor", "updated_at"])


def discard(sync: ObjectSync) -> str:
    """Throw away a pending edit ("edit"), or the whole draft ("draft")."""
    with transaction.atomic():
        locked = ObjectSync.objects.select_for_update().get(pk=sync.pk)
        if locked.state == SyncState.DRAFT:
            locked.delete()
            return "draft"
        state.discard_pending(locked)
        return "edit"
