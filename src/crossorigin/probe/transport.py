"""The wire: one HTTP answer as received, and the stdlib transport that gets it."""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..core.fetchcheck import HTTPResponse
from ..core.hosts import DEFAULT_PORTS
from .inputs import DoctorError

__all__ = ["DEFAULT_TIMEOUT", "MAX_BODY", "Received", "Transport", "http_transport"]

DEFAULT_TIMEOUT = 10.0
#: Bytes of a response body kept, to show why a server refused (a refused preflight's text).
MAX_BODY = 2048
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


@dataclass(frozen=True)
class Received:
    """One HTTP answer: header lines kept raw, so repeats (a proxy's extra ACAO) survive."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: str = ""

    def get_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.headers if key.lower() == wanted]

    def as_fetch_response(self) -> HTTPResponse:
        return HTTPResponse(self.status, self.headers)


#: ``send(method, absolute_url, headers) -> Received``; raises DoctorError when unreachable.
Transport = Callable[[str, str, tuple[tuple[str, str], ...]], Received]


def _describe(exc: BaseException, host: str, port: int, timeout: float) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused: is the server running on {host}:{port}?"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve the host {host!r}"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s (raise it with --timeout)"
    if isinstance(exc, ssl.SSLError):
        return f"TLS handshake failed: {getattr(exc, 'reason', None) or exc}"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, http.client.HTTPException):
        return f"the server's answer is not valid HTTP ({type(exc).__name__})"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc)  # pragma: no cover - only the types above are caught


def _body_excerpt(content_type: str, data: bytes) -> str:
    if not content_type.lower().startswith(("text/", "application/json")):
        return ""
    return data.decode("utf-8", "replace")


def http_transport(timeout: float = DEFAULT_TIMEOUT) -> Transport:
    """A transport over http.client: one connection per request, headers kept raw."""

    def send(method: str, url: str, headers: tuple[tuple[str, str], ...]) -> Received:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or DEFAULT_PORTS[parts.scheme.lower()]
        # Percent-encode what browsers encode (spaces, controls, non-ASCII); keep the rest.
        target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), _URL_SAFE)
        connection: http.client.HTTPConnection
        if parts.scheme.lower() == "https":
            connection = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            connection.putrequest(method, target, skip_accept_encoding=True)
            for name, value in (*headers, ("User-Agent", "crossorigin-doctor")):
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            data = response.read(MAX_BODY) if method != "HEAD" else b""
            return Received(
                status=response.status,
                reason=response.reason,
                headers=tuple(response.getheaders()),
                body=_body_excerpt(response.getheader("Content-Type") or "", data),
            )
        except (OSError, http.client.HTTPException) as exc:
            raise DoctorError(
                f"cannot reach {url}: {_describe(exc, host, port, timeout)}"
            ) from None
        finally:
            connection.close()

    return send
