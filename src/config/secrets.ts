// Secrets: reading `<key>_file` values, recognising secret keys, and redacting them. A secret's
// value must never reach a log line, an error message or `check-config` output.
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { urlOrigin } from "../domain/url-origin.js";
import { CHANNEL_DEFINITIONS } from "../notify/channels/index.js";
import { fileHoldsSharedSecret } from "./fields.js";
import type { Config } from "./schema.js";
import { SOURCE_DEFINITIONS } from "../sources/definitions/index.js";

/** Keys whose values are secret (or may embed one, like a Slack webhook URL), by the names such keys have. */
const SECRET_KEY = /(password|secret|secrets|token|webhook_url)$/i;

/** Every key a channel or a source declares as a secret, whatever its name. */
const DECLARED_SECRET_KEYS = new Set([...CHANNEL_DEFINITIONS, ...SOURCE_DEFINITIONS].flatMap((d) => d.secrets.map((s) => s.key)));

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || DECLARED_SECRET_KEYS.has(key);
}

/** True when a value at this path must not be echoed (any segment naming a secret, or any URL). */
export function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path.some((p) => typeof p === "string" && (isSecretKey(p) || /url$/i.test(p)));
}

export interface SecretFileProblem {
  path: (string | number)[];
  message: string;
}

type Section = Record<string, unknown>;

/** Where `<key>_file` may appear, and what the file must contain. */
interface SecretField {
  sections: (config: Config) => { path: (string | number)[]; section: Section }[];
  key: string;
  /** Check of the content; returns a message without the value, or null when fine. */
  check?: (value: string) => string | null;
}

const one = (path: string[], pick: (c: Config) => object) => (c: Config) => [{ path, section: pick(c) as Section }];

const SECRET_FIELDS: SecretField[] = [
  { sections: one(["auth"], (c) => c.auth), key: "read_token", check: fileHoldsSharedSecret },
  ...CHANNEL_DEFINITIONS.flatMap((channel) =>
    channel.secrets.map((secret) => ({
      sections: one(["notifications", channel.name], (c) => (c.notifications as unknown as Record<string, object>)[channel.name]!),
      key: secret.key,
      check: secret.check,
    })),
  ),
  ...SOURCE_DEFINITIONS.flatMap((source) =>
    source.secrets.map((secret) => ({
      sections: (c: Config) =>
        ((c.sources as unknown as Record<string, Section[]>)[source.key] ?? []).map((section, i) => ({
          path: ["sources", source.key, i],
          section,
        })),
      key: secret.key,
      check: secret.check,
    })),
  ),
];

function readSecretFile(file: string, baseDir: string): { text: string } | { error: string } {
  const full = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    return { text: readFileSync(full, "utf8") };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    return { error: `cannot read "${full}" (${code})` };
  }
}

/**
 * Reads every `<key>_file` into `<key>` (content trimmed) and every line of `auth.hmac_secrets_file`
 * into `auth.hmac_secrets` (blank lines and `#` comments skipped). Relative paths are resolved
 * against `baseDir` (the config file's directory). Mutates `config`; returns the problems found.
 */
export function resolveSecretFiles(config: Config, baseDir: string): SecretFileProblem[] {
  const problems: SecretFileProblem[] = [];
  for (const field of SECRET_FIELDS) {
    const fileKey = `${field.key}_file`;
    for (const { path, section } of field.sections(config)) {
      const file = section[fileKey];
      if (typeof file !== "string" || section[field.key] !== undefined) continue;
      const read = readSecretFile(file, baseDir);
      const at = [...path, fileKey];
      if ("error" in read) {
        problems.push({ path: at, message: read.error });
        continue;
      }
      const value = read.text.trim();
      const bad = value === "" ? "the file is empty" : (field.check?.(value) ?? null);
      if (bad) problems.push({ path: at, message: bad });
      else section[field.key] = value;
    }
  }
  const hmacFile = config.auth.hmac_secrets_file;
  if (hmacFile !== undefined && config.auth.hmac_secrets.length === 0) {
    const read = readSecretFile(hmacFile, baseDir);
    const at = ["auth", "hmac_secrets_file"];
    if ("error" in read) {
      problems.push({ path: at, message: read.error });
    } else {
      const lines = read.text.split(/\r?\n/).map((l) => l.trim());
      const secrets: string[] = [];
      lines.forEach((line, i) => {
        if (line === "" || line.startsWith("#")) return;
        const bad = fileHoldsSharedSecret(line);
        if (bad) problems.push({ path: at, message: `line ${i + 1}: ${bad}` });
        else secrets.push(line);
      });
      if (secrets.length === 0 && !problems.some((p) => p.path === at)) {
        problems.push({ path: at, message: "the file holds no secret (one per line)" });
      }
      config.auth.hmac_secrets = secrets;
    }
  }
  return problems;
}

export const REDACTED = "<redacted>";

function redactValue(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (isSecretKey(key)) {
    return Array.isArray(value) ? value.map(() => REDACTED) : REDACTED;
  }
  // Paths and queries of URLs hold tokens (webhooks, Telegram, probe keys): §16 shows the origin only.
  if (typeof value === "string" && /url$/i.test(key)) return urlOrigin(value);
  return redactTree(value);
}

function redactTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => redactTree(v));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(k, v)]));
  }
  return value;
}

/** A deep copy with every secret replaced by "<redacted>" (lists keep their length), for logs and check-config. */
export function redactConfig(config: Config): Config {
  return redactTree(config) as Config;
}
