// Hummingbot over MQTT (§18): subscribes to the topics of Hummingbot's `mqtt_bridge` with QoS 1
// and turns them into §3 events through the pipeline. Messages are handled one at a time and a QoS 1
// message is acknowledged to the broker only after its events are stored, so a crash or a dropped
// connection gets it redelivered; open lots and the ids of applied fills are stored in the same
// transaction as the trades they produce, so a redelivered or re-published fill changes nothing.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { IPublishPacket, MqttClient } from "mqtt";
import type * as Mqtt from "mqtt";
import { systemClock, type Clock } from "../../domain/clock.js";
import { BOT_NAME } from "../../domain/events.js";
import { Expiries } from "../expiry.js";
import type { SourceHealth } from "../health.js";
import { storedList } from "../stored-list.js";
import { type DurableSink, type Source, type SourceLogger, type SourceState } from "../types.js";
import { silentLogger } from "../../logger.js";
import { eventsForMessage, type MessageContext } from "./message-events.js";
import { CHANNELS, parseTopic, readMessage } from "./messages.js";

// Loaded on first use, not at start-up: a process pays for the MQTT client only when the configuration uses it.
const requireLazily = createRequire(import.meta.url);
let mqttLib: typeof Mqtt | undefined;
const mqtt = (): typeof Mqtt => (mqttLib ??= requireLazily("mqtt") as typeof Mqtt);

export const HUMMINGBOT_SOURCE = "hummingbot";
export const HUMMINGBOT_ERROR_REASONS = ["malformed", "unsupported", "invalid", "bot_cap", "store_error", "connection"] as const;

export interface HummingbotSourceConfig {
  url: string;
  username?: string;
  password?: string;
  namespace: string;
  instances: string[] | "*";
  bot_prefix: string;
  reconnect_max_seconds: number;
}

export interface HummingbotSourceDeps {
  sink: DurableSink;
  state: SourceState;
  health: SourceHealth;
  /** Equity = the bot's initial equity + Σ global_pnl_quote of its controllers. */
  initialEquity: (bot: string) => number;
  /** How long an OrderFailure keeps the API degraded (`health.stale_after_seconds`). */
  staleAfterSeconds: number;
  /** `max_bots`: discovery ("*") stops adding bots beyond it. */
  maxBots: number;
  clock?: Clock;
  logger?: SourceLogger;
}

export class HummingbotSource implements Source {
  readonly name: string;
  private readonly clock: Clock;
  private readonly log: SourceLogger;
  private readonly key: string;
  private readonly bots = new Set<string>();
  private readonly refused = new Set<string>();
  private readonly expiries = new Map<string, Expiries>();
  private client: MqttClient | null = null;
  private failures = 0;
  private subscribed = false;
  private retry: NodeJS.Timeout | null = null;
  private stopped = true;
  private inFlight: Promise<unknown> = Promise.resolve();
  private readonly messageContext: MessageContext;

  constructor(
    private readonly cfg: HummingbotSourceConfig,
    private readonly deps: HummingbotSourceDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = deps.logger ?? silentLogger;
    const u = new URL(cfg.url);
    this.name = `hummingbot:${u.host}/${cfg.namespace}`;
    // Stable per broker and namespace: the broker keeps this client's session (and its unacked
    // QoS 1 messages) across restarts of the exporter.
    this.key = `hummingbot:${createHash("sha256").update(`${u.host}\u0000${cfg.namespace}\u0000${cfg.bot_prefix}`).digest("hex").slice(0, 16)}`;
    this.messageContext = {
      key: this.key,
      state: deps.state,
      initialEquity: (bot) => deps.initialEquity(bot),
      staleAfterSeconds: deps.staleAfterSeconds,
      expiriesOf: (bot) => this.expiriesOf(bot),
      log: this.log,
    };
    deps.health.declareReasons(HUMMINGBOT_SOURCE, HUMMINGBOT_ERROR_REASONS);
    const known = cfg.instances === "*" ? this.discovered() : cfg.instances;
    for (const instance of known) this.addBot(cfg.bot_prefix + instance);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    for (const bot of this.bots) this.expiriesOf(bot).start();
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    for (const e of this.expiries.values()) e.stop();
    const client = this.client;
    this.client = null;
    await this.inFlight.catch(() => undefined);
    if (client) await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    this.markUp(false);
  }

  /** Backoff before the next connection attempt: 1 s doubling up to reconnect_max_seconds, ±20 %. */
  nextDelayMs(): number {
    const base = Math.min(1000 * 2 ** Math.min(this.failures - 1, 20), this.cfg.reconnect_max_seconds * 1000);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private connect(): void {
    const client = mqtt().connect(this.cfg.url, {
      clientId: `trading-exporter-${this.key.slice("hummingbot:".length)}`,
      clean: false,
      username: this.cfg.username,
      password: this.cfg.password,
      reconnectPeriod: 0, // reconnection is ours, with backoff
      connectTimeout: 10_000,
      keepalive: 30,
    });
    this.client = client;
    // The broker hears the acknowledgement only after handle() stored the message's events.
    client.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
      const work = this.handle(packet).then(
        (stored) => {
          if (stored) return done();
          // Not stored (the store failed): drop the connection unacknowledged; the broker redelivers.
          client.end(true);
        },
        (err: unknown) => {
          // A bug must not stall the subscription: log, count, acknowledge.
          this.log.error({ err: (err as Error).message, topic: packet.topic }, "hummingbot message handling failed");
          this.deps.health.error(HUMMINGBOT_SOURCE, "invalid");
          done();
        },
      );
      this.inFlight = work;
    };
    client.on("connect", () => {
      this.failures = 0;
      const topics = CHANNELS.flatMap((c) =>
        this.cfg.instances === "*" ? [`${this.cfg.namespace}/+/${c}`] : this.cfg.instances.map((i) => `${this.cfg.namespace}/${i}/${c}`),
      );
      // Up once the broker confirmed the subscriptions: from then on nothing published is missed.
      client.subscribe(topics, { qos: 1 }, (err) => {
        if (err) return void this.log.warn({ err: err.message }, "MQTT subscribe failed");
        this.log.info({ broker: this.publicBroker() }, "subscribed to Hummingbot's topics");
        if (client === this.client) this.markUp(true);
      });
    });
    client.on("error", (err) => this.log.warn({ broker: this.publicBroker(), err: err.message }, "MQTT connection error"));
    client.on("close", () => {
      if (client !== this.client) return;
      this.markUp(false);
      if (this.stopped) return;
      this.failures += 1;
      this.deps.health.error(HUMMINGBOT_SOURCE, "connection");
      const delay = this.nextDelayMs();
      if (this.failures === 1)
        this.log.warn({ broker: this.publicBroker(), retry_in_ms: delay }, "MQTT broker unreachable; retrying with backoff");
      this.retry = setTimeout(() => {
        if (!this.stopped && this.client === client) client.reconnect();
      }, delay);
      this.retry.unref();
    });
  }

  /** True when the message is done with (stored, or refused for good); false to have it redelivered. */
  private async handle(packet: IPublishPacket): Promise<boolean> {
    const at = parseTopic(packet.topic, this.cfg.namespace);
    if (!at) return true;
    if (this.cfg.instances !== "*" && !this.cfg.instances.includes(at.instance)) return true;
    const bot = this.cfg.bot_prefix + at.instance;
    if (!BOT_NAME.test(bot)) return this.refuse("malformed", bot, "instance id does not make a valid bot name");
    if (!this.bots.has(bot)) {
      if (this.refused.has(bot)) return true;
      if (this.bots.size >= this.deps.maxBots) {
        this.refused.add(bot);
        return this.refuse("bot_cap", bot, `max_bots (${this.deps.maxBots}) reached; instance not added`);
      }
    }
    const now = this.clock.now();
    const read = readMessage(at.channel, Buffer.from(packet.payload), now);
    if (!read.ok) return this.refuse(read.reason, bot, `unreadable ${at.channel} message`);
    const batch = eventsForMessage(this.messageContext, bot, read.message, now);
    if (!batch) return true;
    try {
      await this.deps.sink.ingestWithState(batch.events, batch.state);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 422) {
        const reason = (err as { reason?: string }).reason === "bot_cap" ? "bot_cap" : "invalid";
        if (reason === "bot_cap") this.refused.add(bot);
        return this.refuse(reason, bot, (err as Error).message);
      }
      this.deps.health.error(HUMMINGBOT_SOURCE, "store_error");
      this.log.warn({ bot, err: (err as Error).message }, "could not store a Hummingbot message; it will be redelivered");
      return false;
    }
    for (const f of batch.after) f();
    if (!this.bots.has(bot)) this.addBot(bot, true);
    this.deps.health.delivered(HUMMINGBOT_SOURCE, bot, now);
    return true;
  }

  private refuse(reason: string, bot: string, detail: string): true {
    this.deps.health.error(HUMMINGBOT_SOURCE, reason);
    this.log.warn({ bot, reason, detail }, "hummingbot message skipped");
    return true;
  }

  private addBot(bot: string, persist = false): void {
    this.bots.add(bot);
    this.deps.health.setUp(HUMMINGBOT_SOURCE, bot, this.subscribed);
    this.expiriesOf(bot);
    // Discovered instances are remembered, so their series exist (and read 0 while the broker is down) after a restart.
    if (persist && this.cfg.instances === "*") {
      const instances = [...this.bots].map((b) => b.slice(this.cfg.bot_prefix.length));
      this.deps.state.set(`${this.key}:instances`, JSON.stringify(instances));
    }
  }

  private expiriesOf(bot: string): Expiries {
    let e = this.expiries.get(bot);
    if (!e) {
      e = new Expiries(`${this.key}:${bot}:deadlines`, { ...this.deps, clock: this.clock, logger: this.log });
      this.expiries.set(bot, e);
      if (!this.stopped) e.start();
    }
    return e;
  }

  private discovered(): string[] {
    return storedList(this.deps.state, `${this.key}:instances`, (x): x is string => typeof x === "string");
  }

  private markUp(up: boolean): void {
    this.subscribed = up;
    for (const bot of this.bots) this.deps.health.setUp(HUMMINGBOT_SOURCE, bot, up);
  }

  private publicBroker(): string {
    const u = new URL(this.cfg.url);
    return `${u.protocol}//${u.host}`;
  }
}
