// Assembles one exporter: store → engine (restored) → pipeline → exposition → HTTP app. The CLI's
// `serve`, the tests and library users (`createExporter`) all build it here.
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { listenAddress, metricsSettings, type Config } from "./config/index.js";
import { systemClock, type Clock } from "./domain/clock.js";
import { Engine } from "./engine/engine.js";
import { createExporterMetrics, type ExporterMetrics } from "./exposition/metrics.js";
import { createHttpHandler } from "./http/app.js";
import { IngestPipeline, type IngestResult } from "./ingest/pipeline.js";
import { silentLogger, type Logger } from "./logger.js";
import { Journal } from "./store/journal.js";
import { restoreEngine } from "./store/restore.js";
import { JournalReaders, Retention } from "./store/retention.js";
import { StoreHealth } from "./store/store-health.js";
import { resolveHmacSecrets } from "./store/hmac-secret.js";
import { VERSION } from "./version.js";
import { createDigestRuntime, type DigestRuntime } from "./digest-runtime.js";
import { createAlertingRuntime, type AlertingRuntime, type NotifyRetry } from "./alerting-runtime.js";
import { healthEntry, safetyEntry } from "./http/health-router.js";
import { alertJson } from "./http/alerts-router.js";
import { initialEquityResolver } from "./http/export-router.js";
import { LiveHub } from "./live/hub.js";
import { liveListener } from "./live/wiring.js";
import { performanceJson } from "./http/json.js";
import { FreqtradeWebhookSource } from "./sources/freqtrade-webhook.js";
import { startSources } from "./sources/start.js";

export { restoreEngine } from "./store/restore.js";

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
  /** The daily and weekly digests (§19). */
  readonly digests: DigestRuntime;
  /** Pruning of raw events, when `retention_days` is set (§15). */
  readonly retention: Retention | null;
  /** The express app (every route but the ingest fast path). */
  readonly app: ReturnType<typeof createHttpHandler>["app"];
  /** What the server runs: the ingest fast path, then the app. */
  readonly handle: RequestListener;
  /** Validates, stores and applies one event or an array of events (§3), like POST /api/v1/events. */
  ingest(body: unknown): Promise<IngestResult>;
  /** Starts listening on `config.listen` (or the given port); resolves to the bound address. */
  listen(port?: number, host?: string): Promise<{ host: string; port: number; url: string }>;
  close(): Promise<void>;
}

export async function createExporter(config: Config, options: ExporterOptions = {}): Promise<Exporter> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const journal = Journal.open(config.data_dir);
  // §15: a store that cannot take writes still starts, serving reads, with /readyz saying why.
  const store = new StoreHealth({ journal, minFreeBytes: config.storage.min_free_bytes, clock, logger });
  store.probe();
  const secrets = resolveHmacSecrets(config, logger);
  const settings = metricsSettings(config);
  const started = Date.now();
  let restored: ReturnType<typeof restoreEngine>;
  try {
    restored = restoreEngine(journal, settings, clock, logger);
  } catch (err) {
    journal.close();
    throw err;
  }
  const { engine, replayed, skipped } = restored;
  logger.info({ bots: engine.bots().length, replayed, skipped, ms: Date.now() - started }, "state restored");

  const pipeline = new IngestPipeline({
    journal,
    store,
    engine,
    clock,
    logger,
    maxBots: config.max_bots,
    maxFutureSeconds: config.ingest.max_future_seconds,
    snapshotEvery: options.snapshotEvery,
    fingerprint: Engine.settingsFingerprint(settings),
    // The replayed tail counts towards the next snapshot, so a start after kill -9 replays at most
    // `snapshotEvery` events plus one commit's, like every start before it.
    unsnapshotted: replayed,
  });
  // Only a replay that long (a fallback to an older snapshot, or the whole journal after a settings
  // change) is written at once: writing megabytes of state with an fsync before /readyz answers
  // cost a start after kill -9 more than replaying a normal tail does.
  if (store.failing() === null) pipeline.snapshotIfDue();

  // Alerting starts from the restored state, so a restart neither resolves nor re-sends what fired.
  const alerts = createAlertingRuntime({ config, engine, journal, clock, logger, retry: options.notifyRetry });
  // The live hub needs the HTTP server, so it is made in listen(); until then nobody is connected.
  let hub: LiveHub | undefined;
  // Sources start with alerting already listening, before the app takes requests.
  alerts.start();
  // Digests read the restored figures and alerts; the first check sends one missed while down (§19).
  const digests = createDigestRuntime({ config, engine, alerts, journal, clock, logger });
  digests.start();
  const ways = await startSources(config, {
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
      botAlerting: (bot) => alerts.alerting.botAlerting(bot),
      revision: (bot) => ({
        state: `${engine.revision(bot)} ${engine.today()} ${alerts.alerting.healthKey(bot, engine.activity(bot))}`,
        alerting: alerts.alerting.revision(bot),
      }),
      websocketClients: () => hub?.clients() ?? 0,
      groups: () => engine.groups().map((g) => engine.group(g)),
      sources: () => ways.health.snapshot(),
      store: () => {
        const faults = pipeline.faults();
        return {
          ...store.figures(),
          minFreeBytes: config.storage.min_free_bytes,
          writesFailing: store.failing() !== null,
          snapshotFailures: faults.snapshotFailures,
          applyFailures: faults.applyFailures + skipped,
        };
      },
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

  // Trade exports replay the journal; retention waits while one reads.
  const readers = new JournalReaders();
  let ready = true;
  const { app, handle } = createHttpHandler({
    pipeline,
    engine,
    alerting: alerts.alerting,
    groupAlerting: alerts.groupAlerting,
    metrics,
    clock,
    logger,
    auth: { secrets: () => secrets, maxClockSkewSeconds: config.auth.max_clock_skew_seconds, readToken: config.auth.read_token },
    corsOrigins: config.http.cors_origins,
    notReadyReasons: () => [...(ready && journal.db.open ? [] : ["stopping"]), ...store.notReadyReasons()],
    alertTest: {
      channels: alerts.channels,
      externalUrl: config.external_url ?? null,
      testPerMinute: config.alerts.test_rate_limit_per_minute,
    },
    digests: { sendTest: (kind, channel) => digests.sendTest(kind, channel), testPerMinute: config.alerts.test_rate_limit_per_minute },
    export: {
      // Read at each request: the journal opens a new connection when it recovers from a read-only start.
      get db() {
        return journal.db;
      },
      initialEquity: initialEquityResolver(settings),
      equityCurve: (bot) => engine.equityCurve(bot),
      readers,
      logger,
    },
    freqtradeWebhook: sources.find((s): s is FreqtradeWebhookSource => s instanceof FreqtradeWebhookSource),
    webDir: options.webDir,
  });

  const retention = config.retention_days
    ? new Retention({
        journal,
        clock,
        logger,
        retentionDays: config.retention_days,
        settings,
        snapshotNow: () => pipeline.snapshot({ force: true }),
        readers,
      })
    : null;
  retention?.start();

  let server: Server | undefined;
  return {
    config,
    engine,
    pipeline,
    journal,
    metrics,
    alerts,
    digests,
    retention,
    app,
    handle,
    ingest: (body) => pipeline.ingest(body),
    listen(port, host) {
      const address = listenAddress(config);
      server = createServer(handle);
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
      await retention?.stop();
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
      digests.stop();
      await alerts.stop();
      store.close();
      journal.close();
    },
  };
}
