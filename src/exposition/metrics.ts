// The /metrics contract of §9. One dedicated registry per format (Prometheus text and
// OpenMetrics), never the global one; prom-client formats the text and adds its process_*/nodejs_*
// metrics. Every trading_* value is read from the in-memory state at scrape time: one ScrapeView
// per scrape, read from the engine once, so a scrape is internally consistent; the families
// (families.ts) write their series from it without per-series label hashing (ready-family.ts).
//
// Reading every bot's snapshots and writing its ~80 series on each scrape made a scrape cost
// proportional to the fleet. The source says, per bot, what its figures were read from (its
// revision); a bot whose revision is unchanged keeps its view objects, and the families keep the
// lines written from them, so a scrape reads and writes only the bots that changed.
import client, { Registry, type OpenMetricsContentType, type RegistryContentType } from "prom-client";
import type { GroupSnapshot, PerformanceSnapshot, SafetySnapshot } from "../domain/snapshots.js";
import { EVENT_TYPES } from "../domain/events.js";
import { ALERTING_FAMILIES, EXPORTER_FAMILIES, HEALTH_FAMILIES, PERFORMANCE_FAMILIES, SAFETY_FAMILIES, type Family } from "./families.js";
import type { AlertingView, BotAlertingView, BotHealthView, BotView, ScrapeView, SourceHealthView, StoreView } from "./scrape-view.js";
import { ExpositionRegistry, ReadyFamily } from "./ready-family.js";
import { SOURCE_FAMILIES } from "./source-metrics.js";
import { GROUP_ALERTING_FAMILIES, GROUP_FAMILIES } from "./group-metrics.js";
import { STORE_FAMILIES } from "./store-metrics.js";
import { addEventLoopLag } from "./event-loop-lag.js";

export type { AlertingView } from "./scrape-view.js";

/** What the exposition reads; the server provides it. */
export interface ExpositionSource {
  bots(): string[];
  performance(bot: string): PerformanceSnapshot;
  safety(bot: string): SafetySnapshot;
  /** Health per bot; without it the health families are left out. */
  health?(bot: string): BotHealthView;
  /** The fleet's alerting figures; without it (and botAlerting) the alerting families are left out. */
  alerting?(): AlertingView;
  /** One bot's triggers and counts; given with alerting. */
  botAlerting?(bot: string): BotAlertingView;
  /**
   * Two keys that change whenever what they cover may have changed: `state`, the bot's
   * performance, safety and health (its events, the day, its staleness, the probe's verdict);
   * `alerting`, its triggers and counts. A bot whose keys are unchanged is not read again.
   * Without revision every bot is read afresh on every scrape.
   */
  revision?(bot: string): { state: string; alerting: number };
  /** Health of the configured ways in (§18). */
  sources?(): SourceHealthView;
  /** The event store's room and faults (§15). */
  store?(): StoreView;
  websocketClients?(): number;
  /** Every configured group's figures (§19). */
  groups?(): GroupSnapshot[];
}

export interface RenderOptions {
  /** Every bot read and written afresh, the cache neither read nor filled: what a cached render must equal. */
  fresh?: boolean;
}

export interface ExporterMetrics {
  /** Serves the registry matching the scraper's Accept header. */
  render(accept: string | undefined, options?: RenderOptions): Promise<{ contentType: string; body: string }>;
  /** The same body as Buffers to write one after the other (blocks cached since the last change are reused). */
  renderChunks(accept: string | undefined): Promise<{ contentType: string; chunks: Buffer[] }>;
  eventAccepted(type: string): void;
  eventRejected(reason: string, count?: number): void;
  duplicateTrade(bot: string): void;
}

/**
 * prom-client's default metrics, minus three gauges named like counters that promtool rejects,
 * with the event-loop-lag gauges from a cheaper histogram (event-loop-lag.ts).
 */
function addDefaultMetrics(register: Registry<RegistryContentType>): void {
  client.collectDefaultMetrics({ register });
  addEventLoopLag(register);
  // The same numbers stay available per type in nodejs_active_{handles,requests,resources}.
  for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) {
    register.removeSingleMetric(name);
  }
}

export function createExporterMetrics(source: ExpositionSource, version: string): ExporterMetrics {
  const events = new Map<string, number>(EVENT_TYPES.map((t) => [t, 0]));
  const rejected = new Map<string, number>();
  const duplicates = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string, by = 1) => map.set(key, (map.get(key) ?? 0) + by);

  const readState = (bot: string) => ({ perf: source.performance(bot), safety: source.safety(bot), health: source.health?.(bot) });
  const readAlerting = (bot: string) => source.botAlerting?.(bot);
  /** Each bot's view as of its keys. */
  const cached = new Map<string, { state: string; alerting: number; view: BotView }>();
  const botView = (bot: string, fresh: boolean): BotView => {
    if (fresh || !source.revision) return { bot, state: readState(bot), alerting: readAlerting(bot) };
    const keys = source.revision(bot);
    const last = cached.get(bot);
    if (last && last.state === keys.state && last.alerting === keys.alerting) return last.view;
    const view: BotView = {
      bot,
      state: last && last.state === keys.state ? last.view.state : readState(bot),
      alerting: last && last.alerting === keys.alerting ? last.view.alerting : readAlerting(bot),
    };
    cached.set(bot, { ...keys, view });
    return view;
  };

  let view: ScrapeView | undefined;
  const refresh = (fresh: boolean): void => {
    view = {
      bots: source.bots().map((bot) => botView(bot, fresh)),
      fresh,
      alerting: source.alerting?.(),
      sources: source.sources?.(),
      store: source.store?.(),
      groups: source.groups?.() ?? [],
      events,
      rejected,
      duplicates,
      version,
      websocketClients: source.websocketClients?.() ?? 0,
    };
  };

  const families: Family[] = [
    ...PERFORMANCE_FAMILIES,
    ...SAFETY_FAMILIES,
    ...(source.health ? HEALTH_FAMILIES : []),
    ...(source.alerting && source.botAlerting ? ALERTING_FAMILIES : []),
    ...(source.sources ? SOURCE_FAMILIES : []),
    ...GROUP_FAMILIES,
    ...(source.alerting ? GROUP_ALERTING_FAMILIES : []),
    ...EXPORTER_FAMILIES,
    ...(source.store ? STORE_FAMILIES : []),
  ];
  const text = new ExpositionRegistry();
  const openMetrics = new ExpositionRegistry<OpenMetricsContentType>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  for (const register of [text, openMetrics] as Array<Registry<RegistryContentType>>) {
    // One instance per registry: the OpenMetrics one renames counters (drops `_total`) in place.
    for (const f of families) register.registerMetric(new ReadyFamily(f, () => view!) as never);
    addDefaultMetrics(register);
  }

  const registryFor = (accept: string | undefined) => (accept?.includes("application/openmetrics-text") ? openMetrics : text);
  return {
    async render(accept, options = {}) {
      const registry = registryFor(accept);
      refresh(options.fresh === true);
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    async renderChunks(accept) {
      const registry = registryFor(accept);
      refresh(false);
      return { contentType: registry.contentType, chunks: await registry.metricsChunks() };
    },
    eventAccepted: (type) => void bump(events, type),
    eventRejected: (reason, count = 1) => void bump(rejected, reason, count),
    duplicateTrade: (bot) => void bump(duplicates, bot),
  };
}
