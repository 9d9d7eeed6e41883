"""Starting an undo of a run, as support or an admin asks for it after its review
(undo_views.py): refused with a reason, or audited and handed to a worker
(tasks.run_undo), which works it off in syncs/run/undo.py."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.core.queue import enqueue
from syncapp.syncs.models import Run, RunKind, RunStatus
from syncapp.syncs.run.undo_plan import count_undoable, undoable_links
from syncapp.syncs.tasks import run_undo


class UndoRefused(Exception):
    """An undo that cannot start; `message` says why, for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def refusal(target: Run) -> str:
    """Why `target` cannot be undone now ("" when it can)."""
    if target.status == RunStatus.RUNNING:
        return _("This run is still running: undo it once it has finished.")
    earlier = target.undos.exclude(status=RunStatus.FAILED).first()
    if earlier is not None and earlier.status == RunStatus.RUNNING:
        return _("An undo of this run is already under way.")
    if earlier is not None:
        return _("This run was already undone. Undo the undo to put its values back.")
    if not undoable_links(target.pk, limit=1):
        return _("This run wrote no value and created no record: there is nothing to undo.")
    return ""


@transaction.atomic
def start(target: Run, by) -> Run:
    """Start undoing `target` (audited as done by `by`, a request or a user); raises
    UndoRefused, with nothing stored, when it cannot."""
    # The run's row lock makes "is one under way?" and "start one" a single step.
    Run.objects.select_for_update().get(pk=target.pk)
    reason = refusal(target)
    if reason:
        raise UndoRefused(reason)
    total = count_undoable(target.pk)
    undo = Run.objects.create(portal_id=target.portal_id, object_sync_id=target.object_sync_id,
                              kind=RunKind.UNDO, undoes=target, estimated_total=total,
                              counts={"records": total}, alive_at=timezone.now())
    audit.record(by, AuditAction.UNDO, target.object_sync,
                 {"run": target.pk, "undo_run": undo.pk, "records": total})
    enqueue(run_undo, undo.pk)
    return undo
