"""The Zoho CRM connector: reads by Modified_Time, deletions from /deleted, 100 writes a call.

Every call goes to the organization's API domain (the token response's
`api_domain`, e.g. https://www.zohoapis.eu) below `/crm/v8`, with the token in
`Authorization: Zoho-oauthtoken …`.
https://www.zoho.com/crm/developer/docs/api/v8/
"""

from collections.abc import Mapping, Sequence
from functools import reduce

from connectors.sdk.connector import Connector
from connectors.sdk.http import HttpClient
from connectors.sdk.records import AccountInfo, AppRecord, DeletedPage, DeletedRecord, Page
from connectors.sdk.spec import Field
from connectors.zoho import datacentres
from connectors.zoho.client import ZohoApi, malformed, read_error
from connectors.zoho.fields import custom_fields
from connectors.zoho.reading import MAX_PER_PAGE, ReadCursor, following, later, next_pass
from connectors.zoho.spec import SPEC
from connectors.zoho.values import parse_time, record_values
from connectors.zoho.writes import WritesMixin

API = "/crm/v8"
PRODUCTION = "https://www.zohoapis.com"
MAX_FIELDS = 50  # a list names at most 50 fields
IDS_PER_CALL = 100


class ZohoConnector(WritesMixin, Connector):
    spec = SPEC
    # records: record.json's paths, fields: fields.json's, org: org.json's (one host).
    api_bases = {"records": PRODUCTION, "fields": PRODUCTION, "org": PRODUCTION}
    sandbox_paths = {
        "records": "", "fields": "", "org": "", "web": "",
        "authorize": f"/{datacentres.DEFAULT_HOST}/oauth/v2/auth",
        "token": f"/{datacentres.DEFAULT_HOST}/oauth/v2/token",
        "revoke": f"/{datacentres.DEFAULT_HOST}/oauth/v2/token/revoke",
    }
    sandbox = "connectors.zoho.sandbox:ZohoSandbox"

    def __init__(self, http: HttpClient, *, api_bases=None, account=None):
        super().__init__(http, api_bases=api_bases, account=account)
        self.http.error_reader = read_error
        # The token names the data centre's API host; it replaces the production
        # default, never a base the product chose (a sandbox, a contract proxy).
        domain = self.account.get("api_domain")
        for name, default in type(self).api_bases.items():
            if domain and self.bases.get(name) == default:
                self.bases[name] = str(domain).rstrip("/")
        self._custom: dict[str, tuple[Field, ...]] = {}

    @classmethod
    def consent_details(cls, params: Mapping[str, str]) -> dict:
        return datacentres.consent_details(params)

    @classmethod
    def oauth_url(cls, url: str, account: Mapping) -> str:
        return datacentres.accounts_url(url, account)

    def _api(self, name: str) -> ZohoApi:
        return ZohoApi(self.http, self.api(name) + API)

    # --- the account and the fields ---------------------------------------------------

    def account_info(self) -> AccountInfo:
        body = self._api("org").call("GET", "/org")
        orgs = body.get("org")
        if not isinstance(orgs, list) or not orgs or "id" not in orgs[0]:
            raise malformed("GET /org", body)
        org = orgs[0]
        location = str(self.account.get("location") or datacentres.DEFAULT_LOCATION)
        return AccountInfo(str(org["id"]), str(org.get("company_name") or org["id"]), extra={
            "org_id": str(org["id"]), "location": location,
            "web_domain": datacentres.web_domain(location),
        })

    def discover_fields(self, object_name: str) -> Sequence[Field]:
        if object_name not in self._custom:
            self._custom[object_name] = custom_fields(self._api("fields"), object_name)
        return self._custom[object_name]

    def _fields(self, object_name: str) -> tuple[Field, ...]:
        return self.fields(object_name)[:MAX_FIELDS]

    def _record(self, object_name: str, row: dict) -> AppRecord:
        return AppRecord(str(row["id"]), record_values(row, self._fields(object_name)),
                         modified_at=parse_time(row.get("Modified_Time")))

    # --- reads ------------------------------------------------------------------------

    def read_changes(self, object_name: str, cursor: str | None, limit: int = 100) -> Page:
        state = ReadCursor.decode(cursor)
        per_page = max(1, min(limit, MAX_PER_PAGE))
        params, headers = state.request(per_page)
        names = ",".join(f.name for f in self._fields(object_name))
        rows, info = self._api("records").listing(
            f"/{object_name}", headers=headers,
            params={"fields": names, "sort_by": "Modified_Time", "sort_order": "asc",
                    **params})
        records = [self._record(object_name, row) for row in rows
                   if str(row["id"]) not in state.skip]
        stamped = [(str(row["Modified_Time"]), str(row["id"])) for row in rows
                   if row.get("Modified_Time")]
        after = following(state, stamped, info, per_page)
        if after is None:
            return Page(records, next_pass(state, [t for t, _id in stamped]).encode(),
                        done=True)
        return Page(records, after.encode(), done=False)

    def read_deleted(self, object_name: str, cursor: str | None,
                     limit: int = 100) -> DeletedPage:
        """Deleted records (recycle bin and erased), newest deletion first, page by page
        within a window that starts at the last pass's newest deletion."""
        state = ReadCursor.decode(cursor)
        headers = {"If-Modified-Since": state.since} if state.since else {}
        rows, info = self._api("records").listing(
            f"/{object_name}/deleted", headers=headers,
            params={"type": "all", "page": state.page, "per_page": MAX_PER_PAGE})
        gone = [DeletedRecord(str(row["id"]), parse_time(row.get("deleted_time")))
                for row in rows]
        times = [str(row["deleted_time"]) for row in rows if row.get("deleted_time")]
        if info.get("more_records"):
            after = ReadCursor(state.since, state.page + 1, None, reduce(later, times, state.seen))
            return DeletedPage(gone, after.encode(), done=False)
        return DeletedPage(gone, next_pass(state, times).encode(), done=True)

    def read_by_ids(self, object_name: str, ids: Sequence[str]) -> list[AppRecord]:
        names = ",".join(f.name for f in self._fields(object_name))
        found: list[AppRecord] = []
        wanted = [str(i) for i in ids if str(i).isdigit()]  # Zoho's ids are numbers
        for start in range(0, len(wanted), IDS_PER_CALL):
            chunk = wanted[start:start + IDS_PER_CALL]
            rows, _info = self._api("records").listing(
                f"/{object_name}", params={"ids": ",".join(chunk), "fields": names})
            found.extend(self._record(object_name, row) for row in rows)
        return found
