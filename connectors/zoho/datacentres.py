"""Zoho's data centres: which accounts server holds an organization's tokens.

Consent always starts at accounts.zoho.com; Zoho sends the person back with
`location` (us, eu, in, au, jp, ca, sa, uk, cn) and `accounts-server` (that
region's https://accounts.zoho.<tld>), and the code is exchanged, and the token
refreshed and revoked, at that server. The token response names the region's API
host (`api_domain`). `accounts-server` comes from the browser, so it is never
used as an address: the server is looked up from `location` in this table, and a
redirect whose two parameters disagree is refused (else a forged redirect could
send the code and the client secret elsewhere).
https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html
"""

from collections.abc import Mapping

from connectors.sdk.errors import ConnectorError, ErrorCategory

DEFAULT_LOCATION = "us"
# location -> (accounts server host, CRM web app host)
DATA_CENTRES: dict[str, tuple[str, str]] = {
    "us": ("accounts.zoho.com", "crm.zoho.com"),
    "eu": ("accounts.zoho.eu", "crm.zoho.eu"),
    "in": ("accounts.zoho.in", "crm.zoho.in"),
    "au": ("accounts.zoho.com.au", "crm.zoho.com.au"),
    "jp": ("accounts.zoho.jp", "crm.zoho.jp"),
    "ca": ("accounts.zohocloud.ca", "crm.zohocloud.ca"),
    "sa": ("accounts.zoho.sa", "crm.zoho.sa"),
    "uk": ("accounts.zoho.uk", "crm.zoho.uk"),
    "cn": ("accounts.zoho.com.cn", "crm.zoho.com.cn"),
}
DEFAULT_HOST = DATA_CENTRES[DEFAULT_LOCATION][0]


def _refused(reason: str, given: str) -> ConnectorError:
    return ConnectorError(ErrorCategory.REJECTED, reason, vendor_message=given[:200])


def consent_details(params: Mapping[str, str]) -> dict:
    """The data centre the consent redirect names, checked: {"location": …}."""
    location = (params.get("location") or DEFAULT_LOCATION).strip().lower()
    if location not in DATA_CENTRES:
        raise _refused("Zoho named a data centre Syncapp does not know.", location)
    server = (params.get("accounts-server") or "").rstrip("/")
    # A sandbox serves each region's accounts server below its own root
    # (<root>/accounts.zoho.eu), so only the host name at the end is compared.
    if server and not server.endswith("/" + DATA_CENTRES[location][0]):
        raise _refused("Zoho's redirect named an accounts server outside its data centre.",
                       server)
    return {"location": location}


def accounts_url(url: str, account: Mapping) -> str:
    """`url` (an endpoint on the US accounts server, or the sandbox's copy of it)
    moved to the account's own data centre."""
    location = str(account.get("location") or DEFAULT_LOCATION)
    if location not in DATA_CENTRES:
        raise _refused("The connection names a data centre Syncapp does not know.", location)
    scheme, _sep, rest = url.partition("://")
    parts = rest.split("/")
    if DEFAULT_HOST not in parts:
        return url
    parts[parts.index(DEFAULT_HOST)] = DATA_CENTRES[location][0]
    return f"{scheme}://{'/'.join(parts)}"


def web_domain(location: str) -> str:
    """The CRM web app of the data centre (record pages live below it)."""
    return "https://" + DATA_CENTRES.get(location, DATA_CENTRES[DEFAULT_LOCATION])[1]
