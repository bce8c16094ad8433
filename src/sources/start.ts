// Starts the configured ways in (§11, §18, `sources.*`): one Freqtrade poller per configured bot,
// one tail per JSONL file, the Freqtrade webhook receiver and one MQTT subscriber per Hummingbot
// broker, all feeding the same ingestion pipeline and reporting to one SourceHealth.
import type { Config } from "../config/index.js";
import type { Clock } from "../domain/clock.js";
import type { IngestPipeline } from "../ingest/pipeline.js";
import type { Logger } from "../logger.js";
import type { Journal } from "../store/journal.js";
import { FreqtradeSource } from "./freqtrade.js";
import { FreqtradeWebhookSource } from "./freqtrade-webhook.js";
import { SourceHealth, type SourceHealthEntry } from "./health.js";
import { JsonlSource } from "./jsonl.js";
import { HummingbotSource } from "./hummingbot/source.js";
import type { Source, SourceState, SourceStatus } from "./types.js";

export interface StartedSources {
  sources: Source[];
  health: SourceHealth;
  /** Present when `sources.freqtrade_webhook` lists a bot; the HTTP route hands deliveries to it. */
  freqtradeWebhook?: FreqtradeWebhookSource;
}

export interface SourceWiring {
  pipeline: IngestPipeline;
  journal: Journal;
  clock: Clock;
  logger: Logger;
  /** The bot's last reported max positions (the poller's), for the webhook's positions events. */
  knownMaxPositions: (bot: string) => number | null;
}

function polled(source: string, bot: string, status: () => SourceStatus): () => SourceHealthEntry[] {
  return () => {
    const s = status();
    return [{ source, bot, up: s.ok && s.last_success_at !== null, last_message_at: s.last_success_at }];
  };
}

export function startSources(config: Config, deps: SourceWiring): StartedSources {
  const state: SourceState = { get: (k) => deps.journal.stateGet(k), set: (k, v) => deps.journal.stateSet(k, v) };
  const common = { sink: deps.pipeline, state, clock: deps.clock };
  const health = new SourceHealth();
  const sources: Source[] = [];
  for (const s of config.sources.freqtrade) {
    const poller = new FreqtradeSource(
      { bot: s.bot, url: s.url, username: s.username, password: s.password ?? "", poll_interval_seconds: s.poll_interval_seconds },
      { ...common, logger: deps.logger.child({ source: "freqtrade", bot: s.bot }) },
    );
    health.addProvider(polled("freqtrade", s.bot, () => poller.status()));
    sources.push(poller);
  }
  for (const s of config.sources.jsonl) {
    const tail = new JsonlSource(
      { bot: s.bot, path: s.path },
      { ...common, logger: deps.logger.child({ source: "jsonl", bot: s.bot }), maxFutureSeconds: config.ingest.max_future_seconds },
    );
    health.addProvider(polled("jsonl", s.bot, () => tail.status()));
    sources.push(tail);
  }
  let freqtradeWebhook: FreqtradeWebhookSource | undefined;
  if (config.sources.freqtrade_webhook.length > 0) {
    freqtradeWebhook = new FreqtradeWebhookSource(
      config.sources.freqtrade_webhook.map((s) => ({ bot: s.bot, token: s.token ?? "" })),
      {
        ...common,
        health,
        staleAfterSeconds: config.health.stale_after_seconds,
        knownMaxPositions: deps.knownMaxPositions,
        logger: deps.logger.child({ source: "freqtrade_webhook" }),
      },
    );
    sources.push(freqtradeWebhook);
  }
  for (const [i, s] of config.sources.hummingbot.entries()) {
    sources.push(
      new HummingbotSource(
        { ...s, password: s.password },
        {
          ...common,
          health,
          initialEquity: (bot) => config.bots[bot]?.initial_equity ?? config.metrics.initial_equity,
          staleAfterSeconds: config.health.stale_after_seconds,
          maxBots: config.max_bots,
          logger: deps.logger.child({ source: "hummingbot", broker: i }),
        },
      ),
    );
  }
  for (const source of sources) source.start();
  return { sources, health, freqtradeWebhook };
}
