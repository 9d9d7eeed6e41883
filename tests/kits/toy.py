"""A toy app with a toy sandbox: exercises the SDK itself, independent of any vendor."""

from connectors.sdk import (
    AccountInfo,
    AppRecord,
    Connector,
    ConnectorSpec,
    Field,
    OAuth2Spec,
    ObjectSpec,
    Page,
)
from connectors.sdk.sandbox import Response, Sandbox, SandboxAccount, route

SPEC = ConnectorSpec(
    key="toy",
    name="Toy CRM",
    tagline="A toy app for tests",
    description="Used by the SDK's own tests.",
    logo="<svg xmlns='http://www.w3.org/2000/svg'/>",
    auth=OAuth2Spec(
        authorize_url="https://toy.example/oauth/authorize",
        token_url="https://toy.example/oauth/token",
        scopes=("contacts",),
    ),
    objects=(
        ObjectSpec(
            name="people", label="People", hub_object="contact",
            fields=(Field("email", "Email"),), identifiers=(("email", "email"),),
        ),
    ),
)


class ToySandbox(Sandbox):
    key = "toy"
    name = "Toy CRM"

    def seed(self):
        account = self.add_account(SandboxAccount("1", "Toy Inc", "admin@toy.example", "sandbox"))
        for n in range(5):
            account.data["people"][str(n)] = {"id": str(n), "email": f"p{n}@toy.example"}
        self.add_account(SandboxAccount("2", "Toy Two", "admin@two.example", "sandbox"))

    @route("GET", "/api/me")
    def me(self, request, account):
        return Response.json({"id": account.id, "name": account.name})

    @route("GET", "/api/people")
    def people(self, request, account):
        return Response.json({"items": list(account.data["people"].values())})


class ToyConnector(Connector):
    spec = SPEC
    api_bases = {"api": "https://toy.example/api"}
    sandbox_paths = {"api": "/api", "authorize": "/oauth/authorize", "token": "/oauth/token",
                     "revoke": "/oauth/revoke"}
    sandbox = "tests.kits.toy:ToySandbox"

    def account_info(self) -> AccountInfo:
        body = self.http.request("GET", self.api("api") + "/me").body
        return AccountInfo(id=body["id"], name=body["name"])

    def read_changes(self, object_name, cursor, limit=100) -> Page:
        body = self.http.request("GET", self.api("api") + "/people").body
        records = [AppRecord(id=item["id"], values=item) for item in body["items"]]
        return Page(records=records, cursor=None, done=True)
