"""The browser's side of CORS, as the WHATWG Fetch Standard defines it.

The rest of crossorigin decides which headers a server sends; this package decides,
the way a browser does, whether a page may read the result. It is a test oracle and
a diagnostic tool, so it is deliberately independent of the server side (stdlib
only, never Flask or Werkzeug, never the policy or the decision; it shares only
header names and host facts, :mod:`crossorigin.core.headers` and
:mod:`crossorigin.core.hosts`): a misreading of the spec in the server code cannot
hide behind the same misreading here.

One module per Fetch stage: :mod:`.request` (what fetch() does before sending, and
whether a preflight is needed), :mod:`.cors` (the CORS check on every response),
:mod:`.preflight`, :mod:`.response` (the actual response, readable headers and
redirects) and :mod:`.verdict` (:func:`judge`, the whole fetch); :mod:`.model` holds
the data model, the failure codes and shared helpers.

What is modelled: the CORS-safelisted request-headers and methods, the preflight
decision and the preflight request, the CORS check, the preflight checks
(status, Access-Control-Allow-Methods/-Headers, the ``*`` wildcard per credentials
mode, ``Authorization``), the actual response (including a redirect's own CORS check
and where it leads), and the headers page script can read. Where today's browsers
deviate from the spec (``Authorization`` under ``Access-Control-Allow-Headers: *``)
the verdict follows the browsers and a warning records the spec rule; pass
``strict=True`` to apply the spec rule instead.

What is not: request bodies (list the ``Content-Type`` a body would add among the
request headers), the ``Accept``/``Accept-Language`` headers the browser adds itself,
the preflight cache, Private/Local Network Access, ``no-cors`` mode and following a
redirect to its next hop (judge that hop as a new request).

Failure and warning codes (``Failure.code``) are listed in :data:`FAILURE_CODES`.
Nothing here raises on odd input: malformed headers become failures.
"""

from __future__ import annotations

from .cors import cors_check
from .model import FAILURE_CODES, Credentials, Failure, FetchRequest, HTTPResponse, Verdict
from .preflight import check_preflight
from .request import (
    cors_unsafe_request_header_names,
    is_cors_safelisted_request_header,
    is_forbidden_request_header,
    is_same_origin,
    needs_preflight,
    normalize_method,
    preflight_headers,
)
from .response import check_response
from .verdict import judge

__all__ = [
    "FAILURE_CODES",
    "Credentials",
    "Failure",
    "FetchRequest",
    "HTTPResponse",
    "Verdict",
    "check_preflight",
    "check_response",
    "cors_check",
    "cors_unsafe_request_header_names",
    "is_cors_safelisted_request_header",
    "is_forbidden_request_header",
    "is_same_origin",
    "judge",
    "needs_preflight",
    "normalize_method",
    "preflight_headers",
]
