"""Which Dataverse environment a connection talks to, and whose it is.

A Microsoft sign-in names a person, not a Dynamics environment: one person may
use several environments, and one portal may connect several (Contoso's and
Fabrikam's). The Global Discovery Service lists the environments the user can
use, with each one's Web API URL; WhoAmI then names the organization behind it.
https://learn.microsoft.com/power-apps/developer/data-platform/discovery-service
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/whoami
"""

from connectors.dynamics.client import API_PATH, headers, query
from connectors.sdk import AccountInfo, ConnectorError
from connectors.sdk import ErrorCategory as Cat
from connectors.sdk.http import HttpClient

ENABLED = 0  # Instance.State: 0 enabled, 1 disabled


def discover_instances(http: HttpClient, discovery_base: str) -> list[dict]:
    """The enabled environments the signed-in user can reach, by friendly name."""
    reply = http.request(
        "GET",
        discovery_base + "/Instances" + query(
            select="Id,UniqueName,UrlName,FriendlyName,State,Version,Url,ApiUrl",
        ),
        headers=headers(),
    )
    found = reply.body.get("value") if isinstance(reply.body, dict) else None
    if not isinstance(found, list):
        raise ConnectorError(Cat.APP_UNAVAILABLE, "The discovery service answered without a list.",
                             vendor_message=str(reply.body)[:300])
    usable = [i for i in found if isinstance(i, dict) and i.get("ApiUrl")
              and i.get("State", ENABLED) == ENABLED]
    return sorted(usable, key=lambda i: (str(i.get("FriendlyName", "")).lower(), str(i["Id"])))


def choose_instance(instances: list[dict], wanted_url: str | None) -> dict:
    """The environment at `wanted_url`, else the first one by name.

    The product connects one environment per connection; a user with several
    environments reconnects to pick another (BEHAVIOR.md: environment choice).
    """
    if not instances:
        raise ConnectorError(
            Cat.PERMISSION_DENIED,
            "This Microsoft account cannot use any Dynamics 365 environment.",
        )
    if wanted_url:
        wanted = wanted_url.rstrip("/").lower()
        for instance in instances:
            if wanted in {str(instance.get(k, "")).rstrip("/").lower() for k in ("ApiUrl", "Url")}:
                return instance
    return instances[0]


def who_am_i(http: HttpClient, web_api: str) -> dict:
    reply = http.request("GET", web_api + "/WhoAmI", headers=headers())
    body = reply.body if isinstance(reply.body, dict) else {}
    if not body.get("OrganizationId"):
        raise ConnectorError(Cat.APP_UNAVAILABLE, "WhoAmI answered without an organization.",
                             vendor_message=str(reply.body)[:300])
    return body


def organization_name(http: HttpClient, web_api: str, organization_id: str) -> str:
    reply = http.request(
        "GET",
        web_api + "/organizations" + query(
            select="name", filter=f"organizationid eq {organization_id}",
        ),
        headers=headers(),
    )
    rows = reply.body.get("value") if isinstance(reply.body, dict) else None
    if rows and isinstance(rows[0], dict) and rows[0].get("name"):
        return str(rows[0]["name"])
    return organization_id


def account_info(http: HttpClient, web_api: str, instance: dict | None) -> AccountInfo:
    """The organization id names the account: two connections to one environment
    are the same account, two environments of one user are two accounts."""
    extra: dict[str, object] = {"instance_url": web_api.removesuffix(API_PATH)}
    if instance and instance.get("Id"):
        # Found through discovery: the consent token reaches only the discovery
        # service (one token per resource), so the instance record names the account;
        # the token for the environment itself comes next (Connector.token_scope).
        return AccountInfo(id=str(instance["Id"]), extra={
            **extra, "unique_name": instance.get("UniqueName"),
            "environment_url": instance.get("Url")},
            name=str(instance.get("FriendlyName") or instance.get("UniqueName") or ""))
    me = who_am_i(http, web_api)
    org_id = str(me["OrganizationId"])
    name = str(instance.get("FriendlyName")) if instance else ""
    extra["user_id"] = me.get("UserId")
    if instance:
        extra.update(unique_name=instance.get("UniqueName"), environment_url=instance.get("Url"))
    return AccountInfo(id=org_id, name=name or organization_name(http, web_api, org_id),
                       extra=extra)

