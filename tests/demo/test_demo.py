"""The demo (``./scripts/demo.sh``): its API, its ``/explain`` replay and its page.

Without a browser, every case is replayed through ``POST /explain`` and the reason code
(crossorigin's ``X-CORS-Decision``) and the verdict (``fetchcheck.judge``) are checked.
With headless Chromium, the page runs every case with ``fetch()`` and what it shows is
checked against what the browser really did; the test also takes a screenshot
(saved as ``docs/demo.png`` with ``UPDATE_SCREENSHOT=1``).
The servers always run on free ports, never 5000 and 3000.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from demo.cases import BY_ID, CASES
from demo.server import HOST, DemoServers

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "demo.png"


@dataclass(frozen=True)
class Expected:
    browser: str  # "allowed" or "blocked"
    decision: str  # the X-CORS-Decision that settled it
    status: int  # the status of the deciding response
    preflight: bool  # whether a preflight went out
    failures: frozenset[str] = frozenset()  # fetchcheck failure codes that must be present


ALLOWED = "allowed"
BLOCKED = "blocked"

EXPECTED: dict[str, Expected] = {
    "public-data": Expected(ALLOWED, "actual; allowed", 200, False),
    "secure-data": Expected(ALLOWED, "actual; allowed", 200, False),
    "public-info": Expected(ALLOWED, "actual; allowed", 200, False),
    "user-profile": Expected(ALLOWED, "actual; allowed", 200, False),
    "submit-form": Expected(ALLOWED, "actual; allowed", 201, True),
    "blueprint-users": Expected(ALLOWED, "actual; allowed", 200, False),
    "production-only": Expected(
        BLOCKED, "actual; origin-not-allowed", 200, False, frozenset({"acao-missing"})
    ),
    # The demo API runs in debug mode: a method or header refusal is a 2xx carrying the
    # checks that passed, so the browser (and fetchcheck) fail on the one at fault.
    "header-refused": Expected(
        BLOCKED, "preflight; header-not-allowed", 200, True, frozenset({"header-not-allowed"})
    ),
    "delete-refused": Expected(
        BLOCKED, "preflight; method-not-allowed", 200, True, frozenset({"method-not-allowed"})
    ),
    "credentials-wildcard": Expected(
        BLOCKED,
        "actual; allowed",
        200,
        False,
        frozenset({"acao-wildcard-with-credentials", "acac-missing"}),
    ),
}


def test_every_case_has_an_expectation_and_some_are_refused() -> None:
    assert set(EXPECTED) == {case.id for case in CASES}
    refused = [case_id for case_id, exp in EXPECTED.items() if exp.browser == BLOCKED]
    assert len(refused) >= 2


# -- helpers ------------------------------------------------------------------------------


def http(
    url: str, data: Any = None, method: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def explain(demo: DemoServers, spec: dict[str, Any]) -> dict[str, Any]:
    status, _, body = http(demo.page_url + "/explain", spec)
    assert status == 200, body
    report: dict[str, Any] = json.loads(body)
    return report


def header(exchange: dict[str, Any], name: str) -> list[str]:
    return [v for k, v in exchange["headers"] if k.lower() == name.lower()]


# -- the servers ----------------------------------------------------------------------------


def test_servers_listen_on_loopback_free_ports(demo: DemoServers) -> None:
    for url in (demo.api_url, demo.page_url):
        assert url.startswith("http://localhost:")
        assert not url.endswith((":5000", ":3000"))
    assert HOST == "127.0.0.1"
    status, headers, body = http(demo.page_url + "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert b"/static/app.js" in body


def test_cases_json_gives_the_page_the_api_and_the_cases(demo: DemoServers) -> None:
    status, _, body = http(demo.page_url + "/cases.json")
    config = json.loads(body)

    assert status == 200
    assert config["api"] == demo.api_url
    assert config["page_origin"] == demo.page_url
    assert [case["id"] for case in config["cases"]] == [case.id for case in CASES]


def test_api_allows_the_page_origin_where_the_article_allows_localhost_3000(
    demo: DemoServers,
) -> None:
    origin = {"Origin": demo.page_url}
    _, headers, _ = http(demo.api_url + "/api/secure-data", headers=origin)
    assert headers["Access-Control-Allow-Origin"] == demo.page_url
    assert headers["X-CORS-Decision"] == "actual; allowed"

    _, headers, _ = http(
        demo.api_url + "/api/secure-data", headers={"Origin": "https://evil-hacker-site.com"}
    )
    assert "Access-Control-Allow-Origin" not in headers
    assert headers["X-CORS-Decision"] == "actual; origin-not-allowed"

    _, headers, _ = http(demo.api_url + "/api/data", headers={"Origin": "https://any.example"})
    assert headers["Access-Control-Allow-Origin"] == "*"

    _, headers, _ = http(demo.api_url + "/api/v1/users", headers=origin)
    assert headers["Access-Control-Allow-Origin"] == demo.page_url


# -- (a) /explain, without a browser ---------------------------------------------------------


@pytest.mark.parametrize("case_id", list(EXPECTED))
def test_explain_gives_the_reason_code_and_the_verdict(demo: DemoServers, case_id: str) -> None:
    case, expected = BY_ID[case_id], EXPECTED[case_id]

    report = explain(demo, case.to_dict())

    assert report["allowed"] is (expected.browser == ALLOWED)
    assert report["verdict"]["allowed"] is report["allowed"]
    assert report["decision"] == expected.decision
    assert report["reason"] == expected.decision.split("; ")[1]
    assert report["status"] == expected.status
    assert (report["preflight"] is not None) is expected.preflight
    assert report["request"]["origin"] == demo.page_url
    codes = {failure["code"] for failure in report["verdict"]["failures"]}
    assert expected.failures <= codes
    if expected.browser == ALLOWED:
        assert codes == set()
        assert report["actual"]["status"] == expected.status
    else:
        assert all(failure["message"] for failure in report["verdict"]["failures"])


def test_explain_sends_the_preflight_the_browser_sends(demo: DemoServers) -> None:
    report = explain(demo, BY_ID["submit-form"].to_dict())

    preflight = report["preflight"]
    assert preflight["method"] == "OPTIONS"
    assert dict(map(tuple, preflight["request_headers"])) == {
        "Origin": demo.page_url,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
    }
    assert preflight["decision"] == "preflight; allowed"
    assert header(preflight, "Access-Control-Allow-Headers") == ["authorization, content-type"]
    assert json.loads(report["actual"]["body"]) == {
        "received": True,
        "data": {"name": "Ada", "newsletter": True},
    }


@pytest.mark.parametrize(
    ("case_id", "sentence"),
    [
        ("header-refused", "request header(s) 'x-api-key' not allowed for '/api/submit-form'"),
        ("delete-refused", "method 'DELETE' is not allowed for '/api/submit-form'"),
    ],
)
def test_refused_preflight_carries_crossorigins_explanation(
    demo: DemoServers, case_id: str, sentence: str
) -> None:
    report = explain(demo, BY_ID[case_id].to_dict())

    assert report["actual"] is None  # the browser never sends the request
    assert report["server_explanation"].startswith(sentence)


def test_explain_echoes_or_stars_as_configured(demo: DemoServers) -> None:
    public = explain(demo, BY_ID["public-data"].to_dict())["actual"]
    assert header(public, "Access-Control-Allow-Origin") == ["*"]
    profile = explain(demo, BY_ID["user-profile"].to_dict())["actual"]
    assert header(profile, "Access-Control-Allow-Origin") == [demo.page_url]
    assert header(profile, "Access-Control-Allow-Credentials") == ["true"]


@pytest.mark.parametrize(
    "spec",
    [
        {"method": "GET", "path": "http://evil.example/"},
        {"method": "GET", "path": "//evil.example/"},
        {"method": "GET X", "path": "/api/data"},
        {"method": "GET", "path": "/api/data", "headers": [["X-A", "1\r\nX-B: 2"]]},
        {"method": "GET", "path": "/api/data", "credentials": "always"},
        ["not", "an", "object"],
    ],
    ids=[
        "absolute-url",
        "scheme-relative",
        "bad-method",
        "header-injection",
        "credentials",
        "list",
    ],
)
def test_explain_refuses_requests_the_page_could_not_make(demo: DemoServers, spec: Any) -> None:
    status, _, body = http(demo.page_url + "/explain", spec)

    assert status == 400
    assert json.loads(body)["error"]


# -- the command ------------------------------------------------------------------------------


def test_demo_script_starts_both_servers_and_stops_on_ctrl_c() -> None:
    env = {**os.environ, "DEMO_API_PORT": "0", "DEMO_PAGE_PORT": "0", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [str(ROOT / "scripts" / "demo.sh")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Ctrl-C" in line:
                break
        output = "".join(lines)
        urls = {
            words[0]: words[1]
            for words in (line.split() for line in lines)
            if len(words) > 1 and words[0] in ("API", "page")
        }
        assert set(urls) == {"API", "page"}, output
        assert http(urls["page"] + "/cases.json")[0] == 200
        assert http(urls["API"] + "/")[0] == 200
        # A browser-like request shows up in the console log with crossorigin's decision.
        http(urls["API"] + "/api/billing", headers={"Origin": urls["page"]})

        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, output + rest
    assert "[actual; origin-not-allowed]" in rest
    assert "crossorigin: CORS origin-not-allowed" in rest
    assert rest.rstrip().endswith("demo stopped")
    for url in urls.values():
        with pytest.raises(OSError):
            urllib.request.urlopen(url + "/", timeout=2)


def test_demo_refuses_a_port_in_use(demo: DemoServers) -> None:
    busy = int(demo.api_url.rsplit(":", 1)[1])
    result = subprocess.run(
        [sys.executable, "-m", "demo", "--api-port", str(busy), "--page-port", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "--api-port" in result.stderr


# -- (b) the page, in headless Chromium -------------------------------------------------------


@pytest.mark.browser
def test_page_shows_what_the_browser_did_and_why(
    demo: DemoServers, demo_browser: Any, tmp_path: Path
) -> None:
    # The README's screenshot is refreshed on request, so test runs leave the tree clean.
    shot = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOT") else tmp_path / "demo.png"

    def check_page(browser: Any) -> None:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.goto(demo.page_url + "/")
            page.wait_for_selector("body[data-state='done']", timeout=60_000)
            check_what_the_page_shows(page)
            page.screenshot(path=str(shot), full_page=True)
        finally:
            context.close()

    demo_browser.run(check_page)
    assert shot.stat().st_size > 10_000


def check_what_the_page_shows(page: Any) -> None:
    assert page.locator("#origin-warning").is_hidden()
    summary = page.locator("#summary").inner_text()
    allowed = sum(exp.browser == ALLOWED for exp in EXPECTED.values())
    assert summary.startswith(f"{allowed} allowed, {len(EXPECTED) - allowed} blocked")
    assert "every one as crossorigin" in summary

    for case_id, expected in EXPECTED.items():
        row = page.locator(f"article[data-case='{case_id}']")
        shown = row.evaluate("node => Object.assign({}, node.dataset)")
        assert shown["state"] == "done", case_id
        # What the browser really did, and that the page says so.
        assert shown["browser"] == expected.browser, (case_id, row.inner_text())
        assert row.locator("[data-role='browser']").inner_text().lower() == expected.browser
        # crossorigin's reason code, shown on the row.
        assert shown["decision"] == expected.decision, case_id
        assert row.locator("[data-role='reason']").inner_text() == expected.decision
        # fetchcheck's verdict agrees with the browser.
        assert shown["verdict"] == expected.browser, case_id
        assert shown["agree"] == "true", case_id
        status = row.locator("[data-role='status']").inner_text()
        verdict = row.locator("[data-role='verdict']")
        if expected.browser == ALLOWED:
            assert shown["status"] == str(expected.status), case_id
            assert status == f"status {expected.status}"
            assert verdict.inner_text().startswith("fetchcheck allowed")
        else:
            assert status == "status hidden from the page"
            codes = set(verdict.locator("li").evaluate_all("els => els.map(e => e.dataset.code)"))
            assert expected.failures <= codes, (case_id, codes)
            assert verdict.inner_text().startswith("fetchcheck blocked")
            assert "the server must" in verdict.inner_text()

    # The credentialed request really carried the page's cookie.
    profile = page.locator("article[data-case='user-profile'] [data-role='body']")
    assert '"cookie_received":true' in profile.get_attribute("title").replace(" ", "")
