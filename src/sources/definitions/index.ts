// The registry of sources, the ways in (§11, §18). Adding a source is one definition file in this
// folder and one line in SOURCES; the `sources` config section, its `_file` secrets and
// startSources read this list.
import { z } from "zod";
import type { AnySourceDefinition } from "../definition.js";
import { freqtrade } from "./freqtrade.js";
import { freqtradeWebhook } from "./freqtrade-webhook.js";
import { hummingbot } from "./hummingbot.js";
import { jsonl } from "./jsonl.js";

/** Every source, in the order they are started and documented. */
export const SOURCES = [freqtrade, jsonl, freqtradeWebhook, hummingbot] as const;

type Definitions = (typeof SOURCES)[number];
export type SourceKey = Definitions["key"];
export const SOURCE_KEYS: readonly SourceKey[] = SOURCES.map((s) => s.key);

/**
 * The registry as its generic consumers walk it (config, secrets, startSources): each entry's
 * start function takes its own entry type, which a walker only knows as "an entry".
 */
export const SOURCE_DEFINITIONS = SOURCES as unknown as readonly AnySourceDefinition[];

type SectionShape = { [D in Definitions as D["key"]]: z.ZodDefault<z.ZodArray<D["entry"]>> };

/** `sources`: one list of entries per source. */
export const sourcesSchema = z
  .strictObject(
    Object.fromEntries(SOURCES.map((s) => [s.key, z.array(s.entry, { error: "must be a list of sources" }).default([])])) as SectionShape,
  )
  .superRefine((value, ctx) => {
    for (const source of SOURCE_DEFINITIONS) {
      const unique = source.unique;
      if (!unique) continue;
      const seen = new Set<string>();
      ((value as Record<string, Record<string, unknown>[]>)[source.key] ?? []).forEach((entry, i) => {
        const v = String(entry[unique.field]);
        if (seen.has(v)) {
          ctx.addIssue({ code: "custom", path: [source.key, i, unique.field], message: unique.message(v), params: { noEcho: true } });
        }
        seen.add(v);
      });
    }
  })
  .prefault({});
