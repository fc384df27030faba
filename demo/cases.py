"""The requests the demo page makes, each a ``fetch()`` the article talks about.

The page runs them in order with ``fetch()`` and asks the page server to replay each one
(``POST /explain``) so crossorigin can say why the browser allowed or blocked it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    """One ``fetch(api + path, {method, headers, body, credentials})`` from the page."""

    id: str
    title: str
    #: One sentence on what the case shows.
    note: str
    #: Where the policy comes from in the article.
    source: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    #: A JSON body (sent as ``JSON.stringify(json)``), or None for no body.
    json: Any = None
    credentials: str = "same-origin"
    #: Tags shown on the page ("preflight", "credentials", "refused on purpose").
    tags: tuple[str, ...] = field(default=())

    @property
    def body(self) -> str | None:
        return None if self.json is None else json.dumps(self.json, separators=(",", ":"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "note": self.note,
            "source": self.source,
            "method": self.method,
            "path": self.path,
            "headers": [list(pair) for pair in self.headers],
            "body": self.body,
            "credentials": self.credentials,
            "tags": list(self.tags),
        }


JSON = ("Content-Type", "application/json")

CASES: tuple[Case, ...] = (
    Case(
        id="public-data",
        title="Simple GET to a public endpoint",
        note="origins='*' answers any page with Access-Control-Allow-Origin: *.",
        source="1. The Quick Fix: CORS(app)",
        method="GET",
        path="/api/data",
    ),
    Case(
        id="secure-data",
        title="Simple GET, origin on the allow-list",
        note="The page origin is echoed back, with Vary: Origin.",
        source="2. The Secure Fix: resources={r'/api/*': {...}}",
        method="GET",
        path="/api/secure-data",
    ),
    Case(
        id="public-info",
        title="Route-specific public GET",
        note="@cross_origin() with no options: any origin, no credentials.",
        source="3. Granular Control: @cross_origin()",
        method="GET",
        path="/api/public-info",
    ),
    Case(
        id="user-profile",
        title="Credentialed GET (cookies sent)",
        note="supports_credentials=True adds Access-Control-Allow-Credentials: true.",
        source="3. Granular Control: @cross_origin(origins=[...], supports_credentials=True)",
        method="GET",
        path="/api/user-profile",
        credentials="include",
        tags=("credentials",),
    ),
    Case(
        id="submit-form",
        title="JSON POST with Authorization",
        note="JSON and Authorization make the browser send an OPTIONS preflight first.",
        source="Handling the Dreaded Preflight OPTIONS Request",
        method="POST",
        path="/api/submit-form",
        headers=(JSON, ("Authorization", "Bearer demo-token")),
        json={"name": "Ada", "newsletter": True},
        tags=("preflight",),
    ),
    Case(
        id="blueprint-users",
        title="GET on a blueprint route",
        note="The blueprint's own CORS(api_blueprint, origins=[...]) governs /api/v1/.",
        source="Edge case 1. Blueprints: CORS(api_blueprint, origins=[...])",
        method="GET",
        path="/api/v1/users",
    ),
    Case(
        id="production-only",
        title="Route that allows only https://app.yourdomain.com",
        note="The server answers, but without Access-Control-Allow-Origin for this page.",
        source="3. Granular Control, the article's original origins=['https://app.yourdomain.com']",
        method="GET",
        path="/api/billing",
        tags=("refused on purpose",),
    ),
    Case(
        id="header-refused",
        title="JSON POST with a header that is not allowed",
        note="X-Api-Key is not in allow_headers, so the preflight is refused.",
        source="Handling the Dreaded Preflight: allow_headers=['Content-Type', 'Authorization']",
        method="POST",
        path="/api/submit-form",
        headers=(JSON, ("X-Api-Key", "demo-key")),
        json={"name": "Ada"},
        tags=("preflight", "refused on purpose"),
    ),
    Case(
        id="delete-refused",
        title="DELETE, a method that is not allowed",
        note="DELETE is not in methods=['GET', 'POST', 'OPTIONS'] for /api/submit-form.",
        source="Handling the Dreaded Preflight: methods=['GET', 'POST', 'OPTIONS']",
        method="DELETE",
        path="/api/submit-form",
        tags=("preflight", "refused on purpose"),
    ),
    Case(
        id="credentials-wildcard",
        title="Credentialed GET to a public (*) route",
        note="The server allows every origin with *, but a browser sending cookies never "
        "accepts *.",
        source="3. Granular Control: @cross_origin() called with credentials: 'include'",
        method="GET",
        path="/api/public-info",
        credentials="include",
        tags=("credentials", "refused on purpose"),
    ),
)

BY_ID = {case.id: case for case in CASES}
