import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TradingExporterClient, TradingExporterError, TradingExporterUnavailableError } from "../../src/client.js";
import { ManualClock } from "../../src/domain/clock.js";
import { parseEvents } from "../../src/domain/events.js";
import { sign, signaturesEqual } from "../../src/domain/signature.js";

const SECRET = "client-test-secret-0123456789";

/** What the test server does with the next requests, in order; afterwards it answers normally. */
type Behaviour = "drop-after-store" | "drop-before-store" | "503" | "422" | { status: 429; retryAfter: string };

/** A stand-in exporter: verifies §4 signatures with the shared helper, rejects replays, dedupes trades by (bot, id). */
class SigningServer {
  readonly script: Behaviour[] = [];
  readonly seen: { method: string; url: string; timestamp?: string; signature?: string; auth?: string; body: string }[] = [];
  readonly stored = new Map<string, unknown>();
  private readonly signatures = new Set<string>();
  private server: Server | null = null;
  url = "";

  async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const ts = req.headers["x-timestamp"] as string | undefined;
    const sig = req.headers["x-signature"] as string | undefined;
    this.seen.push({ method: req.method!, url: req.url!, timestamp: ts, signature: sig, auth: req.headers.authorization, body });
    const problem = (status: number, title: string, extra: object = {}): void =>
      void res
        .writeHead(status, { "content-type": "application/problem+json" })
        .end(JSON.stringify({ type: "about:blank", title, status, ...extra }));
    if (req.method !== "GET") {
      const ok =
        ts !== undefined &&
        sig !== undefined &&
        Math.abs(Date.now() / 1000 - Number(ts)) <= 300 &&
        signaturesEqual(sig, sign(SECRET, ts, req.method!, req.url!, body));
      if (!ok) return problem(401, "bad signature");
      if (this.signatures.has(sig)) return problem(401, "replayed signature");
      this.signatures.add(sig);
    }
    const step = this.script.shift();
    if (step === "drop-before-store") return void req.socket.destroy();
    if (step === "503") return problem(503, "store unavailable");
    if (step === "422") return problem(422, "invalid event", { errors: [{ index: 0, path: "pnl", message: "must be a finite number" }] });
    if (typeof step === "object")
      return void res.writeHead(429, { "retry-after": step.retryAfter, "content-type": "application/problem+json" }).end("{}");
    if (req.method === "GET")
      return void res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ generated_at: "2024-01-01T00:00:00.000Z", bots: [] }));
    if (!req.url!.startsWith("/api/v1/events") && !req.url!.startsWith("/api/v1/trades")) {
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    }
    const parsed = parseEvents(JSON.parse(body), Date.now(), req.url === "/api/v1/trades" ? "trade" : undefined);
    if (!parsed.ok) return problem(422, "invalid", { errors: parsed.errors });
    let accepted = 0;
    let duplicates = 0;
    for (const e of parsed.events) {
      const id = "id" in e ? e.id : undefined;
      const key = e.type === "trade" ? `${e.bot}/${e.id}` : id !== undefined ? `${e.bot}/${e.type}/${id}` : `${e.type}/${this.stored.size}`;
      if (this.stored.has(key)) duplicates++;
      else {
        this.stored.set(key, e);
        accepted++;
      }
    }
    // The answer is lost: stored, but the client never hears it (its retry must not double-count).
    if (step === "drop-after-store") return void req.socket.destroy();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted, duplicates }));
  }
}

let server: SigningServer;
let clock: ManualClock;
let slept: number[];

beforeEach(async () => {
  server = new SigningServer();
  await server.listen();
  clock = new ManualClock(Date.now());
  slept = [];
});
afterEach(() => server.close());

function client(over: Partial<ConstructorParameters<typeof TradingExporterClient>[0]> = {}): TradingExporterClient {
  // The waits advance a manual clock instead of sleeping: no test waits for real.
  return new TradingExporterClient({
    baseUrl: server.url,
    secret: SECRET,
    now: () => clock.now(),
    sleep: async (ms) => void (slept.push(ms), clock.advance(ms)),
    ...over,
  });
}

describe("TradingExporterClient", () => {
  it("signs writes so the shared verifier accepts them", async () => {
    const res = await client().sendEvents([
      { type: "trade", bot: "b1", id: "1", pnl: 5 },
      { type: "heartbeat", bot: "b1" },
    ]);
    expect(res).toEqual({ accepted: 2, duplicates: 0 });
    expect(server.seen[0]).toMatchObject({ method: "POST", url: "/api/v1/events" });
    expect(server.seen[0]!.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("signs a PUT with its encoded path, and sends the read token on GETs", async () => {
    await client().setTrigger("daily_drawdown", { threshold: 0.07 });
    await client({ readToken: "rt-1" }).realtime("b 1");
    expect(server.seen.map((s) => s.url)).toEqual(["/api/v1/alerts/triggers/daily_drawdown", "/api/v1/metrics/realtime?bot=b+1"]);
    expect(server.seen[1]!.auth).toBe("Bearer rt-1");
  });

  it("a wrong secret gets a typed 401 error carrying the problem body, not retried", async () => {
    const err = await client({ secret: "wrong" })
      .sendTrades({ id: "x", pnl: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TradingExporterError);
    expect((err as TradingExporterError).status).toBe(401);
    expect((err as TradingExporterError).problem.title).toBe("bad signature");
    expect(server.seen).toHaveLength(1);
  });

  it("retries a trade whose answer was lost, with a fresh signature, without double-counting", async () => {
    server.script.push("drop-after-store");
    const res = await client().sendTrades([{ id: "t-1", pnl: 12.5, bot: "b1" }]);
    expect(res).toEqual({ accepted: 0, duplicates: 1 }); // stored by the first attempt, acknowledged as a duplicate
    expect(server.stored.size).toBe(1);
    expect(server.seen).toHaveLength(2);
    expect(server.seen[0]!.signature).not.toBe(server.seen[1]!.signature);
    expect(Number(server.seen[1]!.timestamp)).toBeGreaterThan(Number(server.seen[0]!.timestamp));
  });

  it("gives a cash flow an id once, so a retry after a lost answer is a duplicate", async () => {
    server.script.push("drop-after-store");
    const res = await client().sendCashflow({ bot: "b1", amount: -500, reason: "withdrawal" });
    expect(res).toEqual({ accepted: 0, duplicates: 1 });
    expect(server.stored.size).toBe(1);
    const bodies = server.seen.map((s) => JSON.parse(s.body) as { id: string; type: string; amount: number });
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toMatchObject({ type: "cashflow", amount: -500 });
    expect(bodies[1]!.id).toBe(bodies[0]!.id);
  });

  it("retries a dropped connection and a 503", async () => {
    server.script.push("drop-before-store", "503");
    const res = await client().sendTrades({ id: "t-2", pnl: -3 });
    expect(res).toEqual({ accepted: 1, duplicates: 0 });
    expect(server.seen).toHaveLength(3);
  });

  it("never retries a 422 and exposes the validation errors", async () => {
    server.script.push("422");
    const err = (await client()
      .sendTrades({ id: "t-3", pnl: 1 })
      .catch((e: unknown) => e)) as TradingExporterError;
    expect(err).toBeInstanceOf(TradingExporterError);
    expect(err.status).toBe(422);
    expect(err.problem.errors).toEqual([{ index: 0, path: "pnl", message: "must be a finite number" }]);
    expect(server.seen).toHaveLength(1);
    expect(slept).toEqual([]);
  });

  it("honours Retry-After on 429 (seconds and HTTP date)", async () => {
    server.script.push({ status: 429, retryAfter: "7" });
    await client().sendTrades({ id: "t-4", pnl: 1 });
    expect(slept).toEqual([7000]);
    server.script.push({ status: 429, retryAfter: new Date(clock.now() + 20_000).toUTCString() });
    await client().sendTrades({ id: "t-5", pnl: 1 });
    expect(slept[1]).toBeGreaterThan(18_000);
    expect(slept[1]).toBeLessThanOrEqual(21_000);
    expect(server.stored.size).toBe(2);
  });

  it("gives up after the configured retries with a typed error", async () => {
    server.script.push("503", "503", "503");
    const err = (await client({ retries: 2 })
      .sendTrades({ id: "t-6", pnl: 1 })
      .catch((e: unknown) => e)) as TradingExporterError;
    expect(err).toBeInstanceOf(TradingExporterError);
    expect(err.status).toBe(503);
    expect(server.seen).toHaveLength(3);
    expect(slept).toHaveLength(2);
  });

  it("reports an unreachable exporter after every attempt, without leaking the secret", async () => {
    const url = server.url;
    await server.close();
    const err = (await client({ baseUrl: url, retries: 1 })
      .sendTrades({ id: "t-7", pnl: 1 })
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TradingExporterUnavailableError);
    expect((err as TradingExporterUnavailableError).attempts).toBe(2);
    expect(err.message).not.toContain(SECRET);
  });

  it("does not retry the alert test message on a 503 (it might go out twice)", async () => {
    server.script.push("503");
    await expect(client().alertsTest("slack")).rejects.toMatchObject({ status: 503 });
    expect(server.seen).toHaveLength(1);
  });
});
