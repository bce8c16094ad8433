// The live stream of §13: WebSocket clients on `/ws` get per-bot state pushes. The hub admits
// clients (§16: origin, token, max_clients, message rate), keeps their subscriptions, and fans each
// message out serialized once; what to push when is the StateCoalescer's job (state-coalescer.ts),
// and a client whose buffer is full skips state it is resent once the buffer drains.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { type Clock, systemClock } from "../domain/clock.js";
import type { TradeEvent } from "../domain/events.js";
import { tradeRecord } from "../domain/trade-record.js";
import { LiveClient, type DropReason } from "./client.js";
import type { LiveHubOptions } from "./hub-options.js";
import { type LiveMessage, type LiveMessageType, parseClientMessage, subscriptionFromQuery } from "./protocol.js";
import { StateCoalescer } from "./state-coalescer.js";
import { MessageRate, originAllowed } from "./admission.js";
import { rejectUpgrade, upgradeAuthorized } from "./upgrade-auth.js";

const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

export class LiveHub {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  private readonly clientSet = new Set<LiveClient>();
  private readonly changes: StateCoalescer;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout | null;
  private resyncTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Upgrades accepted but not yet open: they count toward max_clients too. */
  private handshakes = 0;
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly maxClients: number;
  private readonly maxMessagesPerSecond: number;

  private readonly path: string;
  private readonly interval: number;
  private readonly hardLimit: number;
  private readonly softLimit: number;
  private readonly clock: Clock;
  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head);

  constructor(private readonly opts: LiveHubOptions) {
    this.path = opts.path ?? "/ws";
    this.interval = opts.metricsIntervalMs ?? 250;
    this.hardLimit = opts.maxBufferedBytes ?? 1024 * 1024;
    this.softLimit = Math.min(opts.softBufferedBytes ?? Math.floor(this.hardLimit / 4), this.hardLimit);
    this.clock = opts.clock ?? systemClock;
    this.allowedOrigins = new Set(opts.allowedOrigins ?? []);
    this.maxClients = opts.maxClients ?? 1000;
    this.maxMessagesPerSecond = opts.maxMessagesPerSecond ?? 10;
    this.changes = new StateCoalescer({
      intervalMs: this.interval,
      snapshot: opts.snapshot,
      push: (type, bot, data) => this.broadcast(type, bot, data),
      guard: (bot, fn) => this.guarded(bot, fn),
    });
    opts.server.on("upgrade", this.onUpgrade);
    this.pingTimer = setInterval(() => this.heartbeat(), opts.pingIntervalMs ?? 30_000).unref();
    const sweep = opts.sweepIntervalMs ?? 5_000;
    this.sweepTimer = sweep > 0 ? setInterval(() => this.changes.sweep(), sweep).unref() : null;
  }

  /** Connected clients (the `trading_websocket_clients` gauge). */
  clients(): number {
    return this.clientSet.size;
  }

  /** Send buffers of the connected clients, for diagnostics and tests. */
  bufferedAmounts(): number[] {
    return [...this.clientSet].map((c) => c.bufferedAmount);
  }

  /** Call after every applied event of `bot`: schedules a coalesced state flush. */
  botChanged(bot: string): void {
    if (!this.closed) this.changes.changed(bot);
  }

  /** Call once per applied (non-duplicate) trade. `effectiveReturn`: the engine's return for it, if known. */
  tradeApplied(bot: string, trade: TradeEvent, effectiveReturn?: number | null): void {
    // Most trades arrive with nobody watching: the record is built only for a client to send it to.
    if (this.clientSet.size === 0) return;
    this.broadcast("trade", bot, tradeRecord(trade, effectiveReturn ?? trade.return ?? null));
  }

  /**
   * Call with the alert record in its REST shape (as `/api/v1/alerts/history` returns it). A group's
   * alert (§19) names no bot: its frame carries `group`, and only clients that follow every bot get it.
   */
  alert<R extends { bot?: string; group?: string }>(record: R): void {
    if (record.bot !== undefined) return this.broadcast("alert", record.bot, record);
    const frame = JSON.stringify({ type: "alert", group: record.group, ts: new Date(this.clock.now()).toISOString(), data: record });
    // No bot is named "" (§3): a client with a bot filter never wants it, one without does.
    for (const client of this.clientSet) client.send("", "alert", frame);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.opts.server.off("upgrade", this.onUpgrade);
    this.changes.close();
    clearInterval(this.pingTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    // A client with unread data would never receive the close frame: cut it off at once.
    for (const c of this.clientSet) {
      c.cancelState();
      if (c.bufferedAmount > 0) c.ws.terminate();
      else c.ws.close(1001, "server shutting down");
    }
    this.clientSet.clear();
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== this.path) {
      // Another listener may own that path; answer only when nobody else will.
      if (this.opts.server.listenerCount("upgrade") === 1) rejectUpgrade(socket, 404, `no WebSocket at ${url.pathname}`);
      return;
    }
    if (this.closed) return rejectUpgrade(socket, 503, "the exporter is shutting down");
    // Before the token: a page of another site must not even learn whether its guess was right.
    if (!originAllowed(req, this.allowedOrigins)) {
      return rejectUpgrade(socket, 403, "this Origin may not open /ws (see websocket.allowed_origins)");
    }
    if (!upgradeAuthorized(req, url, this.opts.readToken)) {
      return rejectUpgrade(socket, 401, "a valid read token is required (Authorization: Bearer <token> or ?token=)");
    }
    if (this.clientSet.size + this.handshakes >= this.maxClients) {
      return rejectUpgrade(socket, 503, `the exporter already serves ${this.maxClients} WebSocket clients`);
    }
    const sub = subscriptionFromQuery(url.searchParams);
    if (!sub.ok) return rejectUpgrade(socket, 400, sub.error);
    this.handshakes++;
    let counted = true;
    const settle = () => {
      if (counted) this.handshakes--;
      counted = false;
    };
    socket.once("close", settle); // a handshake that fails never calls back
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      settle();
      const client = this.accept(ws);
      client.subscription = sub.subscription;
      client.lastStateAt = performance.now();
      this.sendState(client, this.opts.snapshot.bots());
    });
  }

  private accept(ws: WebSocket): LiveClient {
    const client = new LiveClient(ws, { softLimit: this.softLimit, hardLimit: this.hardLimit }, (c, reason) => this.dropped(c, reason));
    this.clientSet.add(client);
    const rate = new MessageRate(this.maxMessagesPerSecond, performance.now());
    ws.on("pong", () => (client.alive = true));
    ws.on("close", () => {
      client.cancelState();
      this.clientSet.delete(client);
    });
    ws.on("error", () => client.drop("socket_error"));
    ws.on("message", (data, isBinary) => {
      if (!rate.take(performance.now())) {
        client.cancelState();
        return void ws.close(1008, `more than ${this.maxMessagesPerSecond} messages per second`);
      }
      const parsed = isBinary ? { ok: false as const, error: "messages must be text" } : parseClientMessage((data as Buffer).toString());
      if (!parsed.ok) return void ws.close(1008, parsed.error.slice(0, 120));
      client.subscription = parsed.subscription;
      // The current state of what is now subscribed: also the client's confirmation.
      this.requestState(client);
    });
    return client;
  }

  /**
   * A subscribe makes the hub serialize every subscribed bot's state for that client. At most once
   * per metrics interval per client: later subscribes inside it only change what the pending send
   * covers, so a chatty client costs the server no more than a quiet one.
   */
  private requestState(client: LiveClient): void {
    if (client.stateTimer) return;
    const wait = Math.max(0, this.interval - (performance.now() - client.lastStateAt));
    client.stateTimer = setTimeout(() => {
      client.stateTimer = null;
      if (!client.open) return;
      client.lastStateAt = performance.now();
      this.sendState(client, this.opts.snapshot.bots());
    }, wait).unref();
  }

  private dropped(client: LiveClient, reason: DropReason): void {
    this.clientSet.delete(client);
    this.opts.logger.warn({ reason, buffered_bytes: client.bufferedAmount }, "dropped a websocket client");
  }

  /** The full state of `bots` for one client (on connect, on subscribe, after a drained backlog). */
  private sendState(client: LiveClient, bots: Iterable<string>): void {
    const snap = this.opts.snapshot;
    for (const bot of bots)
      this.guarded(bot, () => {
        if (client.wants(bot, "metrics_update")) client.send(bot, "metrics_update", this.frame("metrics_update", bot, snap.metrics(bot)));
        if (client.wants(bot, "health_update")) client.send(bot, "health_update", this.frame("health_update", bot, snap.health(bot)));
        if (client.wants(bot, "safety_update")) client.send(bot, "safety_update", this.frame("safety_update", bot, snap.safety(bot)));
      });
  }

  /** Runs in a timer or a socket callback: a failure to read one bot must not take the process down. */
  private guarded(bot: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.opts.logger.warn({ err, bot }, "live update failed");
    }
  }

  private frame(type: LiveMessageType, bot: string, data: unknown): string {
    const msg: LiveMessage = { type, bot, ts: new Date(this.clock.now()).toISOString(), data };
    return JSON.stringify(msg);
  }

  /** Serializes once, then hands the frame to every interested client (each applies its own policy). */
  private broadcast(type: LiveMessageType, bot: string, data: unknown): void {
    let frame: string | null = null;
    for (const client of this.clientSet) {
      if (!client.wants(bot, type)) continue;
      frame ??= this.frame(type, bot, data);
      client.send(bot, type, frame);
      if (client.missed.size > 0) this.startResync();
    }
  }

  /** While some client has skipped state, check every interval whether its buffer has drained. */
  private startResync(): void {
    if (this.resyncTimer || this.closed) return;
    this.resyncTimer = setInterval(() => {
      let pending = false;
      for (const client of this.clientSet) {
        if (client.missed.size === 0) continue;
        if (!client.drained) {
          pending = true;
          continue;
        }
        const bots = [...client.missed];
        client.missed.clear();
        this.sendState(client, bots);
        if (client.missed.size > 0) pending = true;
      }
      if (!pending && this.resyncTimer) {
        clearInterval(this.resyncTimer);
        this.resyncTimer = null;
      }
    }, this.interval).unref();
  }

  /** Ping every client; one that has not answered the previous ping is dead and is terminated. */
  private heartbeat(): void {
    for (const client of this.clientSet) {
      if (!client.alive) {
        client.drop("no_pong");
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }
}
