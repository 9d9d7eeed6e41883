"""Hub records, their property definitions, associations and change log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import Portal, PortalOwned
from syncapp.crm.schema import DEFAULT_PROPERTIES, SINGULAR, ObjectType, PropertyType
from syncapp.crm.validation import PropertyShape

_DEFAULT_LABELS = {
    (object_type, spec.name): spec.label
    for object_type, specs in DEFAULT_PROPERTIES.items()
    for spec in specs
}
# A default property's options keep their English in the row; pages show them in the
# reader's language, as its label.
_DEFAULT_OPTION_LABELS = {
    (object_type, spec.name, value): label
    for object_type, specs in DEFAULT_PROPERTIES.items()
    for spec in specs
    for value, label in spec.options
}


class PropertyDefinition(PortalOwned):
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    name = models.SlugField(max_length=100)
    label = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=PropertyType.choices)
    group = models.CharField(max_length=50, default="info")
    options = models.JSONField(default=list, blank=True)  # [{"value", "label"}]
    is_custom = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["object_type", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["portal", "object_type", "name"], name="property_unique_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type}.{self.name}"

    @property
    def display_label(self) -> str:
        """Default properties are labelled in the reader's language."""
        if self.is_custom:
            return self.label
        return str(_DEFAULT_LABELS.get((self.object_type, self.name), self.label))

    @property
    def shape(self) -> PropertyShape:
        return PropertyShape(
            name=self.name,
            label=self.display_label,
            type=self.type,
            options=tuple(option["value"] for option in self.options),
        )

    @property
    def display_options(self) -> list[tuple[str, str]]:
        """(value, label) of each option, a default property's in the reader's language."""
        return [(option["value"], self._shown(option)) for option in self.options]

    def option_label(self, value: str) -> str:
        for option in self.options:
            if option["value"] == value:
                return self._shown(option)
        return value

    def _shown(self, option: dict) -> str:
        if self.is_custom:
            return option["label"]
        key = (self.object_type, self.name, option["value"])
        return str(_DEFAULT_OPTION_LABELS.get(key, option["label"]))


class RecordQuerySet(models.QuerySet):
    def for_portal(self, portal) -> "RecordQuerySet":
        return self.filter(portal=portal)

    def live(self) -> "RecordQuerySet":
        return self.filter(archived_at__isnull=True)

    def archived(self) -> "RecordQuerySet":
        return self.filter(archived_at__isnull=False)


class Record(PortalOwned):
    """One hub record of any object type; values live in `properties`."""

    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    properties = models.JSONField(default=dict)
    display_name = models.CharField(max_length=300, blank=True)
    # Lower-cased display name, for sorting and prefix search through an index.
    sort_key = models.CharField(max_length=300, blank=True)
    # Normalised identifiers (see crm.identifiers): matching is index work. NULL, not
    # "", for "none": the partial indexes and the unique email constraint skip NULLs.
    email_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    name_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    domain_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    sku_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    # Has a Record source (a sync created it): the lists' "Created by a sync" filter.
    # Also false by default in the database (migration 0003): raw inserts (benches, test
    # fixtures) leave it out. Not db_default, which bulkrows' COPY would leave out too.
    created_by_sync = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        indexes = [
            # Lists: keyset paging in each sort order, live records only.
            models.Index(
                fields=["portal", "object_type", "sort_key", "id"],
                name="record_list_by_name",
                condition=Q(archived_at__isnull=True),
            ),
            models.Index(
                fields=["portal", "object_type", "updated_at", "id"],
                name="record_list_by_updated",
                condition=Q(archived_at__isnull=True),
            ),
            models.Index(
                fields=["portal", "object_type", "id"],
                name="record_list_by_created",
                condition=Q(archived_at__isnull=True),
            ),
            models.Index(
                fields=["portal", "object_type", "archived_at", "id"],
                name="record_list_archived",
                condition=Q(archived_at__isnull=False),
            ),
            # Prefix search on name and on email.
            models.Index(
                fields=["portal", "object_type", "sort_key"],
                opclasses=["int8_ops", "varchar_ops", "varchar_pattern_ops"],
                name="record_search_name",
                condition=Q(archived_at__isnull=True),
            ),
            models.Index(
                fields=["portal", "object_type", "email_key"],
                opclasses=["int8_ops", "varchar_ops", "varchar_pattern_ops"],
                name="record_search_email",
                condition=Q(email_key__isnull=False),
            ),
            # The list of records a sync created, in the default (name) order.
            models.Index(
                fields=["portal", "object_type", "sort_key", "id"],
                name="record_list_created_by_sync",
                condition=Q(archived_at__isnull=True, created_by_sync=True),
            ),
            # Matching by identifier.
            models.Index(
                fields=["portal", "object_type", "name_key"],
                name="record_match_name",
                condition=Q(name_key__isnull=False),
            ),
            models.Index(
                fields=["portal", "object_type", "domain_key"],
                name="record_match_domain",
                condition=Q(domain_key__isnull=False),
            ),
            models.Index(
                fields=["portal", "object_type", "sku_key"],
                name="record_match_sku",
                condition=Q(sku_key__isnull=False),
            ),
        ]
        constraints = [
            # One live contact (or lead) per email address in a portal.
            models.UniqueConstraint(
                fields=["portal", "object_type", "email_key"],
                name="record_unique_live_email",
                condition=Q(email_key__isnull=False, archived_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or f"#{self.pk}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def singular(self) -> str:
        return str(SINGULAR[self.object_type])


class Association(PortalOwned):
    """A link between two hub records, stored once as (from, to) per ASSOCIATION_KINDS."""

    from_record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    to_record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+")
    is_primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_record", "to_record"], name="association_unique"),
        ]
        indexes = [models.Index(fields=["to_record"], name="association_to")]

    def __str__(self) -> str:
        return f"{self.from_record_id} -> {self.to_record_id}"


class CurrentTransactionId(models.Func):
    """The writing transaction's id: what lets the change log be read without gaps."""

    template = "(pg_current_xact_id()::text::bigint)"
    output_field = models.BigIntegerField()


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    ARCHIVE = "archive", _("Deleted")
    RESTORE = "restore", _("Restored")
    ASSOCIATE = "associate", _("Association added")
    DISSOCIATE = "dissociate", _("Association removed")


class ChangeLogEntry(PortalOwned):
    """One write to a hub record: the outbox the sync engine reads by cursor.

    Read it through crm.changelog.read_changes, never by id alone: ids are handed
    out before commit, so a plain `id > cursor` read skips late commits.
    """

    # The database checks none of these: each entry is written in the transaction that
    # writes its record, by the code that just wrote it (services, bulk), and a check
    # per entry at every commit is a good part of what a sync's initial run costs
    # Postgres. Deleting a record, a portal or a user still cascades or clears here
    # (Django's on_delete, not the database's). The portal and the record need no index
    # of their own: changelog_cursor and changelog_record_history start with them.
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="changes",
                               db_index=False, db_constraint=False)
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    action = models.CharField(max_length=20, choices=ChangeAction.choices)
    changes = models.JSONField(default=dict)  # {property: [old, new]}
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    # Set when an object sync wrote the change (echo suppression reads it).
    object_sync_id = models.BigIntegerField(null=True, blank=True)
    txid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["portal", "object_type", "txid", "id"],
                         name="changelog_cursor"),
            models.Index(fields=["record", "-id"], name="changelog_record_history"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.record_id}"

    @property
    def actor_label(self) -> str:
        if self.object_sync_id:
            return _("Sync #%(id)s") % {"id": self.object_sync_id}
        if self.user_id:
            return self.user.get_username() if self.user else ""
        return str(_("System"))

