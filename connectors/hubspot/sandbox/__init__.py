"""The HubSpot sandbox, served under /sandbox/hubspot/ when sandboxes are enabled."""

from connectors.hubspot.sandbox.app import HubSpotSandbox

__all__ = ["HubSpotSandbox"]
