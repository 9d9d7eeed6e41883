"""Associations v4 and the token information endpoints.

https://developers.hubspot.com/docs/api/crm/associations
https://developers.hubspot.com/docs/api/oauth/tokens
"""

import time
from typing import TYPE_CHECKING

from connectors.hubspot.sandbox.routing import (
    api_route,
    batch_error,
    batch_inputs,
    batch_response,
    json_body,
    known_fields,
    next_link,
    object_type,
)
from connectors.hubspot.sandbox.schema import TYPE_IDS
from connectors.hubspot.sandbox.store import LABELS, Portal, association_types, not_found
from connectors.hubspot.sandbox.validate import HubSpotError
from connectors.sdk.sandbox import Response, Sandbox

CATEGORIES = {"HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"}


def _target(to_id: str, kinds: set) -> dict:
    return {"toObjectId": int(to_id), "associationTypes": [
        {"category": "HUBSPOT_DEFINED", "typeId": t, "label": LABELS.get(t)}
        for t in sorted(kinds)]}


def _type_ids(from_type: str, to_type: str, specs) -> list[int]:
    if not isinstance(specs, list) or not specs:
        raise HubSpotError(400, "Each association needs at least one type", "VALIDATION_ERROR")
    for spec in specs:
        known_fields(spec, ("associationCategory", "associationTypeId"), "AssociationSpec")
        if spec.get("associationCategory") not in CATEGORIES:
            raise HubSpotError(400, f"Invalid association category in {spec!r}",
                               "VALIDATION_ERROR")
    return [spec.get("associationTypeId") for spec in specs]


def _pair(portal, from_type, from_id, to_type, to_id, *, type_ids) -> dict:
    portal.associate(from_type, from_id, to_type, to_id, type_ids)
    return {"fromObjectTypeId": TYPE_IDS[from_type], "fromObjectId": int(from_id),
            "toObjectTypeId": TYPE_IDS[to_type], "toObjectId": int(to_id),
            "labels": [LABELS[t] for t in type_ids if LABELS.get(t)]}


class LinkRoutes(Sandbox):
    association_page = 500  # targets per record in one answer; tests lower it

    if TYPE_CHECKING:  # HubSpotSandbox's scope check (app.py)
        def need(self, request, object_type: str, *, write: bool) -> None: ...
        def need_any(self, request, scopes: set[str]) -> None: ...

    def _pair_types(self, request, from_name, to_name) -> tuple[str, str]:
        from_type, to_type = object_type(from_name), object_type(to_name)
        self.need(request, from_type, write=False)
        self.need(request, to_type, write=False)
        return from_type, to_type

    @api_route("POST", "/crm/v4/associations/{from_name}/{to_name}/batch/read")
    def associations_batch_read(self, request, portal, from_name, to_name):
        from_type, to_type = self._pair_types(request, from_name, to_name)
        results, empty = [], []
        for item in batch_inputs(request, ("id",)):
            from_id = str(item.get("id") or "")
            targets = portal.targets(from_type, from_id, to_type) \
                if portal.live(from_type, from_id) else []
            if not targets:
                empty.append(from_id)
                continue
            result = {"from": {"id": from_id},
                      "to": [_target(t, k) for t, k in targets[:self.association_page]]}
            if len(targets) > self.association_page:
                result["paging"] = {"next": {"after": str(self.association_page)}}
            results.append(result)
        errors = [batch_error("OBJECT_NOT_FOUND", f"No {to_type} is associated with {from_type}",
                              empty, key="fromObjectId")] if empty else []
        return batch_response(portal.now(), results, errors)

    @api_route("GET", "/crm/v4/objects/{from_name}/{from_id}/associations/{to_name}",
               query=("limit", "after"))
    def associations_list(self, request, portal, from_name, from_id, to_name):
        from_type, to_type = self._pair_types(request, from_name, to_name)
        if portal.live(from_type, from_id) is None:
            raise not_found(from_id)
        limit = min(int(request.arg("limit", "500")), 500)
        after = int(request.arg("after", "0"))
        targets = portal.targets(from_type, from_id, to_type)
        body: dict[str, object] = {
            "results": [_target(t, k) for t, k in targets[after:after + limit]]}
        if after + limit < len(targets):
            token = str(after + limit)
            body["paging"] = {"next": {"after": token, "link": next_link(
                request, f"/crm/v4/objects/{from_name}/{from_id}/associations/{to_name}", token)}}
        return Response.json(body)

    @api_route("POST", "/crm/v4/associations/{from_name}/{to_name}/batch/create")
    def associations_batch_create(self, request, portal, from_name, to_name):
        from_type, to_type = self._pair_types(request, from_name, to_name)
        self.need(request, from_type, write=True)
        inputs = batch_inputs(request, ("from", "to", "types"))
        typed = [(i, _type_ids(from_type, to_type, i.get("types"))) for i in inputs]
        results, errors = [], []
        for item, type_ids in typed:
            from_id = str((item.get("from") or {}).get("id") or "")
            to_id = str((item.get("to") or {}).get("id") or "")
            try:
                results.append(_pair(portal, from_type, from_id, to_type, to_id, type_ids=type_ids))
            except HubSpotError as exc:
                errors.append(batch_error(exc.category, exc.message, [from_id],
                                          key="fromObjectId"))
        return batch_response(portal.now(), results, errors, ok_status=201)

    @api_route("POST", "/crm/v4/associations/{from_name}/{to_name}/batch/associate/default")
    def associations_batch_default(self, request, portal, from_name, to_name):
        from_type, to_type = self._pair_types(request, from_name, to_name)
        self.need(request, from_type, write=True)
        default = association_types(from_type, to_type)
        if not default:
            raise HubSpotError(400, f"{from_type} cannot be associated with {to_type}",
                               "VALIDATION_ERROR")
        results = []
        for item in batch_inputs(request, ("from", "to")):
            from_id = str((item.get("from") or {}).get("id") or "")
            to_id = str((item.get("to") or {}).get("id") or "")
            portal.associate(from_type, from_id, to_type, to_id, [default[0][0]])
            results.append({"from": {"id": from_id}, "to": {"id": to_id}, "associationSpec": {
                "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": default[0][0]}})
        return batch_response(portal.now(), results, [])

    @api_route("POST", "/crm/v4/associations/{from_name}/{to_name}/batch/archive")
    def associations_batch_archive(self, request, portal, from_name, to_name):
        from_type, to_type = self._pair_types(request, from_name, to_name)
        self.need(request, from_type, write=True)
        for item in batch_inputs(request, ("from", "to")):
            from_id = str((item.get("from") or {}).get("id") or "")
            for target in item.get("to") or []:
                portal.disassociate(from_type, from_id, to_type, str((target or {}).get("id")))
        return Response(204)

    @api_route("PUT", "/crm/v4/objects/{from_name}/{from_id}/associations/{to_name}/{to_id}")
    def associations_put(self, request, portal, *, from_name, from_id, to_name, to_id):
        from_type, to_type = self._pair_types(request, from_name, to_name)
        self.need(request, from_type, write=True)
        type_ids = _type_ids(from_type, to_type, json_body(request))
        made = _pair(portal, from_type, from_id, to_type, to_id, type_ids=type_ids)
        return Response.json(made, 201)

    @api_route("PUT",
               "/crm/v4/objects/{from_name}/{from_id}/associations/default/{to_name}/{to_id}")
    def associations_put_default(self, request, portal, *, from_name, from_id, to_name, to_id):
        from_type, to_type = self._pair_types(request, from_name, to_name)
        self.need(request, from_type, write=True)
        kinds = association_types(from_type, to_type)
        if not kinds:
            raise HubSpotError(400, f"{from_type} cannot be associated with {to_type}",
                               "VALIDATION_ERROR")
        portal.associate(from_type, from_id, to_type, to_id, [kinds[0][0]])
        result = {"from": {"id": from_id}, "to": {"id": to_id}, "associationSpec": {
            "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": kinds[0][0]}}
        return batch_response(portal.now(), [result], [])

    @api_route("DELETE", "/crm/v4/objects/{from_name}/{from_id}/associations/{to_name}/{to_id}")
    def associations_delete(self, request, portal, *, from_name, from_id, to_name, to_id):
        from_type, to_type = self._pair_types(request, from_name, to_name)
        self.need(request, from_type, write=True)
        portal.disassociate(from_type, from_id, to_type, to_id)
        return Response(204)

    # --- tokens -----------------------------------------------------------------------

    @api_route("GET", "/oauth/v1/access-tokens/{token}", auth=False)
    def access_token_info(self, request, token):
        issued = self.access_tokens.get(token)
        if issued is None:
            raise HubSpotError(404, "Token not found", "OBJECT_NOT_FOUND")
        remaining = int(issued.expires_at - time.time())
        if remaining <= 0:
            raise HubSpotError(401, f"The OAuth token used to make this call expired "
                               f"{max(1, -remaining // 60)} minute(s) ago.",
                               "EXPIRED_AUTHENTICATION")
        portal = self.accounts[issued.account_id]
        assert isinstance(portal, Portal)  # a HubSpot sandbox's accounts are portals
        return Response.json({
            "token": token, "user": portal.login, "hub_domain": portal.hub_domain,
            "scopes": issued.scope.split(), "hub_id": portal.hub_id, "app_id": 2100001,
            "expires_in": remaining, "user_id": portal.user_id, "token_type": "access",
        })

    @api_route("GET", "/oauth/v1/refresh-tokens/{token}", auth=False)
    def refresh_token_info(self, request, token):
        issued = self.refresh_tokens.get(token)
        if issued is None:
            raise HubSpotError(404, "refresh token not found", "OBJECT_NOT_FOUND")
        portal = self.accounts[issued.account_id]
        assert isinstance(portal, Portal)
        return Response.json({
            "token": token, "user": portal.login, "hub_domain": portal.hub_domain,
            "scopes": issued.scope.split(), "hub_id": portal.hub_id,
            "client_id": next(iter(self.clients)), "user_id": portal.user_id,
            "token_type": "refresh",
        })

    @api_route("DELETE", "/oauth/v1/refresh-tokens/{token}", auth=False)
    def refresh_token_delete(self, request, token):
        with self.lock:
            issued = self.refresh_tokens.pop(token, None)
        if issued is None:
            raise HubSpotError(404, "refresh token not found", "OBJECT_NOT_FOUND")
        return Response(204)
