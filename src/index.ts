// The library's public surface: `import { createExporter } from "trading-exporter"` (§11).
// Two ways in for a Node bot: run the exporter in the bot's own process (createExporter /
// createExporterFromOptions, then `exporter.ingest(event)`), or talk to a running exporter with
// TradingExporterClient. Everything else stays internal and may change.
import { parseConfig, type ConfigInput, type ParseOptions } from "./config/index.js";
import { createExporter, type Exporter, type ExporterOptions } from "./exporter.js";

export { createExporter, restoreEngine, type Exporter, type ExporterOptions } from "./exporter.js";
export {
  configSchema,
  ConfigError,
  loadConfig,
  parseConfig,
  type Config,
  type ConfigInput,
  type LoadOptions,
  type ParseOptions,
} from "./config/index.js";
export {
  eventInputSchema,
  EVENT_TYPES,
  type EventInput,
  type EventType,
  type FieldError,
  type TradingEvent,
  type TradeEvent,
} from "./domain/events.js";
export type { PerformanceSnapshot, SafetySnapshot, MetricsSettings, SharpeIndicator, ApiStatus } from "./domain/snapshots.js";
export type { HealthLevel, BotHealth } from "./domain/health.js";
export { Engine } from "./engine/engine.js";
export { ManualClock, systemClock, type Clock } from "./domain/clock.js";
export { sign, signedHeaders } from "./domain/signature.js";
export { IngestError } from "./ingest/ingest-error.js";
export type { IngestResult } from "./ingest/pipeline.js";
export {
  TradingExporterClient,
  TradingExporterError,
  TradingExporterUnavailableError,
  type AlertChannel,
  type AlertsQuery,
  type ClientOptions,
  type HealthResponse,
  type Ingested,
  type Problem,
  type RealtimeResponse,
  type RealtimeSnapshot,
  type TradeInput,
  type TriggerUpdate,
} from "./client.js";
export { openApiDocument } from "./openapi/document.js";

export interface ExporterFromOptions extends ExporterOptions {
  /** Environment variables to apply over the config (§12), e.g. `process.env`; none by default. */
  env?: NodeJS.ProcessEnv;
  /** Directory that `*_file` paths in the config are relative to (default: the working directory). */
  baseDir?: string;
}

/**
 * `createExporter` from a partial, YAML-shaped config object (snake_case keys, every key optional):
 * validated and defaulted exactly like a config file, so a typo is a ConfigError naming the key.
 *
 *     const exporter = await createExporterFromOptions({ data_dir: "./data", listen: "127.0.0.1:10077" });
 *     await exporter.ingest({ type: "trade", bot: "my-bot", id: "1", pnl: 12.5 });
 */
export async function createExporterFromOptions(config: ConfigInput = {}, options: ExporterFromOptions = {}): Promise<Exporter> {
  const { env, baseDir, ...exporterOptions } = options;
  const parseOptions: ParseOptions = { env, baseDir, source: "createExporterFromOptions" };
  return createExporter(parseConfig(config, parseOptions), exporterOptions);
}
