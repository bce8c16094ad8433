// What an extension point (a notification channel, a source) declares about its configuration
// besides its keys: which keys hold secrets and which environment variables set them. The config
// loader reads these declarations from the registries (src/notify/channels/index.ts,
// src/sources/registry.ts) instead of naming each channel or source again.
import { z } from "zod";
import { exclusiveSecret, nonEmpty } from "./fields.js";

export type EnvKind = "string" | "number" | "integer" | "boolean" | "list";

/** A key that holds a secret (or embeds one, like a webhook URL); it may instead be given as `<key>_file` (§12). */
export interface SecretKey<K extends string = string> {
  key: K;
  /** Check of the file's content: a message without the value, or null when fine. */
  check?: (value: string) => string | null;
}

/** An environment variable that sets one key of a section (§12). */
export interface SectionEnvVar<K extends string = string> {
  name: string;
  key: K;
  kind: EnvKind;
  /** Its value is a credential: set, it turns the channel on when the channel's own enabling variable is unset. */
  enables?: boolean;
}

/** What the config reads of a channel's definition: its section's secrets and environment variables. */
export interface ChannelDeclaration {
  readonly name: string;
  readonly secrets: readonly SecretKey[];
  readonly env: { enabled?: string; vars: readonly SectionEnvVar[] };
}

type FileKeys<K extends string> = { [P in K as `${P}_file`]: z.ZodOptional<z.ZodString> };

/** A section's strict object with every secret's `<key>_file` sibling beside it. */
export type SectionSchema<S extends z.ZodRawShape, K extends string> = z.ZodObject<S & FileKeys<K>, z.core.$strict>;

/**
 * The keys of a section plus `<key>_file` for each secret; giving both halves of one secret is an
 * error (the issue points at the `_file` key). `refine` adds the section's own rules.
 */
export function sectionSchema<S extends z.ZodRawShape, K extends string & keyof S>(
  shape: S,
  secrets: readonly SecretKey<K>[],
  refine?: (value: Record<string, unknown>, ctx: z.RefinementCtx) => void,
): SectionSchema<S, K> {
  const files = Object.fromEntries(secrets.map((s) => [`${s.key}_file`, nonEmpty().optional()]));
  const keys = secrets.map((s) => s.key);
  const schema = z.strictObject({ ...shape, ...files }).superRefine((value: Record<string, unknown>, ctx) => {
    exclusiveSecret(keys)(value, ctx);
    refine?.(value, ctx);
  });
  return schema as unknown as SectionSchema<S, K>;
}

/** A key counts as given when it is set to something other than an empty list; a secret also through its `_file`. */
export function isGiven(section: Record<string, unknown>, key: string): boolean {
  const value = section[key];
  const given = value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
  return given || section[`${key}_file`] !== undefined;
}
