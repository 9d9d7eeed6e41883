"""Microsoft Dynamics 365 (Dataverse Web API) connector."""

from connectors.dynamics.connector import DynamicsConnector

__all__ = ["DynamicsConnector"]
