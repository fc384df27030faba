"""Harness for the headless-Chromium CORS conformance suite (``tests/browser``).

Three real HTTP servers run on loopback for the whole session:

* **A**: the page origin. Tests navigate a fresh page to ``a.page_url`` and run
  ``fetch()`` from there.
* **B**: the API origin. A test mounts its own WSGI app (usually a Flask app
  configured with ``crossorigin``) with ``b.mount(app)``.
* **C**: a third origin, for redirects and "page on another origin" cases.

All three are ``http://localhost:<port>`` with ports picked at start-up. Every
server serves a blank HTML page at :data:`BLANK_PATH` and sends every other
request to the app mounted by the current test, through a request log that
records what the *server* saw (the browser hides preflights from the page and
from Playwright). See ``conftest.py`` for the fixtures and ``test_harness.py``
for examples.

:class:`AsgiLoopbackServer` is the same server for ASGI apps: Hypercorn, in a thread
with its own event loop, behind a dispatcher that serves the blank page and records
requests exactly as the WSGI one does (``test_asgi_harness.py``).
"""

from __future__ import annotations

import asyncio
import itertools
import json as jsonlib
import logging
import os
import socket
import threading
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from fetch_replay import assert_agrees, replay, request_from_fetch_args
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

# --- Chromium ------------------------------------------------------------------------------------

CHROMIUM_PATH = os.environ.get("CROSSORIGIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
INSTALL_HINT = (
    "install Chromium: sudo apt-get install -y chromium (or run scripts/ensure-chromium.sh)"
)


def require_chromium(path: str = CHROMIUM_PATH) -> str:
    """Return ``path`` if it is an executable, else *fail* the test (never skip)."""
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"headless Chromium not found at {path}; the browser suite needs it. {INSTALL_HINT}",
            pytrace=False,
        )
    return path


# --- servers -------------------------------------------------------------------------------------

WSGIApp = Callable[..., Iterable[bytes]]
T = TypeVar("T")

#: Served by every server, outside the request log; tests navigate pages here.
BLANK_PATH = "/__blank__"
BLANK_HTML = b"<!doctype html><html><head><title>blank</title></head><body></body></html>"
#: Query parameter that :meth:`LoopbackServer.url` adds to tag a request with the test's nonce.
NONCE_PARAM = "nonce"

# Ports Chromium refuses to connect to ("ERR_UNSAFE_PORT"), above 1023.
_CHROMIUM_UNSAFE_PORTS = frozenset(
    {1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566}
    | set(range(6665, 6670))
    | {6679, 6697, 10080}
)


_ARRIVALS = itertools.count()
#: Every server started, so a fetch can be replayed from all their logs.
_ALL_SERVERS: list[LoopbackServer] = []


@dataclass
class SeenRequest:
    """One request as the server saw it, plus the response it sent back."""

    method: str
    path: str
    query: str
    #: Request headers, names lower-cased (repeated headers joined by the WSGI server).
    headers: dict[str, str]
    #: Response status code, ``None`` until the app called ``start_response``.
    status: int | None = None
    #: Response headers in order, repeats kept (so two ACAO headers show as two items).
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    #: The origin of the server that saw it (``http://localhost:<port>``).
    server: str = ""
    #: Arrival order across all servers.
    seq: int = field(default_factory=lambda: next(_ARRIVALS))

    @property
    def target(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    @property
    def url(self) -> str:
        return self.server + self.target

    @property
    def origin(self) -> str | None:
        return self.headers.get("origin")

    @property
    def acrm(self) -> str | None:
        return self.headers.get("access-control-request-method")

    @property
    def acrh(self) -> str | None:
        return self.headers.get("access-control-request-headers")

    @property
    def cookie(self) -> str | None:
        return self.headers.get("cookie")

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")

    @property
    def is_preflight(self) -> bool:
        return self.method == "OPTIONS" and "access-control-request-method" in self.headers

    def response_header(self, name: str) -> list[str]:
        """All values of response header ``name`` (case-insensitive), in order."""
        lname = name.lower()
        return [v for k, v in self.response_headers if k.lower() == lname]

    def cors_response_headers(self) -> dict[str, list[str]]:
        """The ``Access-Control-*`` and ``Vary`` response headers, for failure messages."""
        out: dict[str, list[str]] = {}
        for k, v in self.response_headers:
            if k.lower().startswith("access-control-") or k.lower() == "vary":
                out.setdefault(k, []).append(v)
        return out

    def __str__(self) -> str:
        return (
            f"{self.method} {self.target} origin={self.origin!r} acrm={self.acrm!r} "
            f"acrh={self.acrh!r} -> {self.status} {self.cors_response_headers()}"
        )


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def _respond(
    start_response: Callable[..., Any], status: str, body: bytes, ctype: str
) -> list[bytes]:
    start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))])
    return [body]


class LoopbackServer:
    """A threaded werkzeug server on 127.0.0.1 with a swappable app and a request log."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.nonce = ""
        self._mounted: Any = None
        self._log: list[SeenRequest] = []
        self._lock = threading.Lock()
        self.port: int = self._listen()
        #: ``http://localhost:<port>``, byte-equal to what Chromium sends as ``Origin``.
        self.origin = f"http://localhost:{self.port}"
        self.page_url = self.origin + BLANK_PATH
        _ALL_SERVERS.append(self)

    def _listen(self) -> int:
        """Bind the listening socket (not yet serving) and return its port."""
        self._server = self._bind()
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"browser-server-{self.name}",
            daemon=True,
        )
        return self._server.server_port

    def _bind(self) -> BaseWSGIServer:
        for _ in range(20):
            server = make_server(
                "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler
            )
            if server.server_port not in _CHROMIUM_UNSAFE_PORTS:
                return server
            server.server_close()
        raise RuntimeError("could not bind a loopback port Chromium accepts")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.origin}>"

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def reset(self, nonce: str) -> None:
        """Unmount the app, clear the log and tag the next requests with ``nonce``."""
        with self._lock:
            self._mounted = None
            self._log.clear()
            self.nonce = nonce

    def mount(self, app: Any) -> Any:
        """Serve ``app`` for every path but :data:`BLANK_PATH` until the test ends.

        A WSGI app here; an ASGI app on an :class:`AsgiLoopbackServer`.
        """
        self._mounted = app
        return app

    # -- URLs ----------------------------------------------------------------

    def url(self, path: str = "/", **query: str | int) -> str:
        """Absolute URL on this server, tagged with the current test's nonce.

        The nonce keeps the preflight and HTTP caches (keyed by URL) from leaking between
        tests and lets the log drop stragglers from earlier tests.
        """
        params: dict[str, str | int] = {**query, NONCE_PARAM: self.nonce}
        sep = "&" if "?" in path else "?"
        return f"{self.origin}{path}{sep}{urlencode(params)}"

    # -- request log -----------------------------------------------------------

    @property
    def log(self) -> list[SeenRequest]:
        """Requests seen since the test started, in arrival order.

        Requests tagged with another test's nonce are left out; untagged ones are kept.
        """
        with self._lock:
            entries = list(self._log)
            nonce = self.nonce
        return [e for e in entries if parse_qs(e.query).get(NONCE_PARAM, [nonce]) == [nonce]]

    def requests(self, path: str | None = None, method: str | None = None) -> list[SeenRequest]:
        """Logged requests, optionally filtered by exact path (no query) and method."""
        return [
            e
            for e in self.log
            if (path is None or e.path == path) and (method is None or e.method == method)
        ]

    def preflights(self, path: str | None = None) -> list[SeenRequest]:
        """Logged CORS preflights (``OPTIONS`` with ``Access-Control-Request-Method``)."""
        return [e for e in self.requests(path) if e.is_preflight]

    def actual(self, path: str | None = None) -> list[SeenRequest]:
        """Logged requests that are not preflights."""
        return [e for e in self.requests(path) if not e.is_preflight]

    def logged_since(self, mark: int) -> list[SeenRequest]:
        """Every request that arrived after ``mark`` (see :func:`log_mark`), any nonce."""
        with self._lock:
            return [e for e in self._log if e.seq > mark]

    def describe_log(self) -> str:
        return "\n".join(f"  {self.name}: {e}" for e in self.log) or f"  {self.name}: (no requests)"

    def _record(self, method: str, path: str, query: str, headers: dict[str, str]) -> SeenRequest:
        entry = SeenRequest(
            method=method, path=path, query=query, headers=headers, server=self.origin
        )
        with self._lock:
            self._log.append(entry)
        return entry

    # -- WSGI ----------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == BLANK_PATH:
            return _respond(start_response, "200 OK", BLANK_HTML, "text/html; charset=utf-8")
        if path == "/favicon.ico":
            return _respond(start_response, "404 Not Found", b"", "text/plain")

        entry = self._record(
            environ["REQUEST_METHOD"],
            path,
            environ.get("QUERY_STRING", ""),
            _request_headers(environ),
        )

        def logging_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            entry.status = int(status.split(" ", 1)[0])
            entry.response_headers = list(headers)
            return start_response(status, headers, exc_info)

        app: WSGIApp | None = self._mounted
        if app is None:
            return _respond(
                logging_start_response,
                "503 Service Unavailable",
                f"no app mounted on server {self.name}".encode(),
                "text/plain",
            )
        return app(environ, logging_start_response)


def _request_headers(environ: Mapping[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = value
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


# --- ASGI servers ---------------------------------------------------------------------------------

ASGIApp = Callable[
    [dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


class AsgiLoopbackServer(LoopbackServer):
    """:class:`LoopbackServer` for ASGI apps: Hypercorn on 127.0.0.1, its own event loop.

    The same URLs, nonce and request log, recorded the same way: a dispatcher ASGI app
    serves :data:`BLANK_PATH` and hands every other request to the mounted app, noting the
    request and the ``http.response.start`` the app sends. A mounted app gets the lifespan
    protocol a real server runs (startup on :meth:`mount`, shutdown when the test ends);
    an app that does not speak it is served all the same, as in Hypercorn's default mode.
    """

    def _listen(self) -> int:
        from hypercorn.config import Config

        sock = _bind_loopback_socket()
        port: int = sock.getsockname()[1]
        config = Config()
        # Hypercorn adopts the descriptor (and closes it on shutdown); ours is closed now.
        config.bind = [f"fd://{os.dup(sock.fileno())}"]
        sock.close()
        config.accesslog = None
        config.errorlog = logging.getLogger(f"tests.browser.server-{self.name}")
        config.graceful_timeout = 0.2
        self._config = config
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._lifespan: _Lifespan | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"browser-asgi-server-{self.name}", daemon=True
        )
        return port

    def _run(self) -> None:
        from hypercorn.asyncio import serve

        asyncio.set_event_loop(self._loop)
        self._stopping = asyncio.Event()
        self._loop.call_soon(self._ready.set)
        dispatcher: Any = self._asgi  # Hypercorn's own types name every scope and message
        self._loop.run_until_complete(
            serve(dispatcher, self._config, shutdown_trigger=self._stopping.wait, mode="asgi")
        )

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(timeout=10):
            raise RuntimeError(f"Hypercorn did not start for server {self.name}")

    def stop(self) -> None:
        self._unmount()
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=5)
        self._loop.close()

    def reset(self, nonce: str) -> None:
        self._unmount()
        super().reset(nonce)

    def mount(self, app: Any) -> Any:
        """Serve ASGI ``app`` (after its lifespan startup) until the test ends."""
        self._unmount()
        self._lifespan = self._call(_Lifespan.start(app))
        self._mounted = app
        return app

    def _unmount(self) -> None:
        lifespan, self._lifespan = self._lifespan, None
        self._mounted = None
        if lifespan is not None:
            self._call(lifespan.shutdown())

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _asgi(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":  # the dispatcher's own: nothing to set up or tear down
            while (await receive())["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        path: str = scope["path"]
        if path == BLANK_PATH:
            await _asgi_respond(send, 200, BLANK_HTML, "text/html; charset=utf-8")
            return
        if path == "/favicon.ico":
            await _asgi_respond(send, 404, b"", "text/plain")
            return

        headers: dict[str, str] = {}
        for raw_name, raw_value in scope["headers"]:
            name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
            # Repeated headers joined with a comma, as the WSGI server does.
            headers[name] = f"{headers[name]},{value}" if name in headers else value
        entry = self._record(
            scope["method"], path, scope["query_string"].decode("latin-1"), headers
        )

        async def logging_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                entry.status = int(message["status"])
                entry.response_headers = [
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in message.get("headers", ())
                ]
            await send(message)

        app = self._mounted
        if app is None:
            body = f"no app mounted on server {self.name}".encode()
            await _asgi_respond(logging_send, 503, body, "text/plain")
            return
        await app(scope, receive, logging_send)


class _Lifespan:
    """An app's lifespan protocol, driven as a server drives it."""

    def __init__(self, app: ASGIApp) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
        self.task = asyncio.ensure_future(app(scope, self.inbox.get, self.outbox.put))

    @classmethod
    async def start(cls, app: ASGIApp) -> _Lifespan | None:
        """Run the startup; ``None`` when the app does not speak the protocol."""
        lifespan = cls(app)
        await lifespan.inbox.put({"type": "lifespan.startup"})
        message = await lifespan.next_message()
        if message is None:
            return None
        if message["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"lifespan startup failed: {message}")
        return lifespan

    async def next_message(self) -> dict[str, Any] | None:
        """The app's next message, or ``None`` if the app returned (or raised) instead."""
        reply = asyncio.ensure_future(self.outbox.get())
        await asyncio.wait({reply, self.task}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
        if reply.done():
            return reply.result()
        reply.cancel()
        if self.task.done() and not self.task.cancelled():
            self.task.exception()  # retrieved: an app without lifespan support may raise
        return None

    async def shutdown(self) -> None:
        await self.inbox.put({"type": "lifespan.shutdown"})
        await self.next_message()
        if not self.task.done():
            self.task.cancel()


def _bind_loopback_socket() -> socket.socket:
    for _ in range(20):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        if sock.getsockname()[1] not in _CHROMIUM_UNSAFE_PORTS:
            sock.listen(128)
            return sock
        sock.close()
    raise RuntimeError("could not bind a loopback port Chromium accepts")


async def _asgi_respond(send: Any, status: int, body: bytes, ctype: str) -> None:
    headers = [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def new_nonce() -> str:
    return uuid.uuid4().hex[:12]


# --- puppet app ----------------------------------------------------------------------------------


def puppet_app(
    *,
    headers: Sequence[tuple[str, str]] = (),
    preflight_headers: Sequence[tuple[str, str]] | None = None,
    status: int = 200,
    preflight_status: int = 200,
    body: bytes = b"puppet",
) -> WSGIApp:
    """A raw WSGI app whose CORS headers are chosen by the test, not by a library.

    Actual requests get ``status`` with ``headers``; preflights (``OPTIONS`` with
    ``Access-Control-Request-Method``) get ``preflight_status`` with ``preflight_headers``
    (default: the same ``headers``). Repeated names are sent as repeated header lines.
    """
    pf_headers = list(headers if preflight_headers is None else preflight_headers)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        is_preflight = (
            environ["REQUEST_METHOD"] == "OPTIONS"
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
        )
        code, extra, payload = (
            (preflight_status, pf_headers, b"") if is_preflight else (status, list(headers), body)
        )
        start_response(
            f"{code} PUPPET",
            [("Content-Type", "text/plain"), ("Content-Length", str(len(payload))), *extra],
        )
        return [payload]

    return app


# --- fetch in the page ---------------------------------------------------------------------------

# Runs fetch() in the page and reports what the *page* can see. Never throws: a network
# error (which is how a CORS failure looks to script) comes back as {error: "TypeError: ..."}.
FETCH_JS = """
async ({url, init, read, timeoutMs}) => {
  const opts = Object.assign({}, init);
  if (opts.formData) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(opts.formData)) fd.append(k, v);
    opts.body = fd;
    delete opts.formData;
  }
  if (opts.urlParams) {
    opts.body = new URLSearchParams(opts.urlParams);
    delete opts.urlParams;
  }
  if (opts.headers) opts.headers = new Headers(opts.headers);
  opts.signal = AbortSignal.timeout(timeoutMs);
  try {
    const r = await fetch(url, opts);
    const headers = {};
    r.headers.forEach((v, k) => { headers[k] = v; });
    const picked = {};
    for (const n of read) picked[n] = r.headers.get(n);
    let body = null;
    try { body = await r.text(); } catch (e) { body = null; }
    return {ok: r.ok, status: r.status, type: r.type, redirected: r.redirected, url: r.url,
            headers, read: picked, body};
  } catch (e) {
    return {error: String(e)};
  }
}
"""

# Runs FETCH_JS inside <iframe sandbox="allow-scripts" srcdoc>, whose origin is opaque, so
# the request carries `Origin: null`. The result comes back through postMessage.
SANDBOXED_FETCH_JS = """
({args, fetchSrc}) => new Promise((resolve) => {
  const id = Math.random().toString(36).slice(2);
  const frame = document.createElement("iframe");
  frame.setAttribute("sandbox", "allow-scripts");
  const onMessage = (ev) => {
    if (!ev.data || ev.data.id !== id) return;
    window.removeEventListener("message", onMessage);
    frame.remove();
    resolve(Object.assign({frame_origin: ev.data.origin}, ev.data.result));
  };
  window.addEventListener("message", onMessage);
  const payload = JSON.stringify({id, args}).replace(/</g, "\\\\u003c");
  frame.srcdoc = "<script>const m = " + payload + ";(" + fetchSrc + ")(m.args).then((result) =>"
    + " parent.postMessage({id: m.id, origin: self.origin, result}, '*'));</" + "script>";
  document.body.appendChild(frame);
})
"""

FetchResult = dict[str, Any]
Headers = Mapping[str, str] | Sequence[tuple[str, str]]
_UNSET: Any = object()


def _fetch_args(
    url: str,
    *,
    read: Iterable[str],
    json: Any,
    form_data: Mapping[str, str] | None,
    url_params: Mapping[str, str] | None,
    headers: Headers | None,
    timeout_s: float,
    init: dict[str, Any],
) -> dict[str, Any]:
    pairs: list[list[str]] = []
    if headers is not None:
        items = headers.items() if isinstance(headers, Mapping) else headers
        pairs = [[k, v] for k, v in items]
    if json is not _UNSET:
        init["body"] = jsonlib.dumps(json)
        if not any(k.lower() == "content-type" for k, _ in pairs):
            pairs.append(["Content-Type", "application/json"])
    if form_data is not None:
        init["formData"] = dict(form_data)
    if url_params is not None:
        init["urlParams"] = dict(url_params)
    if pairs:
        init["headers"] = pairs
    return {"url": url, "init": init, "read": list(read), "timeoutMs": int(timeout_s * 1000)}


def run_fetch(
    page: Any,
    url: str,
    *,
    read: Iterable[str] = (),
    json: Any = _UNSET,
    form_data: Mapping[str, str] | None = None,
    url_params: Mapping[str, str] | None = None,
    headers: Headers | None = None,
    timeout_s: float = 15.0,
    **init: Any,
) -> FetchResult:
    """Run ``fetch(url, init)`` inside ``page`` (a Playwright Page or Frame).

    ``init`` is passed to ``fetch()`` as is (``method``, ``body``, ``credentials``, ``mode``,
    ``redirect``, ``cache``, ``referrerPolicy``...). Extras: ``headers`` as a dict or a list of
    pairs (pairs allow repeated names); ``json=obj`` sends ``JSON.stringify(obj)`` with
    ``Content-Type: application/json``; ``form_data={...}`` sends a ``FormData``;
    ``url_params={...}`` a ``URLSearchParams``; ``read=[names]`` fills ``result["read"]`` with
    ``response.headers.get(name)`` for each name.

    Returns ``{ok, status, type, redirected, url, headers, read, body}``, where ``headers`` is
    every header the response exposes to script, or ``{error: "TypeError: Failed to fetch"}``
    when the browser blocks the response (CORS failure or other network error).
    """
    args = _fetch_args(
        url,
        read=read,
        json=json,
        form_data=form_data,
        url_params=url_params,
        headers=headers,
        timeout_s=timeout_s,
        init=init,
    )
    origin: str = page.evaluate("self.origin")
    return _fetch_and_replay(page, FETCH_JS, args, args, origin=origin)


def run_fetch_credentialed(page: Any, url: str, **init: Any) -> FetchResult:
    """:func:`run_fetch` with ``credentials: "include"`` (cookies sent, ACAC required)."""
    return run_fetch(page, url, credentials="include", **init)


def read_headers(page: Any, url: str, names: Iterable[str], **init: Any) -> dict[str, str | None]:
    """``{name: response.headers.get(name)}`` for each name; fails if the fetch is blocked."""
    names = list(names)
    result = run_fetch(page, url, read=names, **init)
    assert "error" not in result, f"fetch {url} was blocked: {result['error']}"
    read: dict[str, str | None] = result["read"]
    return read


def run_sandboxed_fetch(page: Any, url: str, **kwargs: Any) -> FetchResult:
    """:func:`run_fetch` from a ``sandbox="allow-scripts"`` iframe (``Origin: null``).

    The result also has ``frame_origin``: ``self.origin`` inside the frame (``"null"``).
    """
    args = _fetch_args(
        url,
        read=kwargs.pop("read", ()),
        json=kwargs.pop("json", _UNSET),
        form_data=kwargs.pop("form_data", None),
        url_params=kwargs.pop("url_params", None),
        headers=kwargs.pop("headers", None),
        timeout_s=kwargs.pop("timeout_s", 15.0),
        init=kwargs,
    )
    payload = {"args": args, "fetchSrc": FETCH_JS}
    return _fetch_and_replay(page, SANDBOXED_FETCH_JS, payload, args, origin="null")


def _fetch_and_replay(
    page: Any, script: str, payload: dict[str, Any], args: dict[str, Any], *, origin: str
) -> FetchResult:
    """Run the fetch, then check that fetchcheck reaches Chromium's verdict on it.

    Every fetch a test runs doubles as a check of ``crossorigin.core.fetchcheck``: the
    exchanges the servers logged for it are replayed through ``judge`` (see
    ``fetch_replay.py``). ``mode: "no-cors"`` fetches are not CORS fetches, so there is
    nothing to compare; those scenarios assert the opaque response themselves.
    """
    mark = next(_ARRIVALS)
    result: FetchResult = page.evaluate(script, payload)
    init = args["init"]
    if init.get("mode", "cors") != "cors" or init.get("redirect", "follow") != "follow":
        return result
    fresh = sorted((e for s in _ALL_SERVERS for e in s.logged_since(mark)), key=_by_arrival)
    history = sorted((e for s in _ALL_SERVERS for e in s.log if e.seq < mark), key=_by_arrival)
    replayed = replay(request_from_fetch_args(origin, args), fresh, history)
    assert_agrees(replayed, result, "\n".join(s.describe_log() for s in _ALL_SERVERS))
    return result


def _by_arrival(entry: SeenRequest) -> int:
    return entry.seq


def navigate(context: Any, url: str) -> dict[str, Any]:
    """Top-level navigation to ``url`` in a new tab of ``context`` (no ``Origin``, no CORS).

    Shares the context's cookies and HTTP cache. Returns ``{status, headers, body, url}``.
    """
    tab = context.new_page()
    try:
        response = tab.goto(url)
        assert response is not None, f"navigation to {url} produced no response"
        return {
            "status": response.status,
            "headers": response.headers,
            "body": response.text(),
            "url": response.url,
        }
    finally:
        tab.close()


def open_page(context: Any, server: LoopbackServer) -> Any:
    """A new tab of ``context`` showing the blank page of ``server`` (its origin is the page's)."""
    tab = context.new_page()
    tab.goto(server.page_url)
    return tab


def set_cookie(context: Any, server: LoopbackServer, name: str, value: str) -> None:
    """Store cookie ``name=value`` for ``server`` in ``context`` (note: cookies ignore ports)."""
    context.add_cookies([{"name": name, "value": value, "url": server.origin + "/"}])


def is_blocked(result: FetchResult) -> bool:
    return str(result.get("error", "")).startswith("TypeError")


def path_of(url: str) -> str:
    return urlsplit(url).path
