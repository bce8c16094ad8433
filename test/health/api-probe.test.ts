// The exchange-API probe against a real local HTTP server whose behaviour the test switches.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { ApiProbe, type ProbeStatus } from "../../src/sources/api-probe.js";
import { T0 } from "../alerts/snapshots.js";

type Mode = "fast" | "slow" | "error";

class Exchange {
  mode: Mode = "fast";
  hits: string[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Exchange> {
    const server = createServer();
    const ex = new Exchange(server);
    server.on("request", (req, res) => {
      ex.hits.push(req.url ?? "");
      if (ex.mode === "error") {
        res.writeHead(500).end("boom");
      } else if (ex.mode === "slow") {
        setTimeout(() => res.writeHead(200).end("pong"), 120);
      } else {
        res.writeHead(200).end("pong");
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return ex;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** A port nothing listens on: bind one, note it, release it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("exchange API probe (§6)", () => {
  let exchange: Exchange;
  let probe: ApiProbe | null = null;
  const clock = new ManualClock(T0);
  const changes: ProbeStatus[] = [];
  const logs: { level: string; obj: object; msg: string }[] = [];
  const logger = {
    info: (obj: object, msg: string) => logs.push({ level: "info", obj, msg }),
    warn: (obj: object, msg: string) => logs.push({ level: "warn", obj, msg }),
  };

  function makeProbe(url: string, over: Partial<ConstructorParameters<typeof ApiProbe>[0]> = {}) {
    probe = new ApiProbe(
      { url, intervalSeconds: 30, timeoutSeconds: 2, degradedLatencyMs: 50, failuresBeforeDisconnected: 3, ...over },
      { clock, logger, onChange: (s) => changes.push(s) },
    );
    return probe;
  }

  beforeEach(async () => {
    exchange = await Exchange.start();
    changes.length = 0;
    logs.length = 0;
  });
  afterEach(async () => {
    probe?.stop();
    probe = null;
    await exchange.close();
  });

  it("has no status before the first probe", () => {
    expect(makeProbe(`http://127.0.0.1:${exchange.port}/ping`).status()).toBeNull();
  });

  it("is connected when the API answers 2xx within degraded_latency_ms", async () => {
    const p = makeProbe(`http://127.0.0.1:${exchange.port}/ping`, { degradedLatencyMs: 1000 });
    const s = await p.probeOnce();
    expect(s).toMatchObject({ status: "connected", consecutive_failures: 0, checked_at: T0, error: null });
    expect(s.latency_ms).toBeGreaterThanOrEqual(0);
    expect(p.status()).toEqual(s);
    expect(exchange.hits).toEqual(["/ping"]);
  });

  it("is degraded when the answer is slower than degraded_latency_ms", async () => {
    exchange.mode = "slow";
    const s = await makeProbe(`http://127.0.0.1:${exchange.port}/ping`).probeOnce();
    expect(s.status).toBe("degraded");
    expect(s.latency_ms).toBeGreaterThan(50);
    expect(s.consecutive_failures).toBe(0);
  });

  it("goes degraded on a 500, disconnected after failures_before_disconnected, and back to connected", async () => {
    const p = makeProbe(`http://127.0.0.1:${exchange.port}/ping`, { degradedLatencyMs: 1000 });
    await p.probeOnce();
    exchange.mode = "error";
    const first = await p.probeOnce();
    expect(first).toMatchObject({ status: "degraded", consecutive_failures: 1, latency_ms: null, error: "HTTP 500" });
    expect((await p.probeOnce()).status).toBe("degraded");
    clock.advance(30_000);
    const third = await p.probeOnce();
    expect(third).toMatchObject({ status: "disconnected", consecutive_failures: 3, checked_at: T0 + 30_000 });
    expect((await p.probeOnce()).consecutive_failures).toBe(4);

    exchange.mode = "fast";
    const back = await p.probeOnce();
    expect(back).toMatchObject({ status: "connected", consecutive_failures: 0, error: null });
    // onChange fires on level changes only, not on every probe.
    expect(changes.map((c) => c.status)).toEqual(["connected", "degraded", "disconnected", "connected"]);
  });

  it("counts a refused connection as a failure", async () => {
    const port = await closedPort();
    const p = makeProbe(`http://127.0.0.1:${port}/ping`, { failuresBeforeDisconnected: 2 });
    expect(await p.probeOnce()).toMatchObject({ status: "degraded", consecutive_failures: 1, error: "ECONNREFUSED" });
    expect(await p.probeOnce()).toMatchObject({ status: "disconnected", consecutive_failures: 2 });
  });

  it("counts a timeout as a failure", async () => {
    exchange.mode = "slow"; // 120 ms against a 50 ms timeout
    const p = makeProbe(`http://127.0.0.1:${exchange.port}/ping`, { timeoutSeconds: 0.05 });
    const s = await p.probeOnce();
    expect(s).toMatchObject({ status: "degraded", consecutive_failures: 1 });
    expect(s.error).toMatch(/timeout/);
  });

  it("never logs credentials, the path or the query string of the URL: scheme and host only", async () => {
    const url = `http://user:hunter2@127.0.0.1:${exchange.port}/api/ping?apiKey=SECRETKEY`;
    const p = makeProbe(url);
    exchange.mode = "error";
    await p.probeOnce();
    expect(exchange.hits).toEqual(["/api/ping?apiKey=SECRETKEY"]);
    expect(logs.length).toBeGreaterThan(0);
    const text = JSON.stringify(logs) + JSON.stringify(p.status());
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("SECRETKEY");
    expect(text).not.toContain("/api/ping");
    expect(logs.map((l) => (l.obj as { url?: string }).url)).toContain(`http://127.0.0.1:${exchange.port}`);
  });

  it("start() probes at once and stop() ends the timer", async () => {
    const p = makeProbe(`http://127.0.0.1:${exchange.port}/ping`, { intervalSeconds: 3600 });
    const seen = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (p.status() !== null) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    p.start();
    await seen;
    p.stop();
    expect(p.status()?.status).toBe("connected");
    expect(exchange.hits).toHaveLength(1);
  });
});
