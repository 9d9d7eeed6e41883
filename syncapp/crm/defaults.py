"""What a new portal's CRM starts with: the default properties of every object type.

Accounts announce a new portal (accounts.signals.portal_created); the CRM, which
builds on accounts, listens (CrmConfig.ready), so accounts never import the CRM.
"""

from syncapp.crm.models import PropertyDefinition
from syncapp.crm.schema import DEFAULT_PROPERTIES


def install_default_properties(portal) -> None:
    """Give a new portal the default property definitions of every object type."""
    rows = [
        PropertyDefinition(
            portal=portal,
            object_type=object_type,
            name=spec.name,
            label=str(spec.label),
            type=spec.type,
            group=spec.group,
            options=[{"value": value, "label": str(label)} for value, label in spec.options],
            position=position,
        )
        for object_type, specs in DEFAULT_PROPERTIES.items()
        for position, spec in enumerate(specs)
    ]
    PropertyDefinition.objects.bulk_create(rows, ignore_conflicts=True)


def on_portal_created(sender, portal, **kwargs) -> None:
    install_default_properties(portal)
