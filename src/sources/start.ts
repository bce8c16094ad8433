// Starts the configured ways in (SPEC §11, `sources.*`): one Freqtrade poller per configured bot
// and one tail per JSONL file, all feeding the same ingestion pipeline.
import type { Config } from "../config/index.js";
import type { Clock } from "../domain/clock.js";
import type { IngestPipeline } from "../ingest/pipeline.js";
import type { Logger } from "../logger.js";
import type { Journal } from "../store/journal.js";
import { FreqtradeSource } from "./freqtrade.js";
import { JsonlSource } from "./jsonl.js";
import type { Source, SourceState } from "./types.js";

export function startSources(config: Config, deps: { pipeline: IngestPipeline; journal: Journal; clock: Clock; logger: Logger }): Source[] {
  const state: SourceState = { get: (k) => deps.journal.stateGet(k), set: (k, v) => deps.journal.stateSet(k, v) };
  const common = { sink: deps.pipeline, state, clock: deps.clock };
  const sources: Source[] = [
    ...config.sources.freqtrade.map(
      (s) =>
        new FreqtradeSource(
          { bot: s.bot, url: s.url, username: s.username, password: s.password ?? "", poll_interval_seconds: s.poll_interval_seconds },
          { ...common, logger: deps.logger.child({ source: "freqtrade", bot: s.bot }) },
        ),
    ),
    ...config.sources.jsonl.map((s) => new JsonlSource({ bot: s.bot, path: s.path }, { ...common, logger: deps.logger.child({ source: "jsonl", bot: s.bot }) })),
  ];
  for (const source of sources) source.start();
  return sources;
}
