"""The Salesforce sandbox: an emulated org instance and login.salesforce.com's OAuth."""

from connectors.salesforce.sandbox.app import SalesforceSandbox

__all__ = ["SalesforceSandbox"]
