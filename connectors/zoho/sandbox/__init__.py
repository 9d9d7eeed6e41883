"""The Zoho CRM sandbox, served under /sandbox/zoho/ when sandboxes are enabled."""

from connectors.zoho.sandbox.app import ZohoSandbox

__all__ = ["ZohoSandbox"]
