"""The API reference page, rendered on the server from the served OpenAPI schema.

No script and no CDN: the page is plain HTML in our templates and stylesheet, so it
works under the CSP. Anyone may read it, as the schema itself; the data needs a key.
"""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from syncapp.api.api import api

METHODS = ("get", "post", "put", "patch", "delete")


def _type_of(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_of(part) for part in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    if schema.get("type") == "array":
        return f"list of {_type_of(schema.get('items', {}))}"
    return str(schema.get("type", "object"))


def _operation(method: str, path: str, spec: dict) -> dict:
    body = spec.get("requestBody", {}).get("content", {}).get("application/json", {})
    return {
        "method": method.upper(), "path": path, "summary": spec.get("summary", ""),
        "description": spec.get("description", ""), "anchor": spec.get("operationId", ""),
        "parameters": [{"name": p["name"], "where": p["in"], "required": p.get("required"),
                        "type": _type_of(p.get("schema", {})),
                        "description": p.get("description", "")}
                       for p in spec.get("parameters", [])],
        "body": _type_of(body["schema"]) if body else "", "body_media": "application/json",
        "responses": [(status, _type_of(next(iter(r.get("content", {}).values()), {})
                                        .get("schema", {})) if r.get("content") else "",
                       next(iter(r.get("content", {})), ""))
                      for status, r in spec.get("responses", {}).items()],
    }


def _schemas(components: dict) -> list[dict]:
    return [{"name": name, "fields": [(field, _type_of(spec), field in schema.get("required",
                                                                                 []))
                                      for field, spec in schema.get("properties", {}).items()]}
            for name, schema in sorted(components.items())]


@require_GET
def reference(request):
    schema = api.get_openapi_schema()
    groups: dict[str, list] = {}
    for path, operations in schema["paths"].items():
        for method in METHODS:
            if method in operations:
                spec = operations[method]
                tag = (spec.get("tags") or ["api"])[0]
                groups.setdefault(tag, []).append(_operation(method, path, spec))
    return render(request, "api/reference.html", {
        "info": schema["info"], "groups": sorted(groups.items()),
        "schemas": _schemas(schema.get("components", {}).get("schemas", {}))})
