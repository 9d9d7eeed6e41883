"""A stateful emulator of Zoho CRM's API v8 for two organizations in two data centres.

Served paths: each data centre's accounts server below the sandbox root
(`/accounts.zoho.com/oauth/v2/auth|token|token/revoke`, `/accounts.zoho.eu/…`;
accounts.py), the API below the API domain (`/crm/v8/{module}`, `/deleted`,
`/settings/fields`, `/org`; modules.py) and a record's page in the web app
(`/crm/org{org id}/tab/{module}/{id}`; pages.py). Whatever BEHAVIOR.md does not
list is refused in Zoho's error shape: an unknown path, query parameter or body key.
https://www.zoho.com/crm/developer/docs/api/v8/
"""

from connectors.zoho.sandbox.modules import ModulesApi
from connectors.zoho.sandbox.pages import RecordPages


class ZohoSandbox(RecordPages, ModulesApi):
    """Zoho CRM: its accounts servers, its API v8 and its record pages."""
