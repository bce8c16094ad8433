// Every route of the real app is documented, and every documented operation exists in the app.
// The app is the one createExporter builds (routers mounted by src/exporter.ts), enumerated from
// express 5's router stack.
import express, { Router } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/openapi/document.js";
import { startHarness, type Harness } from "../support/exporter.js";
import { appRoutes, type Layer } from "../support/app-routes.js";
import { HTTP_METHODS } from "./oas31.js";

function documentedRoutes(): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(openApiDocument().paths as Record<string, Record<string, unknown>>)) {
    for (const m of HTTP_METHODS) if (item[m]) out.push(`${m.toUpperCase()} ${path}`);
  }
  return out.sort();
}

describe("appRoutes (the enumeration)", () => {
  it("lists routes of the app, of nested routers with their mount path, and the static dashboard as GET /", () => {
    const app = express();
    app.get("/healthz", () => {});
    const inner = Router();
    inner.post("/things/:id/ack", () => {});
    inner
      .route("/things")
      .get(() => {})
      .put(() => {});
    app.use("/api", inner);
    app.use(Router().delete("/x", () => {}));
    app.use((_req, _res, next) => next()); // plain middleware: no route
    app.use(express.static(import.meta.dirname));
    expect(appRoutes((app as unknown as { router: { stack: Layer[] } }).router.stack)).toEqual([
      "DELETE /x",
      "GET /",
      "GET /api/things",
      "GET /healthz",
      "POST /api/things/{id}/ack",
      "PUT /api/things",
    ]);
  });
});

describe("the OpenAPI document and the app's routes", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("finds the app's routes (the enumeration itself works)", () => {
    const routes = appRoutes((h.exporter.app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(routes).toEqual(expect.arrayContaining(["GET /healthz", "POST /api/v1/events", "POST /api/v1/alerts/{id}/ack", "GET /"]));
  });

  it("documents every route of the app", () => {
    const app = appRoutes((h.exporter.app as unknown as { router: { stack: Layer[] } }).router.stack);
    const documented = new Set(documentedRoutes());
    expect(
      app.filter((r) => !documented.has(r)),
      "routes in the app but not in the document",
    ).toEqual([]);
  });

  it("has every documented route in the app", () => {
    const app = new Set(appRoutes((h.exporter.app as unknown as { router: { stack: Layer[] } }).router.stack));
    expect(
      documentedRoutes().filter((r) => !app.has(r)),
      "documented routes the app does not have",
    ).toEqual([]);
  });

  it("serves the document at GET /api/v1/openapi.json", async () => {
    const res = await h.get("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.type).toBe("application/json");
    expect(res.body).toEqual(openApiDocument());
  });
});
