"""``crossorigin doctor`` where Flask, Werkzeug and Click are absent: the probe is stdlib only."""

from __future__ import annotations

import os
import subprocess
import sys

BLOCK = "import sys\nfor name in ('flask', 'werkzeug', 'click'):\n    sys.modules[name] = None\n"

PROBE_A_STDLIB_SERVER = (
    BLOCK
    + """
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
from crossorigin.doctor import main
url = f"http://127.0.0.1:{server.server_port}/data"
code = main(["doctor", url, "--origin", "http://localhost:3000"])
server.shutdown()
sys.exit(code)
"""
)


def run_without_flask(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )


def test_doctor_help_runs_without_flask() -> None:
    done = run_without_flask(
        BLOCK + "from crossorigin.doctor import main\nsys.exit(main(['--help']))\n"
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "doctor" in done.stdout


def test_doctor_probes_a_live_server_without_flask() -> None:
    done = run_without_flask(PROBE_A_STDLIB_SERVER)
    assert done.stderr == ""
    assert done.returncode == 0, done.stdout
    assert "ALLOWED" in done.stdout


def test_the_probe_imports_without_flask() -> None:
    code = BLOCK + "import crossorigin.probe, crossorigin.doctor\n"
    assert run_without_flask(code).returncode == 0
