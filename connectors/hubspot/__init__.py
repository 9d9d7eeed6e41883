"""HubSpot as a third-party app: CRM v3 objects, v4 associations, OAuth 2."""

from connectors.hubspot.connector import HubSpotConnector

__all__ = ["HubSpotConnector"]
