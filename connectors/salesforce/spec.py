"""Salesforce's listing, OAuth registration, objects and API limits, as the marketplace
shows them."""

from connectors.salesforce.objects import OBJECTS
from connectors.sdk import ConnectorSpec, OAuth2Spec, RateLimit
from connectors.sdk.text import _

# An original mark: a cloud outline in a blue square with the initial. Not Salesforce's logo.
LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img"
aria-label="Salesforce"><rect width="64" height="64" rx="14" fill="#0B5CAB"/>
<path d="M18 42a9 9 0 0 1 1-18 11 11 0 0 1 20-4 9 9 0 0 1 8 14 8 8 0 0 1-5 8z"
fill="none" stroke="#fff" stroke-width="3.5" stroke-linejoin="round"/>
<text x="32" y="38" text-anchor="middle" font-family="Helvetica,Arial,sans-serif"
font-size="14" font-weight="700" fill="#fff">S</text></svg>"""

# The REST API version the connector speaks (Winter '25).
API_VERSION = "62.0"
# `api` lets the connector call the REST API; `refresh_token` (alias offline_access)
# gives it a refresh token. https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_tokens_scopes.htm
SCOPES = ("api", "refresh_token")

SPEC = ConnectorSpec(
    key="salesforce",
    name="Salesforce",
    tagline=_("Keep Salesforce contacts, leads, accounts and opportunities in step with your CRM."),
    description=_(
        "Two-way sync with a Salesforce org: contacts, leads, accounts, opportunities, "
        "products, cases, tasks and events, with their custom fields. Changes are read "
        "incrementally by system modification time, deleted records come from Salesforce's "
        "delete log, writes go 200 records a request, and Syncapp keeps to the share of the "
        "org's daily API budget you allow."
    ),
    logo=LOGO,
    auth=OAuth2Spec(
        # The web-server flow with PKCE, on login.salesforce.com (test.salesforce.com for
        # Salesforce sandboxes). https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
        authorize_url="https://login.salesforce.com/services/oauth2/authorize",
        token_url="https://login.salesforce.com/services/oauth2/token",  # noqa: S106 - a URL
        revoke_url="https://login.salesforce.com/services/oauth2/revoke",
        scopes=SCOPES,
        token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
    ),
    objects=OBJECTS,
    # Salesforce has no per-second limit, only a daily total per org (Sforce-Limit-Info)
    # and 25 concurrent long requests; this keeps Syncapp's pace polite.
    # https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm
    rate_limit=RateLimit(requests=25, per_seconds=1),
    docs_url="https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/",
    # The org's own My Domain, as the token response names it.
    web_app="{instance_url}",
    reports_api_usage=True,
)
