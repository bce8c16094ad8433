// The lead's express app (createApp) with the live hub and the export router plugged in the way
// the exporter wires them — a real journal, engine and pipeline on a temp dir, a real server.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { systemClock } from "../../src/domain/clock.js";
import { HEALTH_DEFAULTS } from "../../src/domain/health.js";
import { Engine } from "../../src/engine/engine.js";
import type { MetricsSettings } from "../../src/engine/types.js";
import { createExporterMetrics } from "../../src/exposition/metrics.js";
import { createApp } from "../../src/http/app.js";
import { exportRouter, initialEquityResolver } from "../../src/http/export-router.js";
import { IngestPipeline } from "../../src/ingest/pipeline.js";
import { LiveHub } from "../../src/live/hub.js";
import { engineSnapshotProvider, liveListener } from "../../src/live/wiring.js";
import { silentLogger } from "../../src/logger.js";
import { Journal } from "../../src/store/journal.js";

export const WEB_DIR = fileURLToPath(new URL("../../web/", import.meta.url));

export interface LiveApp {
  url: string;
  hub: LiveHub;
  server: Server;
  pipeline: IngestPipeline;
  /** Replaces the hub (as a restart of the stream would): connected pages lose their socket. */
  restartHub(): void;
  close(): Promise<void>;
}

export async function startLiveApp(readToken?: string): Promise<LiveApp> {
  const dir = mkdtempSync(join(tmpdir(), "browser-test-"));
  const journal = Journal.open(dir);
  const settings: MetricsSettings = {
    initial_equity: 10_000,
    window_trades: 100,
    annualization_factor: 365,
    daily_window_days: 90,
    daily_annualization_factor: 365,
    timezone: "UTC",
    bots: {},
  };
  const clock = systemClock;
  const engine = new Engine(settings, clock);
  const pipeline = new IngestPipeline({ journal, engine, clock, logger: silentLogger, maxBots: 100, fingerprint: Engine.settingsFingerprint(settings) });
  let hub: LiveHub;
  const metrics = createExporterMetrics(
    { bots: () => engine.bots(), performance: (b) => engine.performance(b), safety: (b) => engine.safety(b), websocketClients: () => hub.clients() },
    "test",
  );
  const app = createApp({
    pipeline,
    engine,
    metrics,
    clock,
    logger: silentLogger,
    auth: { secrets: () => ["browser-test-secret-0123456789"], maxClockSkewSeconds: 300, readToken },
    isReady: () => true,
    routers: [exportRouter({ db: journal.db, initialEquity: initialEquityResolver(settings) })],
    webDir: WEB_DIR,
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const snapshot = engineSnapshotProvider(engine, clock, HEALTH_DEFAULTS);
  const makeHub = () => new LiveHub({ server, readToken, snapshot, logger: silentLogger, metricsIntervalMs: 100 });
  hub = makeHub();
  pipeline.addListener(liveListener({ tradeApplied: (b, t) => hub.tradeApplied(b, t), botChanged: (b) => hub.botChanged(b) }));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get hub() {
      return hub;
    },
    server,
    pipeline,
    restartHub() {
      hub.close();
      hub = makeHub();
    },
    async close() {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pipeline.close();
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
