"""`manage.py sync_config`: syncs as code from the command line (docs/sync-config.md).

    sync_config export --portal NAME|ID (--connection ID | --sync ID) [--format yaml|json]
    sync_config apply FILE --portal NAME|ID --connection ID [--format yaml|json] [--yes]

`apply` without --yes is a preview: it prints the diff and the dry run, changes
nothing, and exits 0 when the file matches the syncs, 2 when it would change them
(as `diff` does), 1 when the file is refused. With --yes it applies, whole or not
at all; new syncs are created as drafts, started from the wizard's Review step.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from syncapp.accounts.models import Portal
from syncapp.integrations.models import Connection
from syncapp.syncs import config
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.wizard.preview_worker import Failed

CHANGES_PENDING = 2


class Command(BaseCommand):
    help = "Export object syncs as a YAML or JSON file, or apply such a file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Print the syncs' settings as a file.")
        export.add_argument("--portal", required=True, help="The portal's name or id.")
        export.add_argument("--connection", type=int, help="Every sync of this account.")
        export.add_argument("--sync", type=int, help="This one sync.")
        export.add_argument("--format", choices=config.FORMATS, default="yaml")
        apply = sub.add_parser("apply", help="Preview, or with --yes apply, a file.")
        apply.add_argument("file", help="The file to apply (- reads standard input).")
        apply.add_argument("--portal", required=True, help="The portal's name or id.")
        apply.add_argument("--connection", type=int, required=True,
                           help="The account the file's syncs belong to.")
        apply.add_argument("--format", choices=config.FORMATS,
                           help="The file's format (default: from its name, else yaml).")
        apply.add_argument("--yes", action="store_true", help="Apply without asking.")

    def handle(self, *args, **options):
        portal = _portal(options["portal"])
        if options["action"] == "export":
            self.stdout.write(config.dump(_exported(portal, options), options["format"]),
                              ending="")
            return
        self._apply(portal, options)

    def _apply(self, portal, options) -> None:
        connection = _connection(portal, options["connection"])
        name = options["file"]
        text = sys.stdin.read() if name == "-" else _read(name)
        fmt = options["format"] or config.format_of(name)
        try:
            the_plan = config.plan(portal, connection, config.load(text, fmt))
        except config.ConfigError as exc:
            raise CommandError(f"{name}: {exc}") from None
        for line in plan_lines(the_plan):
            self.stdout.write(line)
        if not the_plan.changed:
            self.stdout.write("Nothing to change.")
            return
        if not options["yes"]:
            for line in dry_run_lines(config.dry_runs(the_plan)):
                self.stdout.write(line)
            raise CommandError("Changes pending: run again with --yes to apply them.",
                               returncode=CHANGES_PENDING)
        try:
            result = config.apply(the_plan)
        except config.ConfigError as exc:
            raise CommandError(f"{name}: {exc}") from None
        self.stdout.write(f"Applied: {len(result.updated)} updated, {len(result.created)} "
                          f"created as drafts, {len(result.unchanged)} unchanged.")
        for sync in result.created:
            self.stdout.write(f"  {sync.app_object}: a draft (id {sync.pk}); review its dry "
                              "run and press Save and sync in the app to start it.")


def _portal(raw: str) -> Portal:
    portals = Portal.objects.filter(pk=int(raw)) if raw.isdigit() else Portal.objects.filter(
        name=raw)
    found = list(portals[:2])
    if not found:
        raise CommandError(f"No portal {raw!r}.")
    if len(found) > 1:
        raise CommandError(f"Several portals are named {raw!r}: give its id instead.")
    return found[0]


def _connection(portal: Portal, connection_id: int) -> Connection:
    connection = Connection.objects.for_portal(portal).filter(pk=connection_id).first()
    if connection is None:
        raise CommandError(f"Portal {portal.name!r} has no account {connection_id}.")
    return connection


def _exported(portal: Portal, options) -> dict:
    syncs = ObjectSync.objects.for_portal(portal).select_related("connection").order_by("id")
    if options["sync"]:
        syncs = syncs.filter(pk=options["sync"])
        if not syncs:
            raise CommandError(f"Portal {portal.name!r} has no sync {options['sync']}.")
        return config.export_document(syncs)
    if options["connection"]:
        connection = _connection(portal, options["connection"])
        return config.export_document(syncs.filter(connection=connection),
                                      app=connection.app_key)
    raise CommandError("Name the syncs to export: --connection ID or --sync ID.")


def _read(name: str) -> bytes:
    path = Path(name)
    try:
        if path.stat().st_size > config.MAX_BYTES:
            raise CommandError(f"{name}: the file is larger than {config.MAX_BYTES // 1024} KB.")
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{name}: {exc.strerror}.") from None


def plan_lines(the_plan: config.ConfigPlan) -> list[str]:
    lines = []
    for sync in the_plan.syncs:
        lines.append(f"{sync.app_object} ⇄ {sync.hub_object}: {sync.action}")
        if sync.replaces_pending_edit:
            lines.append("  (replaces an unsaved edit begun in the wizard)")
        lines += [f"  ~ {c.path}: {c.before_text} → {c.after_text}"
                  for c in sync.changes]
    return lines


def dry_run_lines(results: dict) -> list[str]:
    lines = ["Dry run (the initial sync with these settings):"]
    for app_object, result in results.items():
        if isinstance(result, Failed):
            lines.append(f"  {app_object}: could not be computed: {result.message}")
            continue
        counts = ", ".join(f"{key} {value}" for key, value in result.counts().items())
        lines.append(f"  {app_object}: {counts}")
    return lines
