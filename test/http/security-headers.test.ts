// §16 headers, table-driven over every route of the real app (the list the OpenAPI route test
// enumerates), plus the static files and a 404: nosniff and no-referrer on every reply, a CSP with
// frame-ancestors 'none' and no inline script on HTML, CORS only for `http.cors_origins`.
import { rmSync } from "node:fs";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { signedHeaders } from "../../src/domain/signature.js";
import { createExporter, type Exporter } from "../../src/exporter.js";
import { WEB_DIR } from "../browser/live-app.js";
import { routesOf } from "../support/app-routes.js";
import { SECRET, tempDir, testConfig } from "../support/exporter.js";

const ALLOWED = "https://grafana.example";
const FOREIGN = "https://evil.example";
const clock = new ManualClock(Date.UTC(2026, 0, 1, 18));
const dirs: string[] = [];
let dashboard: Exporter;
let plain: Exporter;

async function exporterWith(partial: Record<string, unknown>, webDir?: string): Promise<Exporter> {
  const dir = tempDir("headers-");
  dirs.push(dir);
  return createExporter(testConfig(partial, dir), { clock, webDir });
}

beforeAll(async () => {
  dashboard = await exporterWith({ http: { cors_origins: [ALLOWED] } }, WEB_DIR);
  plain = await exporterWith({});
});
afterAll(async () => {
  await Promise.all([dashboard?.close(), plain?.close()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A concrete path for a route template. */
const concrete = (path: string) => path.replace("{id}", "no-such-alert").replace("{trigger}", "daily_drawdown");

function send(app: Exporter["app"], method: string, path: string, origin: string, signed: boolean): request.Test {
  const agent = request(app);
  const m = method.toLowerCase() as "get" | "post" | "put" | "delete";
  const t = agent[m](path).set("Origin", origin);
  if (method === "GET") return t;
  const body = "{}";
  if (signed) t.set(signedHeaders(SECRET, method, path, body, clock.now()));
  return t.set("Content-Type", "application/json").send(body);
}

function expectSecurityHeaders(res: request.Response, what: string): void {
  expect(res.headers["x-content-type-options"], what).toBe("nosniff");
  expect(res.headers["referrer-policy"], what).toBe("no-referrer");
  if (/text\/html/.test(res.headers["content-type"] ?? "")) {
    const csp = res.headers["content-security-policy"] ?? "";
    expect(csp, what).toContain("frame-ancestors 'none'");
    expect(csp, what).toMatch(/(^|;)script-src 'self'(;|$)/);
    expect(csp, what).not.toContain("unsafe-inline");
    expect(csp, what).not.toContain("unsafe-eval");
  }
}

describe("security headers on every route (§16)", () => {
  it("the table covers the app's routes, including the dashboard, writes and parameterised paths", () => {
    const routes = routesOf(dashboard.app);
    expect(routes).toEqual(
      expect.arrayContaining(["GET /", "GET /metrics", "POST /api/v1/events", "PUT /api/v1/alerts/triggers/{trigger}"]),
    );
    expect(routes.length).toBeGreaterThan(10);
  });

  it("every route, signed and unsigned, from a foreign origin: nosniff, no-referrer, CSP on HTML, no CORS", async () => {
    const extra = ["GET /app.js", "GET /style.css", "GET /favicon.svg", "GET /index.html", "GET /no-such-route", "DELETE /api/v1/events"];
    let checked = 0;
    for (const route of [...routesOf(dashboard.app), ...extra]) {
      const [method, template] = route.split(" ") as [string, string];
      for (const signed of method === "GET" ? [false] : [false, true]) {
        const res = await send(dashboard.app, method, concrete(template), FOREIGN, signed);
        const what = `${route}${signed ? " (signed)" : ""} → ${res.status}`;
        expectSecurityHeaders(res, what);
        expect(res.headers["access-control-allow-origin"], what).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("the landing page of an exporter without the dashboard has the same headers", async () => {
    const res = await request(plain.app).get("/");
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expectSecurityHeaders(res, "landing page");
    expect(res.text).not.toMatch(/<script/i);
  });

  it("the dashboard's HTML has no inline script and no inline event handler (its CSP would block them)", async () => {
    const res = await request(dashboard.app).get("/");
    const scripts = [...res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, content] of scripts) {
      expect(attrs).toMatch(/\bsrc="[^"]+"/);
      expect(content!.trim()).toBe("");
    }
    expect(res.text).not.toMatch(/\son[a-z]+\s*=/i);
    expect(res.text).not.toMatch(/\sstyle\s*=/i);
  });
});

describe("CORS only for http.cors_origins (§16)", () => {
  it("answers a listed origin's requests and preflights, and varies by Origin", async () => {
    for (const route of routesOf(dashboard.app).filter((r) => r.startsWith("GET /api/") || r === "GET /metrics")) {
      const res = await send(dashboard.app, "GET", concrete(route.slice(4)), ALLOWED, false);
      expect(res.headers["access-control-allow-origin"], route).toBe(ALLOWED);
      expect(res.headers.vary, route).toMatch(/Origin/);
    }
    const pre = await request(dashboard.app)
      .options("/api/v1/events")
      .set("Origin", ALLOWED)
      .set("Access-Control-Request-Method", "POST")
      .set("Access-Control-Request-Headers", "x-signature, x-timestamp, content-type");
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-origin"]).toBe(ALLOWED);
    expect(pre.headers["access-control-allow-headers"]).toMatch(/X-Signature/);
    expect(pre.headers["access-control-allow-methods"]).toMatch(/POST/);
    expectSecurityHeaders(pre, "preflight");
  });

  it("gives a foreign origin's preflight no CORS header, and an exporter without cors_origins none at all", async () => {
    const pre = await request(dashboard.app).options("/api/v1/events").set("Origin", FOREIGN).set("Access-Control-Request-Method", "POST");
    expect(pre.headers["access-control-allow-origin"]).toBeUndefined();
    expect(pre.headers["access-control-allow-methods"]).toBeUndefined();
    const res = await request(plain.app).get("/api/v1/metrics/realtime").set("Origin", ALLOWED);
    expect(res.status).toBe(200);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    expect(res.headers.vary ?? "").not.toMatch(/Origin/);
  });
});
