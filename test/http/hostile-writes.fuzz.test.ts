// Property fuzz of every write route: generated hostile requests (bad bodies, bad signatures, bad
// content types, oversize bodies) are each answered with a 4xx problem+json, and afterwards
// /metrics and the REST read-outs are byte for byte what they were (the rejection counters aside).
import { Agent, request as httpRequest } from "node:http";
import { rmSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRIGGER_IDS } from "../../src/domain/trigger-defaults.js";
import { ManualClock } from "../../src/domain/clock.js";
import { sign, signedHeaders } from "../../src/domain/signature.js";
import { createExporter, type Exporter } from "../../src/exporter.js";
import { MAX_BODY_BYTES } from "../../src/http/app.js";
import { routesOf } from "../support/app-routes.js";
import { SECRET, tempDir, testConfig } from "../support/exporter.js";
import * as H from "../support/hostile.js";

const NOW = Date.UTC(2026, 0, 1, 18);
const SKEW_S = 300;
const TOKEN = "ft-webhook-token-0123456789";
const WEBHOOK = "/api/v1/sources/freqtrade/webhook";

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

let exporter: Exporter;
let clock: ManualClock;
let dataDir: string;
let base: { host: string; port: number };
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(method: string, path: string, headers: Record<string, string>, body: Buffer | string = "", keepAlive = true): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        ...base,
        method,
        path,
        headers: { ...headers, "Content-Length": String(Buffer.byteLength(body)) },
        agent: keepAlive ? agent : false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const get = (path: string) => send("GET", path, {});
const signed = (method: string, path: string, body: string) => ({
  ...signedHeaders(SECRET, method, path, body, clock.now()),
  "Content-Type": "application/json",
});

/** Everything a write could change, as the reads show it; the counters of refusals and the disk's room (shared with the machine) are left out. */
async function observable(): Promise<string> {
  const metrics = (await get("/metrics")).body
    .split("\n")
    .filter(
      (l) =>
        l.startsWith("trading_") &&
        !l.startsWith("trading_events_rejected_total") &&
        !l.startsWith("trading_source_errors_total") &&
        !l.startsWith("trading_exporter_storage_"),
    )
    .join("\n");
  const reads = await Promise.all(
    [
      "/api/v1/metrics/realtime",
      "/api/v1/health/safety",
      "/api/v1/health/status",
      "/api/v1/alerts/triggers",
      "/api/v1/alerts/history",
      "/api/v1/export/trades",
    ].map(async (p) => `${p}\n${(await get(p)).body}`),
  );
  return [metrics, ...reads].join("\n---\n");
}

function expectProblem(reply: Reply, what: string): void {
  const context = `${what} → ${reply.status} ${reply.contentType} ${reply.body.slice(0, 300)}`;
  expect(reply.status >= 400 && reply.status < 500, context).toBe(true);
  expect(reply.contentType, context).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(reply.body) as { status: number; title: string };
  expect(problem.status, context).toBe(reply.status);
  expect(typeof problem.title, context).toBe("string");
}

beforeAll(async () => {
  dataDir = tempDir("te-fuzz-");
  clock = new ManualClock(NOW);
  const config = testConfig(
    { auth: { max_clock_skew_seconds: SKEW_S }, sources: { freqtrade_webhook: [{ bot: "ft", token: TOKEN }] } },
    dataDir,
  );
  exporter = await createExporter(config, { clock });
  base = await exporter.listen(0, "127.0.0.1");
  // Some state for the requests to (fail to) disturb: two bots with trades, equity and safety.
  const seed = JSON.stringify([
    { type: "equity", bot: "a", equity: 1000, id: "e1" },
    { type: "trade", bot: "a", id: "t1", pnl: 12.5, symbol: "BTC/USDT" },
    { type: "trade", bot: "a", id: "t2", pnl: -3 },
    { type: "trade", bot: "b", id: "t1", pnl: 1 },
    { type: "circuit_breaker", bot: "b", open: true },
    { type: "circuit_breaker", bot: "b", open: false },
  ]);
  expect((await send("POST", "/api/v1/events", signed("POST", "/api/v1/events", seed), seed)).status).toBe(200);
});

afterAll(async () => {
  agent.destroy();
  await exporter.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type SigMode = "valid" | "missing" | "no-timestamp" | "malformed" | "other-secret" | "stale" | "future" | "replayed";
const sigModes = fc.constantFrom<SigMode>(
  "valid",
  "valid",
  "valid",
  "valid",
  "missing",
  "no-timestamp",
  "malformed",
  "other-secret",
  "stale",
  "future",
  "replayed",
);
const contentTypes = fc.constantFrom(
  "application/json",
  "application/json",
  "application/json",
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
  "application/xml",
);

/** The last validly signed request, resent byte for byte by the "replayed" mode. */
let lastSigned: { method: string; path: string; headers: Record<string, string>; body: string } | undefined;

function headersFor(mode: SigMode, method: string, path: string, body: string, contentType: string): Record<string, string> {
  const ts = Math.floor(clock.now() / 1000);
  const ct: Record<string, string> = contentType ? { "Content-Type": contentType } : {};
  const at = (t: number, secret = SECRET) => ({
    "X-Timestamp": String(t),
    "X-Signature": sign(secret, String(t), method, path, body),
    ...ct,
  });
  switch (mode) {
    case "valid":
    case "replayed":
      return at(ts);
    case "missing":
      return ct;
    case "no-timestamp":
      return { "X-Signature": at(ts)["X-Signature"], ...ct };
    case "malformed":
      return { "X-Timestamp": String(ts), "X-Signature": "sha256=" + "zz".repeat(32), ...ct };
    case "other-secret":
      return at(ts, "another-secret-0123456789abcdef");
    case "stale":
      return at(ts - SKEW_S - 1);
    case "future":
      return at(ts + SKEW_S + 1);
  }
}

/** A signed route: `path` and the hostile bodies it gets; with a failing signature the body may be valid. */
const signedRoutes = [
  { method: "POST", path: fc.constant("/api/v1/events"), body: H.hostileEventsBody, valid: fc.constantFrom(...H.VALID_EVENTS) },
  { method: "POST", path: fc.constant("/api/v1/trades"), body: H.hostileEventsBody, valid: fc.constant({ bot: "a", id: "t-new", pnl: 1 }) },
  // The two test-message routes share one entry (and its share of the runs): each is refused the other's bodies too.
  {
    method: "POST",
    path: fc.constantFrom("/api/v1/alerts/test", "/api/v1/digests/test"),
    body: fc.oneof(H.hostileAlertBody, H.hostileDigestBody),
    valid: fc.constant({}),
  },
  {
    method: "POST",
    path: fc.string({ minLength: 1, maxLength: 40 }).map((id) => `/api/v1/alerts/${encodeURIComponent(id)}/ack`),
    body: fc.oneof(H.hostileAlertBody, fc.constant({ by: "me" })),
    valid: fc.constant({ by: "me" }),
  },
  {
    method: "PUT",
    path: fc
      .oneof(fc.constantFrom(...TRIGGER_IDS), fc.string({ minLength: 1, maxLength: 30 }))
      .map((t) => `/api/v1/alerts/triggers/${encodeURIComponent(t)}`),
    body: H.hostileTriggerBody,
    valid: fc.constant({ enabled: false }),
  },
];

const signedRequest = fc.oneof(
  ...signedRoutes.map((r) =>
    fc.record({
      method: fc.constant(r.method),
      path: r.path,
      mode: sigModes,
      hostile: r.body,
      valid: r.valid as fc.Arbitrary<H.Hostile>,
      contentType: contentTypes,
      damage: H.textDamage,
      at: fc.nat(),
    }),
  ),
);

const webhookRequest = fc.record({
  query: fc.constantFrom(
    `bot=ft&token=${TOKEN}`,
    `bot=ft&token=${TOKEN}`,
    `bot=ft&token=${TOKEN}`,
    "bot=ft&token=wrong-token-0123456789",
    "bot=ft",
    "bot=nobody&token=" + TOKEN,
    "",
    `token=${TOKEN}`,
    `bot=ft&token=${TOKEN}&token=x`,
  ),
  body: H.hostileWebhookBody,
  form: fc.boolean(),
  contentType: fc.constantFrom("application/json", "application/json", "text/plain", "", "application/xml"),
  damage: H.textDamage,
  at: fc.nat(),
});

let sent = 0;
/** Replies by status: the validly signed requests must get past the signature to the body checks. */
const statuses = new Map<number, number>();

describe("hostile writes", () => {
  let before: string;
  beforeAll(async () => {
    before = await observable();
  });

  it("lists every write route of the app among the fuzzed ones", () => {
    const writes = routesOf(exporter.app).filter((r) => /^(POST|PUT|DELETE|PATCH) /.test(r));
    expect(writes.sort()).toEqual(
      [
        "POST /api/v1/events",
        "POST /api/v1/trades",
        "POST /api/v1/alerts/test",
        "POST /api/v1/digests/test",
        "POST /api/v1/alerts/{id}/ack",
        "PUT /api/v1/alerts/triggers/{trigger}",
        `POST ${WEBHOOK}`,
      ].sort(),
    );
  });

  it("answers every signed hostile write with a 4xx problem", async () => {
    await fc.assert(
      fc.asyncProperty(signedRequest, async (r) => {
        // A request whose signature must fail may carry a valid body; a validly signed one never does.
        const replay = r.mode === "replayed" ? lastSigned : undefined;
        const signatureFails = r.mode !== "valid" && (r.mode !== "replayed" || replay !== undefined);
        const text = H.damage(H.serialize(signatureFails ? r.valid : r.hostile), signatureFails ? "none" : r.damage, r.at);
        let req = {
          method: r.method,
          path: r.path,
          headers: headersFor(r.mode, r.method, r.path, text, signatureFails ? "application/json" : r.contentType),
          body: text,
        };
        if (replay) req = replay;
        else if (!signatureFails) lastSigned = req;
        const reply = await send(req.method, req.path, req.headers, req.body);
        sent++;
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        expectProblem(
          reply,
          `${r.mode} ${req.method} ${req.path} ${JSON.stringify(req.headers["Content-Type"])} ${req.body.slice(0, 200)}`,
        );
      }),
      { numRuns: 8_000 },
    );
    for (const status of [400, 401, 404, 415, 422]) expect(statuses.get(status) ?? 0, `replies with ${status}`).toBeGreaterThan(100);
  }, 120_000);

  it("answers every hostile Freqtrade webhook post with a 4xx problem", async () => {
    await fc.assert(
      fc.asyncProperty(webhookRequest, async (r) => {
        const text =
          r.form && r.body !== null && typeof r.body === "object" && !Array.isArray(r.body)
            ? new URLSearchParams(Object.entries(r.body).map(([k, v]) => [k, H.serialize(v)])).toString()
            : H.damage(H.serialize(r.body), r.damage, r.at);
        const contentType = r.form ? "application/x-www-form-urlencoded" : r.contentType;
        const reply = await send("POST", `${WEBHOOK}?${r.query}`, contentType ? { "Content-Type": contentType } : {}, text);
        sent++;
        expectProblem(reply, `webhook ${r.query} ${contentType} ${text.slice(0, 200)}`);
      }),
      { numRuns: 2_000 },
    );
  }, 60_000);

  it("refuses bodies over the limit on every route, before or while reading them", async () => {
    const big = "x".repeat(MAX_BODY_BYTES + 1);
    for (const path of ["/api/v1/events", "/api/v1/trades", "/api/v1/alerts/test", "/api/v1/digests/test", "/api/v1/alerts/1/ack"]) {
      expectProblem(await send("POST", path, signed("POST", path, big), big, false), `oversize ${path}`);
      sent++;
    }
    const put = "/api/v1/alerts/triggers/" + TRIGGER_IDS[0];
    expectProblem(await send("PUT", put, signed("PUT", put, big), big, false), "oversize PUT");
    const hook = `${WEBHOOK}?bot=ft&token=${TOKEN}`;
    expectProblem(
      await send("POST", hook, { "Content-Type": "application/json" }, "[" + " ".repeat(2 * 1024 * 1024) + "]", false),
      "oversize webhook",
    );
    sent += 2;
  });

  it("changed nothing a read shows, after more than 10,000 hostile requests", async () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(await observable()).toBe(before);
  });
});
