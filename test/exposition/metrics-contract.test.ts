// §9: names, labels and types of /metrics are a contract (pinned by a fixture), the output is
// clean for `promtool check metrics`, and OpenMetrics is served to scrapers that ask for it.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBinary } from "../support/binaries.js";
import { startHarness, type Harness } from "../support/exporter.js";
import { metricTypes } from "../support/prom-text.js";
import { SPEC_SERIES } from "../support/spec-series.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/metrics-contract.txt");

let h: Harness;
let text: string;
beforeAll(async () => {
  // A group (§19) so the trading_group_* series are in the contract too.
  h = await startHarness({ groups: { fleet: ["alpha", "beta"] } });
  const res = await h.post("/api/v1/events", [
    { type: "trade", bot: "alpha", id: "1", pnl: 12.5 },
    { type: "trade", bot: "alpha", id: "2", pnl: -3 },
    { type: "equity", bot: "alpha", equity: 10100 },
    { type: "kill_switch", bot: "alpha", active: false },
    { type: "circuit_breaker", bot: "beta", open: true, reason: "too many losses" },
    { type: "positions", bot: "beta", open: 2, max: 5 },
    { type: "api_status", bot: "beta", status: "degraded", latency_ms: 1500 },
    { type: "heartbeat", bot: "beta" },
  ]);
  expect(res.status).toBe(200);
  text = (await h.get("/metrics")).text;
});
afterAll(() => h.stop());

/** `# TYPE` lines and series identities (no values: the golden tests pin values) of trading_* families. */
function contractOf(metrics: string): string {
  const lines = metrics.split("\n").filter((l) => /^(# TYPE )?trading_/.test(l));
  return lines.map((l) => (l.startsWith("#") ? l : l.replace(/ \S+$/, ""))).join("\n") + "\n";
}

describe("/metrics", () => {
  it("matches the pinned contract of names, labels and types (UPDATE_FIXTURES=1 rewrites it)", () => {
    const contract = contractOf(text);
    if (process.env.UPDATE_FIXTURES === "1") writeFileSync(FIXTURE, contract);
    expect(contract).toBe(readFileSync(FIXTURE, "utf8"));
  });

  it("has every §9 family with its type", () => {
    const types = metricTypes(text);
    const wrong = Object.entries(SPEC_SERIES).filter(([name, type]) => types.get(name) !== type);
    expect(wrong.map(([name, type]) => `${name}: ${types.get(name) ?? "missing"}, expected ${type}`)).toEqual([]);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });

  it("writes non-finite values the way Prometheus spells them", () => {
    expect(text).toMatch(/^trading_sharpe_ratio\{bot="beta"\} NaN$/m);
  });

  it("is served as Prometheus text by default and as OpenMetrics when asked", async () => {
    const plain = await h.get("/metrics");
    expect(plain.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    const om = await h.get("/metrics").set("Accept", "application/openmetrics-text; version=1.0.0");
    expect(om.headers["content-type"]).toMatch(/^application\/openmetrics-text; version=1.0.0/);
    expect(om.text.trimEnd().endsWith("# EOF")).toBe(true);
    expect(om.text).toMatch(/^# TYPE trading_trades counter$/m);
    expect(om.text).toMatch(/^trading_trades_total\{bot="alpha",outcome="win"\} 1$/m);
  });

  const promtool = requireBinary("promtool", "apt-get install prometheus");
  it.skipIf(!promtool.path)("passes `promtool check metrics` with no findings", () => {
    let out = "";
    try {
      out = execFileSync(promtool.path!, ["check", "metrics"], { input: text, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`promtool check metrics failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
    expect(out.trim()).toBe("");
  });
});
