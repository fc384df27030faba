"""What a browser would make of a server's answers: run a fetch() and judge every step.

It sends what a browser sends (the preflight when :mod:`~crossorigin.core.fetchcheck`
says one is needed, then the request, following redirects as ``fetch()`` does) through a
:data:`Transport`, and judges every answer with :func:`~crossorigin.core.fetchcheck.judge`.
:func:`http_transport` is the stdlib HTTP client of ``crossorigin doctor``; ``flask cors
explain`` and :mod:`crossorigin.testing` pass the Flask test client instead
(:func:`crossorigin.flask_ext.inspect.flask_transport`).

Stdlib only, like the core, so ``crossorigin doctor`` runs where Flask is absent.
"""

from __future__ import annotations

from .advice import CROSSORIGIN_HINTS, HINTS, hints_for, refused_on_purpose
from .inputs import (
    DoctorError,
    build_request,
    check_method,
    check_origin,
    check_url,
    default_header_value,
    parse_header,
    url_origin,
)
from .render import following, installed_version, render_text, safe, to_json, use_color
from .session import (
    DOCTOR_CODES,
    MAX_REDIRECTS,
    Cause,
    Exchange,
    Report,
    attribute_refusal,
    fold_failures,
    next_hop,
    run,
)
from .transport import DEFAULT_TIMEOUT, MAX_BODY, Received, Transport, http_transport

__all__ = [
    "CROSSORIGIN_HINTS",
    "DEFAULT_TIMEOUT",
    "DOCTOR_CODES",
    "HINTS",
    "MAX_BODY",
    "MAX_REDIRECTS",
    "Cause",
    "DoctorError",
    "Exchange",
    "Received",
    "Report",
    "Transport",
    "attribute_refusal",
    "build_request",
    "check_method",
    "check_origin",
    "check_url",
    "default_header_value",
    "fold_failures",
    "following",
    "hints_for",
    "http_transport",
    "installed_version",
    "next_hop",
    "parse_header",
    "refused_on_purpose",
    "render_text",
    "run",
    "safe",
    "to_json",
    "url_origin",
    "use_color",
]
