"""What the page asks for, checked and turned into the fetch() call it describes.

Command-line input (``--origin``, ``--header NAME[: VALUE]``) and test input share these
checks, so both refuse what no browser sends with the same message.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from ..core.fetchcheck import Credentials, FetchRequest
from ..core.headers import is_token
from ..core.hosts import DEFAULT_PORTS

__all__ = [
    "DoctorError",
    "build_request",
    "check_method",
    "check_origin",
    "check_url",
    "default_header_value",
    "parse_header",
    "url_origin",
]


class DoctorError(Exception):
    """Stops a run before any verdict: bad input, or no HTTP answer at all."""


def default_header_value(name: str) -> str:
    """The value a bare ``--header NAME`` stands for.

    ``Content-Type`` means a JSON body (the usual reason it is listed); anything else gets
    ``1``, which leaves Accept and Accept-Language CORS-safelisted, as in a browser.
    """
    return "application/json" if name.lower() == "content-type" else "1"


def parse_header(text: str) -> tuple[str, str]:
    """``"Name: value"`` or a bare ``"Name"`` as a header pair; DoctorError if malformed."""
    name, colon, value = text.partition(":")
    name = name.strip()
    if not is_token(name):
        raise DoctorError(
            f"{text!r} is not a request header: write NAME or 'NAME: VALUE', e.g. "
            "'Content-Type: application/json'"
        )
    return name, value.strip(" \t") if colon else default_header_value(name)


def url_origin(url: str) -> str | None:
    """The serialized origin of an http(s) URL, or None."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    origin = f"{scheme}://{host}"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        origin += f":{port}"
    return origin


def check_url(url: str) -> str:
    """An absolute http(s) URL the doctor can call, or DoctorError saying what to write."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise DoctorError(f"{url!r} is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        raise DoctorError(
            f"{url!r} is not an absolute http(s) URL; write e.g. 'http://127.0.0.1:5000/api/data'"
        )
    if parts.username is not None or parts.password is not None:
        raise DoctorError("remove the user name and password from the URL: fetch() refuses them")
    if not parts.hostname.isascii():
        raise DoctorError(f"write the host of {url!r} in ASCII (punycode), as browsers send it")
    return url


def check_origin(origin: str, *, argument: str = "--origin ") -> str:
    """The page origin as a browser sends it (``scheme://host[:port]`` or ``null``).

    ``argument`` names the input in the message: ``"--origin "`` for the command line,
    ``"origin="`` for a Python API.
    """
    if origin == "null":
        return origin
    shown = f"{argument}{origin!r}"
    if not origin.isascii() or not origin.isprintable() or " " in origin:
        raise DoctorError(f"{shown} has characters no browser sends in an Origin")
    try:
        parts = urlsplit(origin)
    except ValueError:
        parts = None
    if parts is None or not parts.scheme or not parts.netloc:
        raise DoctorError(
            f"{shown} is not an origin; write scheme://host[:port], "
            f"e.g. 'http://{origin.strip('/') or 'localhost:3000'}'"
        )
    if parts.path or parts.query or parts.fragment:
        bare = f"{parts.scheme}://{parts.netloc}"
        raise DoctorError(f"{shown} has a path; browsers send only scheme, host and port: {bare!r}")
    return origin


def check_method(method: str, *, argument: str = "--method ") -> str:
    """An HTTP method name (a token), or DoctorError; ``argument`` as for check_origin."""
    if not is_token(method):
        raise DoctorError(f"{argument}{method!r} is not an HTTP method name")
    return method


def build_request(
    url: str,
    *,
    origin: str,
    method: str = "GET",
    headers: Iterable[str] = (),
    credentials: bool = False,
) -> FetchRequest:
    """Command-line input as the fetch() call it describes; DoctorError on bad input."""
    check_method(method)
    mode: Credentials = "include" if credentials else "same-origin"
    return FetchRequest(
        origin=check_origin(origin),
        url=check_url(url),
        method=method,
        headers=tuple(parse_header(h) for h in headers),
        credentials=mode,
    )
