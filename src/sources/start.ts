// Starts the configured ways in (§11, §18, `sources.*`): every source of the registry
// (src/sources/definitions/index.ts) with its configured entries, all feeding the same ingestion
// pipeline and reporting to one SourceHealth.
import type { Config } from "../config/index.js";
import type { Clock } from "../domain/clock.js";
import type { IngestPipeline } from "../ingest/pipeline.js";
import type { Logger } from "../logger.js";
import type { Journal } from "../store/journal.js";
import type { SourceContext } from "./definition.js";
import { SOURCE_DEFINITIONS } from "./definitions/index.js";
import { SourceHealth } from "./health.js";
import type { Source, SourceState } from "./types.js";

export interface StartedSources {
  sources: Source[];
  health: SourceHealth;
}

export interface SourceWiring {
  pipeline: IngestPipeline;
  journal: Journal;
  clock: Clock;
  logger: Logger;
  /** The bot's last reported max positions (the poller's), for the webhook's positions events. */
  knownMaxPositions: (bot: string) => number | null;
}

export async function startSources(config: Config, deps: SourceWiring): Promise<StartedSources> {
  const state: SourceState = { get: (k) => deps.journal.stateGet(k), set: (k, v) => deps.journal.stateSet(k, v) };
  const health = new SourceHealth();
  const ctx: SourceContext = {
    sink: deps.pipeline,
    state,
    clock: deps.clock,
    health,
    logger: (fields) => deps.logger.child(fields),
    settings: {
      staleAfterSeconds: config.health.stale_after_seconds,
      maxFutureSeconds: config.ingest.max_future_seconds,
      maxBots: config.max_bots,
      initialEquity: (bot) => config.bots[bot]?.initial_equity ?? config.metrics.initial_equity,
    },
    knownMaxPositions: deps.knownMaxPositions,
  };
  const sources: Source[] = [];
  for (const definition of SOURCE_DEFINITIONS) {
    const entries = (config.sources as unknown as Record<string, never[]>)[definition.key] ?? [];
    if (entries.length > 0) sources.push(...(await definition.start(entries, ctx)));
  }
  for (const source of sources) source.start();
  return { sources, health };
}
