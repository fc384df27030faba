"""Run the API and the page server together, in one process, on loopback only.

:class:`DemoServers` binds both ports first (port 0 picks a free one), then builds the
two apps with the real origins, then serves each from a thread. ``python -m demo`` and
``./scripts/demo.sh`` call :func:`main`; the tests use :class:`DemoServers` directly.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .api import create_app
from .frontend import create_frontend
from .replay import DEBUG_HEADER, REPLAY_USER_AGENT

HOST = "127.0.0.1"  # loopback only; the URLs say "localhost", as the article does
DEFAULT_API_PORT = 5000
DEFAULT_PAGE_PORT = 3000

WSGIApp = Callable[..., Iterable[bytes]]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class _Slot:
    """A WSGI app that forwards to ``app``, set once the ports are known."""

    def __init__(self) -> None:
        self.app: WSGIApp | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None, "server started before its app was set"
        return self.app(environ, start_response)


def _logged(app: WSGIApp, log: Callable[[str], None]) -> WSGIApp:
    """One console line per API request: method, path, Origin, status, X-CORS-Decision."""

    def wrapper(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        def logging_start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            decision = next((v for k, v in headers if k.lower() == DEBUG_HEADER.lower()), "-")
            who = "replay " if environ.get("HTTP_USER_AGENT") == REPLAY_USER_AGENT else "browser"
            origin = environ.get("HTTP_ORIGIN", "(no Origin)")
            target = environ.get("PATH_INFO", "")
            log(
                f"api  {who}  {environ['REQUEST_METHOD']:<7} {target:<20} "
                f"Origin: {origin}  -> {status.split(' ', 1)[0]}  [{decision}]"
            )
            return start_response(status, headers, *exc)

        return app(environ, logging_start_response)

    return wrapper


class DemoServers:
    """The API and the page server on ``http://localhost:<port>``, each in a thread."""

    def __init__(
        self,
        api_port: int = DEFAULT_API_PORT,
        page_port: int = DEFAULT_PAGE_PORT,
        *,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self._api_slot = _Slot()
        self._page_slot = _Slot()
        self._api_server = self._bind(api_port, self._api_slot, "API")
        try:
            self._page_server = self._bind(page_port, self._page_slot, "page")
        except BaseException:
            self._api_server.server_close()
            raise
        self.api_url = f"http://localhost:{self._api_server.server_port}"
        self.page_url = f"http://localhost:{self._page_server.server_port}"
        api = create_app(page_origin=self.page_url)
        self._api_slot.app = _logged(api.wsgi_app, log) if log else api.wsgi_app
        self._page_slot.app = create_frontend(self.api_url, self.page_url).wsgi_app
        self._threads: list[threading.Thread] = []

    @staticmethod
    def _bind(port: int, app: WSGIApp, name: str) -> BaseWSGIServer:
        flag = "--api-port" if name == "API" else "--page-port"
        try:
            return make_server(HOST, port, app, threaded=True, request_handler=_QuietHandler)
        except OSError as exc:
            problem = exc.strerror or str(exc)
        except SystemExit:  # werkzeug prints why (e.g. the port is in use) and exits
            problem = "see above"
        raise SystemExit(
            f"demo: cannot listen on {HOST}:{port} for the {name} ({problem}); "
            f"choose another port with {flag} N"
        )

    def start(self) -> DemoServers:
        for name, server in (("api", self._api_server), ("page", self._page_server)):
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"demo-{name}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in (self._api_server, self._page_server):
            if self._threads:
                server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> DemoServers:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number")
    return port


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="demo",
        description="The crossorigin demo: the article's Flask API and a page that shows "
        "why each cross-origin request is allowed or blocked.",
    )
    parser.add_argument(
        "--api-port",
        type=_port,
        # A string default goes through type=, so a bad DEMO_API_PORT is reported like a bad flag.
        default=os.environ.get("DEMO_API_PORT", str(DEFAULT_API_PORT)),
        help="port of the API (env DEMO_API_PORT, default %(default)s; 0 picks a free one)",
    )
    parser.add_argument(
        "--page-port",
        type=_port,
        default=os.environ.get("DEMO_PAGE_PORT", str(DEFAULT_PAGE_PORT)),
        help="port of the page (env DEMO_PAGE_PORT, default %(default)s; 0 picks a free one)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="do not log each API request and CORS refusal"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def say(line: str) -> None:
        print(line, flush=True)

    if not args.quiet:
        # crossorigin logs each refusal once, with the fix, on the "crossorigin" logger.
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("     %(name)s: %(message)s"))
        logger = logging.getLogger("crossorigin")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)

    servers = DemoServers(args.api_port, args.page_port, log=None if args.quiet else say)
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    servers.start()
    say("crossorigin demo")
    say(f"  API   {servers.api_url}   (demo/api.py, the article's Flask app)")
    say(f"  page  {servers.page_url}   (demo/frontend.py)  <- open this in a browser")
    say("Press Ctrl-C to stop.")
    try:
        while not stop.wait(0.5):
            pass
    finally:
        servers.stop()
    say("demo stopped")
    return 0
