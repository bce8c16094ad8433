// Assembles one exporter: store → engine (restored) → pipeline → exposition → HTTP app. The CLI's
// `serve`, the tests and library users (`createExporter`) all build it here.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { listenAddress, metricsSettings, type Config } from "./config/index.js";
import { systemClock, type Clock } from "./domain/clock.js";
import { Engine, type EngineSnapshotData } from "./engine/engine.js";
import type { MetricsSettings } from "./domain/snapshots.js";
import { createExporterMetrics, type ExporterMetrics } from "./exposition/metrics.js";
import { createApp } from "./http/app.js";
import { IngestPipeline, type IngestResult } from "./ingest/pipeline.js";
import { silentLogger, type Logger } from "./logger.js";
import { Journal } from "./store/journal.js";
import { resolveHmacSecrets } from "./store/hmac-secret.js";
import { VERSION } from "./version.js";
import { createAlertingRuntime, type AlertingRuntime, type NotifyRetry } from "./alerting-runtime.js";
import { healthEntry, safetyEntry } from "./http/health-router.js";
import { alertJson } from "./http/alerts-router.js";
import { initialEquityResolver } from "./http/export-router.js";
import { LiveHub } from "./live/hub.js";
import { liveListener } from "./live/wiring.js";
import { performanceJson } from "./http/json.js";
import { startSources } from "./sources/start.js";

export interface ExporterOptions {
  clock?: Clock;
  logger?: Logger;
  /** Directory of the built-in dashboard; defaults to the package's `web/` when it exists. */
  webDir?: string;
  /** Applied events between engine snapshots (default 10,000). */
  snapshotEvery?: number;
  /** The notifier's per-attempt timeout, attempts and first backoff (defaults: 10 s, 3, 1 s). */
  notifyRetry?: NotifyRetry;
}

export interface Exporter {
  readonly config: Config;
  readonly engine: Engine;
  readonly pipeline: IngestPipeline;
  readonly journal: Journal;
  readonly metrics: ExporterMetrics;
  readonly alerts: AlertingRuntime;
  readonly app: ReturnType<typeof createApp>;
  /** Validates, stores and applies one event or an array of events (§3), like POST /api/v1/events. */
  ingest(body: unknown): Promise<IngestResult>;
  /** Starts listening on `config.listen` (or the given port); resolves to the bound address. */
  listen(port?: number, host?: string): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
}

/** Rebuilds the engine: the newest snapshot taken under the same settings, then the tail of the journal. */
export function restoreEngine(
  journal: Journal,
  settings: MetricsSettings,
  clock: Clock,
  logger: Logger,
): { engine: Engine; replayed: number } {
  const fingerprint = Engine.settingsFingerprint(settings);
  const snap = journal.latestSnapshot(fingerprint);
  let engine = new Engine(settings, clock);
  let from = 0;
  if (snap) {
    try {
      // Written by Engine.snapshot(); fromSnapshot() refuses another version or other settings.
      engine = Engine.fromSnapshot(JSON.parse(snap.data) as EngineSnapshotData, settings, clock);
      from = snap.seq;
    } catch (err) {
      logger.warn({ err }, "engine snapshot unusable; replaying the whole journal");
    }
  }
  let replayed = 0;
  for (const { seq, event } of journal.eventsAfter(from)) {
    // From the start, the journal must still hold the first event: when retention removed the head
    // and no snapshot of this state format and these settings covers it, replaying would give other
    // figures than before (§15) — refuse instead.
    if (from === 0 && replayed === 0 && seq !== 1) {
      throw new Error(
        "retention removed events that the state needs, and no state snapshot of this version and these metrics settings covers them; restore the previous version or settings",
      );
    }
    engine.apply(event);
    replayed++;
  }
  return { engine, replayed };
}

export async function createExporter(config: Config, options: ExporterOptions = {}): Promise<Exporter> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const journal = Journal.open(config.data_dir);
  const secrets = resolveHmacSecrets(config, logger);
  const settings = metricsSettings(config);
  const started = Date.now();
  const { engine, replayed } = restoreEngine(journal, settings, clock, logger);
  logger.info({ bots: engine.bots().length, replayed, ms: Date.now() - started }, "state restored");

  const pipeline = new IngestPipeline({
    journal,
    engine,
    clock,
    logger,
    maxBots: config.max_bots,
    maxFutureSeconds: config.ingest.max_future_seconds,
    snapshotEvery: options.snapshotEvery,
    fingerprint: Engine.settingsFingerprint(settings),
  });
  if (replayed > 0) pipeline.snapshot();

  // Alerting starts from the restored state, so a restart neither resolves nor re-sends what fired.
  const alerts = createAlertingRuntime({ config, engine, journal, clock, logger, retry: options.notifyRetry });
  // The live hub needs the HTTP server, so it is made in listen(); until then nobody is connected.
  let hub: LiveHub | undefined;
  // Sources start with alerting already listening, before the app takes requests.
  alerts.start();
  const ways = startSources(config, {
    pipeline,
    journal,
    clock,
    logger,
    knownMaxPositions: (bot) => (engine.hasBot(bot) ? engine.safety(bot).positions.max : null),
  });
  const sources = ways.sources;
  const metrics = createExporterMetrics(
    {
      bots: () => engine.bots(),
      performance: (bot) => engine.performance(bot),
      safety: (bot) => engine.safety(bot),
      health: (bot) => {
        const h = alerts.alerting.health(bot)!;
        return { level: h.level, stale: h.stale, api_status: h.api.status, api_latency_ms: h.api.latency_ms };
      },
      alerting: () => alerts.metricsView(),
      websocketClients: () => hub?.clients() ?? 0,
      groups: () => engine.groups().map((g) => engine.group(g)),
      sources: () => ways.health.snapshot(),
    },
    VERSION,
  );
  pipeline.addListener({
    applied: (event) => metrics.eventAccepted(event.type),
    // trading_duplicate_trades_total counts trades; other repeats only show in the reply.
    duplicate: (event) => {
      if (event.type === "trade") metrics.duplicateTrade(event.bot);
    },
    botsChanged: (bots) => alerts.botsChanged(bots),
  });
  pipeline.addListener(
    liveListener({ tradeApplied: (bot, trade) => hub?.tradeApplied(bot, trade), botChanged: (bot) => hub?.botChanged(bot) }),
  );
  alerts.onAlert((record) => hub?.alert(alertJson(record)));

  let ready = true;
  const app = createApp({
    pipeline,
    engine,
    alerting: alerts.alerting,
    metrics,
    clock,
    logger,
    auth: { secrets: () => secrets, maxClockSkewSeconds: config.auth.max_clock_skew_seconds, readToken: config.auth.read_token },
    corsOrigins: config.http.cors_origins,
    isReady: () => ready && journal.db.open,
    alertTest: {
      channels: alerts.channels,
      externalUrl: config.external_url ?? null,
      testPerMinute: config.alerts.test_rate_limit_per_minute,
    },
    export: { db: journal.db, initialEquity: initialEquityResolver(settings), logger },
    freqtradeWebhook: ways.freqtradeWebhook,
    webDir: options.webDir,
  });

  const retention = config.retention_days
    ? setInterval(() => {
        const removed = journal.pruneBefore(clock.now() - config.retention_days! * 86_400_000, Engine.settingsFingerprint(settings));
        if (removed > 0) logger.info({ removed }, "retention: old raw events removed");
      }, 3_600_000).unref()
    : undefined;

  let server: Server | undefined;
  return {
    config,
    engine,
    pipeline,
    journal,
    metrics,
    alerts,
    app,
    ingest: (body) => pipeline.ingest(body),
    listen(port, host) {
      const address = listenAddress(config);
      server = createServer(app);
      const s = server;
      hub = new LiveHub({
        server: s,
        readToken: config.auth.read_token,
        logger,
        clock,
        metricsIntervalMs: config.websocket.metrics_interval_ms,
        maxBufferedBytes: config.websocket.max_buffered_bytes,
        pingIntervalMs: config.websocket.ping_interval_seconds * 1000,
        allowedOrigins: config.websocket.allowed_origins,
        maxClients: config.websocket.max_clients,
        maxMessagesPerSecond: config.websocket.max_messages_per_second,
        snapshot: {
          bots: () => engine.bots(),
          metrics: (bot) => performanceJson(engine.performance(bot)),
          health: (bot) => healthEntry(engine, alerts.alerting, bot),
          safety: (bot) => safetyEntry(engine, alerts.alerting, bot),
        },
      });
      return new Promise((resolve, reject) => {
        s.once("error", reject);
        s.listen(port ?? address.port, host ?? address.host, () => {
          const a = s.address() as AddressInfo;
          const shownHost = a.family === "IPv6" ? `[${a.address}]` : a.address;
          logger.info({ address: `${shownHost}:${a.port}` }, "listening");
          resolve({ host: a.address, port: a.port, url: `http://${shownHost}:${a.port}` });
        });
      });
    },
    async close() {
      ready = false;
      if (retention) clearInterval(retention);
      await Promise.all(sources.map((s) => s.stop()));
      hub?.close();
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      await pipeline.close();
      await alerts.stop();
      journal.close();
    },
  };
}
