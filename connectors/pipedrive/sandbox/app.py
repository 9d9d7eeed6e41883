"""A stateful emulator of Pipedrive's API v2 and v1 for two sandbox companies.

Served paths are Pipedrive's own below the company host (`/api/v2/persons`,
`/api/v1/notes`, …; v2.py and v1.py), OAuth's (`/oauth/authorize`, `/oauth/token`,
`/oauth/revoke`), and the app's own pages at `/app` (pages.py). Requests
authenticate with an OAuth bearer token or a user's `api_token` (base.py); scopes
are enforced; deleted records stay readable in /v1/recents; errors and 429s come in
Pipedrive's body shape. Whatever BEHAVIOR.md does not list is refused: an unknown
path, query parameter or body key gets a 4xx, never silence.
https://developers.pipedrive.com/docs/api/v1
"""

from connectors.pipedrive.sandbox.pages import PipedriveAppPages
from connectors.pipedrive.sandbox.v1 import V1Api
from connectors.pipedrive.sandbox.v2 import V2Api


class PipedriveSandbox(PipedriveAppPages, V1Api, V2Api):
    """Pipedrive: its API (v1, v2), OAuth, and its web app's pages."""
