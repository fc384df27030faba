// The crossorigin demo page: run each case with fetch(), then ask the page server to
// replay it (POST /explain) and show crossorigin's reason code and verdict.
"use strict";

const FETCH_TIMEOUT_MS = 10000;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// What the page itself gets from fetch(): a response, or the TypeError a CORS failure is.
async function browserFetch(api, spec) {
  const init = {
    method: spec.method,
    headers: spec.headers,
    credentials: spec.credentials,
    cache: "no-store",
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  };
  if (spec.body !== null) init.body = spec.body;
  try {
    const response = await fetch(api + spec.path, init);
    const text = await response.text();
    return { outcome: "allowed", status: response.status, body: text };
  } catch (error) {
    if (error && error.name === "TimeoutError") {
      return { outcome: "error", error: "no answer within " + FETCH_TIMEOUT_MS / 1000 + " s" };
    }
    return { outcome: "blocked", error: String(error) };
  }
}

async function explain(spec) {
  const response = await fetch("/explain", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      method: spec.method,
      path: spec.path,
      headers: spec.headers,
      body: spec.body,
      credentials: spec.credentials,
    }),
  });
  const report = await response.json();
  if (!response.ok) throw new Error(report.error || "HTTP " + response.status);
  return report;
}

function requestCell(spec) {
  const chips = [];
  for (const [name, value] of spec.headers) chips.push(el("span", { className: "chip" }, name + ": " + value));
  if (spec.credentials !== "same-origin") chips.push(el("span", { className: "chip" }, "credentials: " + spec.credentials));
  for (const tag of spec.tags) {
    chips.push(el("span", { className: "chip tag" + (tag.startsWith("refused") ? " refused" : "") }, tag));
  }
  return el("div", { className: "request" },
    el("h2", {}, spec.title),
    el("code", { className: "request-line" }, spec.method + " " + spec.path),
    chips.length ? el("div", { className: "chips" }, chips) : null,
    el("p", { className: "note" }, spec.note),
    el("p", { className: "source" }, "Article: " + spec.source));
}

function pendingRow(spec) {
  return el("article", { className: "case", id: "case-" + spec.id, "data-case": spec.id, "data-state": "pending" },
    requestCell(spec),
    el("div", { className: "outcome" }, el("span", { className: "pill pending" }, "running…")),
    el("div", { className: "why" }));
}

// The response body on one short line (compact JSON when it is JSON).
function preview(text) {
  let shown = text;
  try { shown = JSON.stringify(JSON.parse(text)); } catch (error) { shown = text.trim(); }
  return shown.length > 64 ? shown.slice(0, 63) + "…" : shown;
}

function outcomeCell(result, report) {
  const cell = el("div", { className: "outcome" });
  const label = result.outcome === "error" ? "error" : result.outcome;
  cell.append(el("span", { className: "pill " + (result.outcome === "allowed" ? "allowed" : "blocked"), "data-role": "browser" }, label));
  if (result.outcome === "allowed") {
    cell.append(el("div", { className: "status", "data-role": "status" }, "status " + result.status));
    cell.append(el("code", { className: "body", "data-role": "body", title: result.body }, preview(result.body)));
  } else {
    cell.append(el("div", { className: "status", "data-role": "status" }, "status hidden from the page"));
    cell.append(el("div", { className: "error" }, result.error));
  }
  if (report) {
    const steps = el("ul", { className: "steps" });
    if (report.preflight) steps.append(el("li", {}, "preflight OPTIONS → " + report.preflight.status));
    if (report.actual) steps.append(el("li", {}, report.actual.method + " → " + report.actual.status));
    else steps.append(el("li", {}, report.request.method + " never sent"));
    cell.append(steps);
  }
  return cell;
}

function whyCell(result, report) {
  const cell = el("div", { className: "why" });
  if (!report) return cell;
  const reason = report.reason || "(no X-CORS-Decision header)";
  cell.append(el("div", { className: "reason" },
    el("span", { className: "label" }, "X-CORS-Decision"),
    el("code", { className: "reason-code " + (reason === "allowed" ? "allowed" : "refused"), "data-role": "reason" },
      report.decision || reason)));
  if (report.server_explanation) {
    // In debug mode a refused preflight's body is crossorigin's own sentence, with the fix.
    cell.append(el("p", { className: "server-says" },
      el("span", { className: "label" }, "API says "), report.server_explanation));
  }
  const verdict = report.verdict;
  if (verdict.allowed) {
    cell.append(el("p", { className: "verdict-line", "data-role": "verdict" },
      el("span", { className: "label" }, "fetchcheck "),
      "allowed: the page may read this " + report.status + " response."));
  } else {
    const list = el("ul", { className: "verdict" });
    for (const failure of verdict.failures) {
      list.append(el("li", { "data-code": failure.code }, failure.message, " ",
        el("span", { className: "code" }, "[" + failure.code + "]")));
    }
    const intro = reason === "allowed"
      ? "blocked, although the API's decision was “allowed”:"
      : "blocked:";
    cell.append(el("div", { "data-role": "verdict" },
      el("p", { className: "verdict-line" }, el("span", { className: "label" }, "fetchcheck "), intro),
      list));
  }
  for (const warning of verdict.warnings) {
    cell.append(el("p", { className: "agree" }, "warning: " + warning.message));
  }
  const browserAllowed = result.outcome === "allowed";
  const agree = browserAllowed === verdict.allowed;
  cell.append(el("p", { className: "agree" + (agree ? "" : " mismatch"), "data-role": "agree" },
    agree ? "✓ fetchcheck predicts what the browser did"
          : "✗ fetchcheck says " + (verdict.allowed ? "allowed" : "blocked") + ", the browser " + (browserAllowed ? "allowed it" : "blocked it")));
  return cell;
}

async function runCase(config, spec) {
  const row = document.getElementById("case-" + spec.id);
  const result = await browserFetch(config.api, spec);
  let report = null;
  let failure = null;
  try {
    report = await explain(spec);
  } catch (error) {
    failure = String(error);
  }
  row.dataset.browser = result.outcome;
  if (result.outcome === "allowed") row.dataset.status = String(result.status);
  if (report) {
    row.dataset.reason = report.reason || "";
    row.dataset.decision = report.decision || "";
    row.dataset.verdict = report.verdict.allowed ? "allowed" : "blocked";
    row.dataset.agree = String((result.outcome === "allowed") === report.verdict.allowed);
  }
  const why = whyCell(result, report);
  if (failure) why.append(el("p", { className: "error" }, "could not explain: " + failure));
  row.replaceChildren(requestCell(spec), outcomeCell(result, report), why);
  row.dataset.state = "done";
  return { result, report };
}

async function runAll(config) {
  const rerun = document.getElementById("rerun");
  const summary = document.getElementById("summary");
  rerun.disabled = true;
  document.body.dataset.state = "running";
  summary.textContent = "Running…";
  const list = document.getElementById("cases");
  list.replaceChildren(...config.cases.map(pendingRow));
  let allowed = 0, blocked = 0, mismatches = 0;
  for (const spec of config.cases) {
    const { result, report } = await runCase(config, spec);
    if (result.outcome === "allowed") allowed += 1; else blocked += 1;
    if (!report || (result.outcome === "allowed") !== report.verdict.allowed) mismatches += 1;
  }
  summary.textContent = allowed + " allowed, " + blocked + " blocked by the browser; " +
    (mismatches ? mismatches + " not as fetchcheck predicts" : "every one as crossorigin’s fetchcheck predicts");
  document.body.dataset.state = "done";
  rerun.disabled = false;
}

async function main() {
  const config = await (await fetch("/cases.json", { cache: "no-store" })).json();
  document.getElementById("page-origin").textContent = self.origin;
  document.getElementById("api-url").textContent = config.api;
  if (self.origin !== config.page_origin) {
    const warning = document.getElementById("origin-warning");
    warning.textContent = "This page is open at " + self.origin + ", but the API allows " +
      config.page_origin + ": open " + config.page_origin + "/ instead, or every request will be refused.";
    warning.hidden = false;
  }
  // A cookie for the credentialed requests (cookies ignore ports, so the API gets it too).
  document.cookie = "demo_session=hello-from-the-page; path=/; SameSite=Lax";
  document.getElementById("rerun").addEventListener("click", () => runAll(config));
  await runAll(config);
}

main().catch((error) => {
  document.getElementById("summary").textContent = "The demo could not start: " + error;
  document.body.dataset.state = "error";
});
