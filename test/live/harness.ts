// A real http.Server on 127.0.0.1 with a LiveHub, a snapshot provider the test mutates, and
// WebSocket clients that record what they receive.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket, type ClientOptions } from "ws";
import { LiveHub } from "../../src/live/hub.js";
import type { LiveHubOptions, LiveSnapshotProvider } from "../../src/live/hub-options.js";
import type { LiveMessage } from "../../src/live/protocol.js";

export interface BotState {
  metrics: Record<string, unknown>;
  health: Record<string, unknown>;
  safety: Record<string, unknown>;
}

export function botState(bot: string, equity = 10_000, pad = ""): BotState {
  return {
    metrics: { bot, equity, drawdown: 0, sharpe_ratio: null, last_event_at: null, ...(pad ? { pad } : {}) },
    health: { bot, level: "HEALTHY", reasons: [], stale: false, last_event_at: null },
    safety: { bot, kill_switch: { active: false, reason: null, changed_at: null }, positions: { open: 0, max: 5, utilization: 0 } },
  };
}

/** The engine stand-in: returns copies, as the real REST formatters build fresh objects. */
export class FakeSnapshot implements LiveSnapshotProvider {
  readonly state = new Map<string, BotState>();
  reads = 0;
  bots() {
    return [...this.state.keys()];
  }
  private of(bot: string): BotState {
    const s = this.state.get(bot);
    if (!s) throw new Error(`unknown bot ${bot}`);
    this.reads++;
    return s;
  }
  metrics(bot: string) {
    return structuredClone(this.of(bot).metrics);
  }
  health(bot: string) {
    return structuredClone(this.of(bot).health);
  }
  safety(bot: string) {
    return structuredClone(this.of(bot).safety);
  }
}

export interface Warned {
  obj: object;
  msg: string;
}

export interface HubFixture {
  hub: LiveHub;
  snapshot: FakeSnapshot;
  server: Server;
  url: string;
  warnings: Warned[];
  connect(query?: string, options?: ClientOptions): Promise<TestClient>;
  close(): Promise<void>;
}

export async function startHub(
  options: Partial<Omit<LiveHubOptions, "server" | "snapshot" | "logger">> = {},
  bots: string[] = ["alpha", "beta"],
): Promise<HubFixture> {
  const server = createServer((_req, res) => res.end("not a websocket"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const snapshot = new FakeSnapshot();
  for (const b of bots) snapshot.state.set(b, botState(b));
  const warnings: Warned[] = [];
  const logger = { info() {}, warn: (obj: object, msg: string) => void warnings.push({ obj, msg }) };
  const hub = new LiveHub({ server, snapshot, logger, sweepIntervalMs: 0, ...options });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  const clients: TestClient[] = [];
  return {
    hub,
    snapshot,
    server,
    url,
    warnings,
    async connect(query = "", opts = {}) {
      const c = await TestClient.open(url + query, opts);
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.ws.terminate();
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A WebSocket client recording every message; `next`/`waitFor` resolve on arrival. */
export class TestClient {
  readonly messages: LiveMessage[] = [];
  private waiters: { pred: (m: LiveMessage) => boolean; resolve: (m: LiveMessage) => void }[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const msg = JSON.parse((data as Buffer).toString()) as LiveMessage;
      this.messages.push(msg);
      this.waiters = this.waiters.filter((w) => (w.pred(msg) ? (w.resolve(msg), false) : true));
    });
    ws.on("close", (code, reason) => (this.closed = { code, reason: reason.toString() }));
  }

  static open(url: string, options: ClientOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new TestClient(ws); // listening from the start: the state comes right after open
      ws.once("open", () => resolve(client));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** The first message (already received or future) matching `pred`. */
  waitFor(pred: (m: LiveMessage) => boolean): Promise<LiveMessage> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  /** Waits for `n` messages in total. */
  async count(n: number): Promise<void> {
    while (this.messages.length < n) await new Promise((r) => setTimeout(r, 5));
  }

  of(type: string, bot?: string): LiveMessage[] {
    return this.messages.filter((m) => m.type === type && (bot === undefined || m.bot === bot));
  }

  send(obj: unknown): void {
    this.ws.send(JSON.stringify(obj));
  }

  whenClosed(): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve) => this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until true (the test's own timeout bounds the wait). */
export async function until(cond: () => boolean, everyMs = 5): Promise<void> {
  while (!cond()) await sleep(everyMs);
}

/** A raw upgrade request, to see the status line and body the server answers with. */
export function rawUpgrade(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type?: string; body: string; auth?: string; nosniff?: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url.replace("ws:", "http:"));
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname + u.search,
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        ...headers,
      },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () =>
        resolve({
          status: res.statusCode!,
          type: res.headers["content-type"],
          body,
          auth: res.headers["www-authenticate"] as string,
          nosniff: res.headers["x-content-type-options"] as string,
        }),
      );
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode!, body: "" });
    });
    req.on("error", reject);
    req.end();
  });
}
