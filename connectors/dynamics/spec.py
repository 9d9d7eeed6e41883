"""Microsoft Dynamics 365 as the marketplace and the wizard see it."""

from dataclasses import replace

from connectors.dynamics.activities import (
    ANNOTATIONS,
    APPOINTMENTS,
    EMAILS,
    PHONECALLS,
    TASKS,
)
from connectors.dynamics.companies import ACCOUNTS
from connectors.dynamics.entities import Entity
from connectors.dynamics.people import CONTACTS, LEADS
from connectors.dynamics.sales import INVOICES, OPPORTUNITIES, PRODUCTS
from connectors.dynamics.service import INCIDENTS
from connectors.sdk import ConnectorSpec, OAuth2Spec, ObjectSpec, RateLimit
from connectors.sdk.text import _

ENTITIES: dict[str, Entity] = {
    entity.set_name: entity
    for entity in (CONTACTS, ACCOUNTS, LEADS, OPPORTUNITIES, PRODUCTS, INVOICES, INCIDENTS,
                   PHONECALLS, EMAILS, TASKS, APPOINTMENTS, ANNOTATIONS)
}

# Global Discovery Service: which Dataverse environments the signed-in user can use.
# https://learn.microsoft.com/power-apps/developer/data-platform/discovery-service
DISCOVERY_SCOPE = "https://globaldisco.crm.dynamics.com/user_impersonation"



def _with_record_page(entity: Entity) -> ObjectSpec:
    """A record's form in the model-driven app: main.aspx names the table by its
    logical name. https://learn.microsoft.com/power-apps/developer/model-driven-apps/open-forms-views-dialogs-reports-url"""
    page = f"/main.aspx?pagetype=entityrecord&etn={entity.logical_name}&id={{id}}"
    return replace(entity.spec, record_page=page)


LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img"
aria-label="Microsoft Dynamics 365"><rect width="64" height="64" rx="14" fill="#002050"/>
<path d="M18 14l28 12v12L18 50z" fill="#0b53ce"/><path d="M18 14l28 12-14 6z" fill="#2266e3"/>
<text x="32" y="41" text-anchor="middle" font-family="Segoe UI,Arial,sans-serif"
font-size="20" font-weight="700" fill="#ffffff">D</text></svg>"""

SPEC = ConnectorSpec(
    key="dynamics",
    web_app="{instance_url}",  # the environment's own host: https://<org>.crm.dynamics.com
    name="Microsoft Dynamics 365",
    tagline=_("Sync contacts, accounts, leads, opportunities, cases and activities with "
              "Dataverse."),
    description=_(
        "Connect one or more Dynamics 365 environments (Dataverse). Contacts, accounts, "
        "leads, opportunities, products, invoices, cases, phone calls, emails, tasks, "
        "appointments and notes sync both ways; changes and deletions are picked up "
        "through Dataverse change tracking, and writes go in batches."
    ),
    logo=LOGO,
    auth=OAuth2Spec(
        # The "organizations" tenant: any work or school account, no personal ones.
        # https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
        authorize_url="https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize",
        token_url="https://login.microsoftonline.com/organizations/oauth2/v2.0/token",  # noqa: S106
        # Dataverse's delegated permission is "user_impersonation" on the Dynamics
        # CRM API; offline_access brings the refresh token.
        scopes=(DISCOVERY_SCOPE, "offline_access"),
        revoke_url=None,  # the Microsoft identity platform has no revocation endpoint
        pkce=True,
        # Let the admin pick which Microsoft account to sign in with, so a second
        # Dynamics account can be connected while signed in to the first.
        authorize_params=(("prompt", "select_account"),),
    ),
    objects=tuple(_with_record_page(entity) for entity in ENTITIES.values()),
    # Service protection limits: 6,000 requests per user in a 300-second window.
    # https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
    rate_limit=RateLimit(requests=6000, per_seconds=300),
    docs_url="https://learn.microsoft.com/power-apps/developer/data-platform/webapi/overview",
)
