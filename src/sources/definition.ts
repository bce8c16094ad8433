// The one interface a way in (§11, §18) is registered with: a source is one definition file in
// src/sources/definitions/ (its `sources.<key>` entry schema, secret keys and start function) and
// one line in the registry (src/sources/definitions/index.ts). The config schema, the `_file`
// secrets and startSources read the registry.
//
// A definition loads its implementation only when it starts: the config (and so every CLI verb)
// reads the definitions, and only `serve` pays for the pollers, tails and MQTT clients behind them.
import type { z } from "zod";
import { isGiven, sectionSchema, type SectionSchema, type SecretKey } from "../config/extension-points.js";
import type { Clock } from "../domain/clock.js";
import type { SourceHealth } from "./health.js";
import type { DurableSink, Source, SourceLogger, SourceState } from "./types.js";

/** Settings of other sections the sources read. */
export interface SourceSettings {
  /** `health.stale_after_seconds`. */
  staleAfterSeconds: number;
  /** `ingest.max_future_seconds`. */
  maxFutureSeconds: number;
  /** `max_bots`. */
  maxBots: number;
  /** `bots.<bot>.initial_equity`, else `metrics.initial_equity`. */
  initialEquity: (bot: string) => number;
}

/** What every source is started with. */
export interface SourceContext {
  sink: DurableSink;
  state: SourceState;
  clock: Clock;
  health: SourceHealth;
  /** A logger whose lines carry these fields (source, bot, …). */
  logger: (fields: Record<string, unknown>) => SourceLogger;
  settings: SourceSettings;
  /** The bot's last reported max positions (the poller's), for sources that report positions without it. */
  knownMaxPositions: (bot: string) => number | null;
}

export interface SourceSpec<Key extends string, S extends z.ZodRawShape, K extends string & keyof S> {
  /** The config key, `sources.<key>`: a list of entries. */
  key: Key;
  /** How prose calls it ("Freqtrade poller"). */
  label: string;
  /** The keys of one entry, with their defaults. */
  settings: S;
  /** Keys holding secrets: each may be given as `<key>_file` instead, and is never echoed. */
  secrets?: readonly SecretKey<K>[];
  /** Keys every entry needs (a secret counts as given through its `_file` too). */
  required?: readonly (string & keyof S)[];
  /** Further rules for one entry. */
  refine?: (entry: z.output<SectionSchema<S, K>>, ctx: z.RefinementCtx) => void;
  /** A field two entries may not share (two pollers of one bot would count its equity twice), and how to say so. */
  unique?: { field: string & keyof S; message: (value: string) => string };
  /** Starts the entries' sources (not yet `start()`ed: startSources does that once all are built). */
  start: (entries: z.output<SectionSchema<S, K>>[], ctx: SourceContext) => Promise<Source[]>;
}

export type SourceDefinition<Key extends string, S extends z.ZodRawShape, K extends string & keyof S> = Pick<
  SourceSpec<Key, S, K>,
  "key" | "label" | "unique" | "start"
> & {
  secrets: readonly SecretKey<K>[];
  /** One entry of `sources.<key>`: strict, every secret also as `<key>_file`. */
  entry: SectionSchema<S, K>;
};

/** A definition with its types forgotten, as the registry's consumers walk it. */
export interface AnySourceDefinition {
  readonly key: string;
  readonly label: string;
  readonly secrets: readonly SecretKey[];
  readonly entry: z.ZodType;
  readonly unique?: { field: string; message: (value: string) => string };
  readonly start: (entries: never[], ctx: SourceContext) => Promise<Source[]>;
}

export function defineSource<Key extends string, S extends z.ZodRawShape, K extends string & keyof S>(
  spec: SourceSpec<Key, S, K>,
): SourceDefinition<Key, S, K> {
  const secrets = spec.secrets ?? [];
  const entry = sectionSchema(spec.settings, secrets, (value, ctx) => {
    for (const key of spec.required ?? []) {
      if (isGiven(value, key)) continue;
      const how = secrets.some((s) => s.key === key) ? ` (set ${key} or ${key}_file)` : "";
      ctx.addIssue({ code: "custom", path: [key], message: `is required${how}` });
    }
    spec.refine?.(value as z.output<SectionSchema<S, K>>, ctx);
  });
  const { key, label, unique, start } = spec;
  return { key, label, secrets, entry, ...(unique ? { unique } : {}), start };
}
