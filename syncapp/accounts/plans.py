"""What each portal plan includes. Self-hosted installs include everything."""

from syncapp.accounts.models import Plan, Portal

# Features a plan lacks; a plan not listed here has every feature.
WITHOUT = {Plan.FREE: {"custom_mappings"}}


def has_feature(portal: Portal, feature: str) -> bool:
    return feature not in WITHOUT.get(portal.plan, set())


def custom_mappings_allowed(portal: Portal) -> bool:
    """Custom field mappings are a paid feature in the product we follow."""
    return has_feature(portal, "custom_mappings")
