// The OpenAPI document is valid OpenAPI 3.1 (structure, references, parameters, security) and its
// schemas say what the validating zod schemas accept.
import { describe, expect, it } from "vitest";
import { type z } from "zod";
import { equitySchema, apiStatusSchema, tradeSchema } from "../../src/domain/events.js";
import { REFINEMENTS } from "../../src/openapi/components.js";
import { openApiDocument } from "../../src/openapi/document.js";
import { collectRefs, HTTP_METHODS, openApi31, resolvePointer } from "./oas31.js";

type Doc = z.infer<typeof openApi31>;
const doc = openApiDocument();
const operations = (d: Doc) =>
  Object.entries(d.paths).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => (item as Record<string, unknown>)[m]).map((m) => ({
      path,
      method: m,
      op: (item as Record<string, any>)[m],
    })),
  );

describe("openApiDocument()", () => {
  it("has the structure of an OpenAPI 3.1 document", () => {
    const parsed = openApi31.safeParse(doc);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
  });

  it("is plain JSON (what the router serves is what was checked)", () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it("resolves every $ref", () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(30);
    expect(refs.filter((r) => resolvePointer(doc, r.ref) === undefined)).toEqual([]);
  });

  it("declares every path-template parameter as a required path parameter, and no others", () => {
    const d = openApi31.parse(doc);
    for (const { path, op } of operations(d)) {
      const template = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? [])
        .filter((p: any) => p.in === "path")
        .map((p: any) => p.name)
        .sort();
      expect(declared, `${path}`).toEqual(template);
    }
  });

  it("gives every operation a unique id and only names defined security schemes", () => {
    const d = openApi31.parse(doc);
    const ops = operations(d);
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const schemes = Object.keys(d.components.securitySchemes ?? {});
    for (const { op } of ops) for (const req of op.security ?? []) for (const name of Object.keys(req)) expect(schemes).toContain(name);
  });

  it("requires the two HMAC headers together on every write, and leaves /, /healthz and /readyz open", () => {
    const d = openApi31.parse(doc);
    for (const { path, method, op } of operations(d)) {
      if (method === "get") {
        const open = ["/", "/healthz", "/readyz"].includes(path);
        expect(op.security, path).toEqual(open ? [] : [{ readToken: [] }, {}]);
      } else {
        expect(op.security, `${method} ${path}`).toEqual([{ hmacTimestamp: [], hmacSignature: [] }]);
        expect(Object.keys(op.responses), `${method} ${path}`).toContain("401");
      }
    }
    expect(d.components.securitySchemes).toMatchObject({
      hmacTimestamp: { type: "apiKey", in: "header", name: "X-Timestamp" },
      hmacSignature: { type: "apiKey", in: "header", name: "X-Signature" },
      readToken: { type: "http", scheme: "bearer" },
    });
  });

  it("answers errors as problem+json with the Problem schema", () => {
    const d = openApi31.parse(doc);
    for (const [name, r] of Object.entries(d.components.responses ?? {})) {
      expect(Object.keys((r as any).content), name).toEqual(["application/problem+json"]);
    }
    expect(resolvePointer(doc, "#/components/schemas/Problem")).toMatchObject({
      required: expect.arrayContaining(["type", "title", "status", "detail"]),
    });
  });

  it("describes the event types of §3 from the zod schemas, strict and with their required fields", () => {
    const schemas = (doc as any).components.schemas;
    expect(schemas.Event.oneOf.map((s: any) => s.$ref.split("/").pop())).toEqual([
      "TradeEvent",
      "EquityEvent",
      "KillSwitchEvent",
      "CircuitBreakerEvent",
      "PositionsEvent",
      "ApiStatusEvent",
      "HeartbeatEvent",
      "CashflowEvent",
    ]);
    expect(schemas.TradeEvent).toMatchObject({ additionalProperties: false, required: ["type", "id", "pnl"] });
    expect(schemas.TradeEvent.properties.side.enum).toEqual(["long", "short"]);
    expect(schemas.PositionsEvent.properties.max).toMatchObject({ type: "integer", minimum: 1 });
    expect(schemas.EventBatch.maxItems).toBe(10_000);
  });

  it("states the refined bounds exactly as the zod schemas enforce them", () => {
    const zodOf: Record<string, z.ZodType> = {
      EquityEvent: equitySchema,
      TradeEvent: tradeSchema,
      TradeInput: tradeSchema,
      ApiStatusEvent: apiStatusSchema,
    };
    const base: Record<string, object> = {
      EquityEvent: { type: "equity", equity: 1 },
      TradeEvent: { type: "trade", id: "t", pnl: 1 },
      TradeInput: { type: "trade", id: "t", pnl: 1 },
      ApiStatusEvent: { type: "api_status", status: "connected" },
    };
    for (const r of REFINEMENTS) {
      const field = (doc as any).components.schemas[r.schema].properties[r.field];
      expect(field[r.keyword], `${r.schema}.${r.field}`).toBe(r.value);
      const accepts = (v: number) => zodOf[r.schema]!.safeParse({ ...base[r.schema], [r.field]: v }).success;
      expect(accepts(r.value), `${r.schema}.${r.field} = ${r.value}`).toBe(r.keyword === "minimum");
      expect(accepts(r.value - 1e-9), `${r.schema}.${r.field} just below`).toBe(false);
      expect(accepts(r.value + 1e-9), `${r.schema}.${r.field} just above`).toBe(true);
    }
  });

  it("offers per trigger exactly the keys the trigger accepts", () => {
    const branches = (doc as any).components.schemas.TriggerPatch.anyOf as { title: string; properties: Record<string, unknown> }[];
    const keysOf = (id: string) => Object.keys(branches.find((b) => b.title.split(", ").includes(id))!.properties).sort();
    expect(keysOf("low_win_rate")).toEqual(["bot", "enabled", "min_trades", "severity", "threshold"]);
    expect(keysOf("kill_switch_activation")).toEqual(["bot", "enabled", "severity"]);
    expect(keysOf("daily_drawdown")).toEqual(["bot", "enabled", "severity", "threshold"]);
  });
});
