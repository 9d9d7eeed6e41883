"""Salesforce's side of the shared HTTP client: its error bodies, its limit header, its URLs.

Every REST error is a JSON list of `{"message", "errorCode", "fields"?}`; per-record
results of sObject Collections carry `{"statusCode", "message", "fields"}`. Both codes
come from one table, mapped to the product's categories.
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
"""

import re
from collections.abc import Mapping
from urllib.parse import urljoin

from connectors.sdk import ConnectorError, HttpClient
from connectors.sdk import ErrorCategory as Cat
from connectors.sdk.usage import ApiUsage

APP = "Salesforce"
# Salesforce's error codes (REST errorCode, collections statusCode) -> the product's.
# https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm#statuscode
CODES = {
    "DUPLICATE_VALUE": Cat.DUPLICATE,
    "DUPLICATES_DETECTED": Cat.DUPLICATE,
    "REQUIRED_FIELD_MISSING": Cat.REQUIRED_MISSING,
    "FIELD_CUSTOM_VALIDATION_EXCEPTION": Cat.REJECTED,
    "FIELD_INTEGRITY_EXCEPTION": Cat.REJECTED,
    "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY": Cat.REJECTED,
    "INSUFFICIENT_ACCESS_OR_READONLY": Cat.REJECTED,
    "INVALID_FIELD": Cat.INVALID_VALUE,
    "INVALID_EMAIL_ADDRESS": Cat.INVALID_VALUE,
    "STRING_TOO_LONG": Cat.INVALID_VALUE,
    "INVALID_TYPE_ON_FIELD_IN_RECORD": Cat.INVALID_VALUE,
    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST": Cat.INVALID_VALUE,
    "JSON_PARSER_ERROR": Cat.INVALID_VALUE,
    "MALFORMED_ID": Cat.INVALID_VALUE,
    "MALFORMED_QUERY": Cat.INVALID_VALUE,
    "INVALID_TYPE": Cat.INVALID_VALUE,
    "INVALID_CROSS_REFERENCE_KEY": Cat.ASSOCIATION_FAILED,
    "INVALID_FIELD_FOR_INSERT_UPDATE": Cat.READ_ONLY,
    "ENTITY_IS_DELETED": Cat.NOT_FOUND,
    "NOT_FOUND": Cat.NOT_FOUND,
    "INVALID_SESSION_ID": Cat.AUTH_EXPIRED,
    "INSUFFICIENT_ACCESS": Cat.PERMISSION_DENIED,
    "API_DISABLED_FOR_ORG": Cat.PERMISSION_DENIED,
    "API_CURRENTLY_DISABLED": Cat.PERMISSION_DENIED,
    "REQUEST_LIMIT_EXCEEDED": Cat.RATE_LIMITED,
    "SERVER_UNAVAILABLE": Cat.APP_UNAVAILABLE,
    "UNABLE_TO_LOCK_ROW": Cat.APP_UNAVAILABLE,
}
# A spent daily budget frees up as the 24-hour window rolls: pause, do not sleep.
LIMIT_WAIT_S = 3600
_USAGE = re.compile(r"(?:^|[;,\s])api-usage=(\d+)/(\d+)")


def read_error(status: int, body: object) -> tuple[Cat | None, str]:
    """HttpClient's error_reader: `[{"message": …, "errorCode": …, "fields": […]}]`."""
    errors = body if isinstance(body, list) else [body]
    first = next((e for e in errors if isinstance(e, dict)), None)
    if first is None:
        return None, str(body or "")[:300]
    code = str(first.get("errorCode") or first.get("statusCode") or first.get("error") or "")
    message = str(first.get("message") or first.get("error_description") or code)
    fields = first.get("fields") or []
    where = f" (fields: {', '.join(map(str, fields))})" if fields else ""
    return CODES.get(code), f"{code}: {message}{where}"[:500]


def item_error(result: dict) -> ConnectorError:
    """The error of one record in an sObject Collections reply."""
    errors = [e for e in result.get("errors") or [] if isinstance(e, dict)]
    first = errors[0] if errors else {}
    code = str(first.get("statusCode") or "UNKNOWN_EXCEPTION")
    fields = [str(f) for f in first.get("fields") or []]
    where = f" (fields: {', '.join(fields)})" if fields else ""
    return ConnectorError(
        CODES.get(code, Cat.UNKNOWN), "Salesforce refused this record.",
        vendor_message=f"{code}: {first.get('message') or ''}{where}"[:500],
        field=fields[0] if fields else None,
    )


def limit_info(headers: Mapping[str, str]) -> ApiUsage | None:
    """`Sforce-Limit-Info: api-usage=18/5000`: calls used in the org's last 24 hours.
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm"""
    value = next((v for k, v in headers.items() if k.lower() == "sforce-limit-info"), None)
    found = _USAGE.search(value or "")
    return ApiUsage(int(found.group(1)), int(found.group(2))) if found else None


def _limit_wait(response, *args, **kwargs) -> None:
    """REQUEST_LIMIT_EXCEEDED comes as a 403 without Retry-After; say how long to pause."""
    if response.status_code == 403 and "REQUEST_LIMIT_EXCEEDED" in response.text[:500]:
        response.headers.setdefault("Retry-After", str(LIMIT_WAIT_S))


def install(http: HttpClient) -> None:
    """Teach the shared client Salesforce's error bodies and its limit header."""
    http.error_reader = read_error
    http.usage_reader = limit_info
    hooks = http.session.hooks.setdefault("response", [])
    if _limit_wait not in hooks:
        hooks.append(_limit_wait)


def unexpected(what: str, body: object) -> ConnectorError:
    """A 2xx whose body is not what Salesforce documents: transient, nothing applied."""
    return ConnectorError(Cat.APP_UNAVAILABLE, f"Salesforce answered {what} in an unexpected "
                          "shape.", vendor_message=str(body)[:300])


class RestApi:
    """The REST resources the connector uses, below /services/data/vXX.X."""

    def __init__(self, http: HttpClient, base: str):
        self.http = http
        self.base = base.rstrip("/")

    def query(self, soql: str, batch_size: int):
        # Sforce-Query-Options sets the page size: 200 to 2,000 records.
        # https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_queryoptions.htm
        headers = {"Sforce-Query-Options": f"batchSize={max(200, min(2000, batch_size))}"}
        return self.http.request("GET", f"{self.base}/query", params={"q": soql},
                                 headers=headers)

    def query_more(self, next_records_url: str):
        """nextRecordsUrl is a path from the instance's root."""
        return self.http.request("GET", urljoin(self.base + "/", next_records_url)).body

    def describe(self, sobject: str):
        return self.http.request("GET", f"{self.base}/sobjects/{sobject}/describe").body

    def deleted(self, sobject: str, start: str, end: str):
        return self.http.request("GET", f"{self.base}/sobjects/{sobject}/deleted/",
                                 params={"start": start, "end": end}).body

    def retrieve(self, sobject: str, ids: list[str], fields: list[str]):
        return self.http.request("GET", f"{self.base}/composite/sobjects/{sobject}",
                                 params={"ids": ",".join(ids), "fields": ",".join(fields)}).body

    def collection(self, method: str, records: list[dict] | None = None,
                   ids: list[str] | None = None):
        url = f"{self.base}/composite/sobjects"
        if method == "DELETE":
            params = {"ids": ",".join(ids or []), "allOrNone": "false"}
            return self.http.request("DELETE", url, params=params).body
        return self.http.request(method, url, json={"allOrNone": False, "records": records}).body

    def create_one(self, sobject: str, values: dict):
        return self.http.request("POST", f"{self.base}/sobjects/{sobject}", json=values).body

    def update_one(self, sobject: str, record_id: str, values: dict):
        return self.http.request("PATCH", f"{self.base}/sobjects/{sobject}/{record_id}",
                                 json=values)

    def userinfo(self, root: str):
        return self.http.request("GET", f"{root}/services/oauth2/userinfo").body
