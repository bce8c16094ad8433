// Environment overrides (§12), with the variable names bot operators already use. They are merged into
// the raw file content before validation, so the schema checks env values like file values, and
// `provenance` lets an error name the variable instead of the key. The channels' variables are
// declared by the channels themselves (src/notify/channels/).
import { CHANNEL_DEFINITIONS, type ChannelName } from "../notify/channels/index.js";
import type { ChannelDeclaration, EnvKind } from "./extension-points.js";

export type { EnvKind };

export interface EnvVar {
  name: string;
  /** Config key path it sets. */
  path: string[];
  kind: EnvKind;
  /** Its value is a secret: never echoed. */
  secret?: boolean;
  /** Sibling key it replaces (`x_file` when the variable gives `x`): the environment wins over the file. */
  replaces?: string;
  /** Channel it turns on when the channel's own enabling variable is unset ("credentials present = channel enabled"). */
  enables?: ChannelName;
}

/** A channel's variables, as its definition declares them: its enabling switch first, then its keys. */
function channelVars(channel: ChannelDeclaration): EnvVar[] {
  const at = (key: string) => ["notifications", channel.name, key];
  const vars: EnvVar[] = channel.env.enabled ? [{ name: channel.env.enabled, path: at("enabled"), kind: "boolean" }] : [];
  for (const v of channel.env.vars) {
    const secret = channel.secrets.some((s) => s.key === v.key);
    vars.push({
      name: v.name,
      path: at(v.key),
      kind: v.kind,
      ...(secret ? { secret: true, replaces: `${v.key}_file` } : {}),
      ...(v.enables ? { enables: channel.name as ChannelName } : {}),
    });
  }
  return vars;
}

export const ENV_VARS: readonly EnvVar[] = [
  { name: "LISTEN_ADDRESS", path: ["listen"], kind: "string" },
  { name: "DATA_DIR", path: ["data_dir"], kind: "string" },
  { name: "HMAC_SECRET", path: ["auth", "hmac_secrets"], kind: "list", secret: true, replaces: "hmac_secrets_file" },
  { name: "READ_TOKEN", path: ["auth", "read_token"], kind: "string", secret: true, replaces: "read_token_file" },
  { name: "INITIAL_EQUITY", path: ["metrics", "initial_equity"], kind: "number" },
  { name: "NOTIFICATIONS_ENABLED", path: ["notifications", "enabled"], kind: "boolean" },
  ...CHANNEL_DEFINITIONS.flatMap(channelVars),
];

/** Names the config file; read by the loader, not merged. */
export const CONFIG_FILE_VAR = "TRADING_EXPORTER_CONFIG";

const ENABLED_VAR = new Map(CHANNEL_DEFINITIONS.map((c) => [c.name, c.env.enabled]));

export interface EnvProblem {
  variable: string;
  message: string;
}

export interface EnvMerge {
  /** The raw config with overrides applied (a copy; the input is not modified). */
  raw: Record<string, unknown>;
  /** Dotted key path → the variable that set it. */
  provenance: Map<string, string>;
  problems: EnvProblem[];
}

export function parseBoolean(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (["true", "1", "yes"].includes(t)) return true;
  if (["false", "0", "no"].includes(t)) return false;
  return undefined;
}

function convert(v: EnvVar, text: string): { value: unknown } | { error: string } {
  const got = v.secret ? "" : ` (got ${JSON.stringify(text)})`;
  switch (v.kind) {
    case "string":
      return { value: text.trim() };
    case "list":
      return {
        value: text
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== ""),
      };
    case "boolean": {
      const b = parseBoolean(text);
      return b === undefined ? { error: `must be true/false, 1/0 or yes/no${got}` } : { value: b };
    }
    case "number":
    case "integer": {
      const n = Number(text.trim());
      if (!Number.isFinite(n)) return { error: `must be a number${got}` };
      if (v.kind === "integer" && !Number.isInteger(n)) return { error: `must be an integer${got}` };
      return { value: n };
    }
  }
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Sets `path` in `root`, creating missing sections. When a section in the way is not a mapping the
 * file is already invalid there; that error is reported by validation, so the override is dropped.
 */
function setPath(root: Record<string, unknown>, path: string[], value: unknown, replaces?: string): boolean {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (node[key] === undefined || node[key] === null) node[key] = {};
    const next = node[key];
    if (!isMapping(next)) return false;
    node = next;
  }
  node[path[path.length - 1]!] = value;
  if (replaces) delete node[replaces];
  return true;
}

/**
 * Merges the variables in `env` into a copy of `raw`. Empty variables count as unset (compose files
 * often pass `SLACK_WEBHOOK=${SLACK_WEBHOOK}` through empty).
 */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): EnvMerge {
  const merged = structuredClone(raw);
  const provenance = new Map<string, string>();
  const problems: EnvProblem[] = [];
  const isSet = (name: string) => (env[name] ?? "").trim() !== "";
  let channelEnabledByCredential: string | undefined;

  for (const v of ENV_VARS) {
    if (!isSet(v.name)) continue;
    const converted = convert(v, env[v.name]!);
    if ("error" in converted) {
      problems.push({ variable: v.name, message: converted.error });
      continue;
    }
    if (!setPath(merged, v.path, converted.value, v.replaces)) continue;
    provenance.set(v.path.join("."), v.name);
    const own = v.enables && ENABLED_VAR.get(v.enables);
    if (v.enables && !(own && isSet(own))) {
      setPath(merged, ["notifications", v.enables, "enabled"], true);
      provenance.set(`notifications.${v.enables}.enabled`, v.name);
      channelEnabledByCredential ??= v.name;
    }
  }
  // A credential in the environment means "send there": without the master switch it would be inert.
  if (channelEnabledByCredential && !isSet("NOTIFICATIONS_ENABLED")) {
    if (setPath(merged, ["notifications", "enabled"], true)) {
      provenance.set("notifications.enabled", channelEnabledByCredential);
    }
  }
  return { raw: merged, provenance, problems };
}
