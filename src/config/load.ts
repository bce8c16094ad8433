// Loading: YAML file (optional) → environment overrides → strict validation → `_file` secrets.
// Every problem of every stage is collected and thrown together as one ConfigError.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import YAML, { isMap, isScalar, LineCounter, type Document } from "yaml";
import type { z } from "zod";
import { applyEnvOverrides, CONFIG_FILE_VAR, ENV_VARS } from "./env.js";
import { ConfigError, dotted, formatIssues, type KeyPath } from "./errors.js";
import { parseListen } from "./fields.js";
import { configSchema, type Config } from "./schema.js";
import { resolveSecretFiles } from "./secrets.js";

export interface LoadOptions {
  /** Config file path; defaults to `$TRADING_EXPORTER_CONFIG`. With neither, only defaults and env apply. */
  file?: string;
  /** Environment to read overrides from; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

interface ParsedFile {
  raw: Record<string, unknown>;
  doc?: Document;
  lines?: LineCounter;
}

/** Reads and parses the YAML file; YAML errors are reported with line and column, never with the source text. */
function parseFile(file: string): ParsedFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new ConfigError([`${file}: cannot read the config file (${code})`]);
  }
  const lines = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // The yaml package appends a snippet of the offending source to its messages; a secret could
    // sit on that line, so only the first sentence and the position are kept.
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        const where = `${file}:${pos.line}:${pos.col}`;
        const what = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
        return `${where}: YAML syntax error: ${what}`;
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError([`${file}: YAML error: ${(err as Error).message.split("\n")[0]}`]);
  }
  // An empty file (or one with only comments) is a valid "all defaults" config.
  if (value === null || value === undefined) return { raw: {}, doc, lines };
  if (typeof value !== "object" || Array.isArray(value)) {
    const got = Array.isArray(value) ? "a list" : `a ${typeof value}`;
    throw new ConfigError([`${file}:1: the document must be a mapping of keys (got ${got})`]);
  }
  return { raw: value as Record<string, unknown>, doc, lines };
}

/** 1-based line of the deepest existing node on `path` (or of the key `key` inside it). */
function lineFinder(parsed: ParsedFile) {
  return (path: KeyPath, key?: string): number | undefined => {
    const { doc, lines } = parsed;
    if (!doc || !lines) return undefined;
    const full = key === undefined ? [...path] : [...path, key];
    for (let n = full.length; n >= 0; n--) {
      const parentPath = full.slice(0, n - 1);
      const parent = n === 0 ? undefined : doc.getIn(parentPath as unknown[], true);
      if (n > 0 && isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(full[n - 1]));
        const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (range) return lines.linePos(range[0]).line;
      } else if (n > 0) {
        const node = doc.getIn(full.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lines.linePos(node.range[0]).line;
      }
    }
    return undefined;
  };
}

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
};
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys a mapping at `path` accepts, found by walking the schema (for "did you mean"). */
export function knownKeysAt(path: KeyPath): string[] {
  let schema: z.ZodType | undefined = configSchema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    for (;;) {
      const d = defOf(s);
      if (d.innerType) s = d.innerType;
      else if (d.type === "pipe" && d.in) s = d.in;
      else return s;
    }
  };
  for (const seg of path) {
    if (!schema) return [];
    const d = defOf(unwrap(schema));
    schema = d.type === "object" ? d.shape?.[String(seg)] : d.type === "record" ? d.valueType : d.type === "array" ? d.element : undefined;
  }
  if (!schema) return [];
  const d = defOf(unwrap(schema));
  return d.type === "object" && d.shape ? Object.keys(d.shape) : [];
}

/** Loads, merges and validates the configuration. Throws ConfigError listing every problem. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const fromEnv = (env[CONFIG_FILE_VAR] ?? "").trim();
  const file = options.file ?? (fromEnv === "" ? undefined : fromEnv);
  const parsed: ParsedFile = file === undefined ? { raw: {} } : parseFile(file);
  const baseDir = file === undefined ? process.cwd() : dirname(resolve(file));
  return build(parsed, file, env, baseDir);
}

export interface ParseOptions {
  /** Environment overrides to apply; none by default (a library caller passes what it wants). */
  env?: NodeJS.ProcessEnv;
  /** Directory `*_file` paths are relative to; the working directory by default. */
  baseDir?: string;
  /** Name used in error messages in place of a file name. */
  source?: string;
}

/**
 * Validates a config given as an object (YAML-shaped, snake_case), as the library's
 * `createExporter` may receive it: same rules, defaults, `*_file` reading and errors as a file.
 */
export function parseConfig(input: unknown, options: ParseOptions = {}): Config {
  const source = options.source ?? "config";
  if (input === null || input === undefined) input = {};
  if (typeof input !== "object" || Array.isArray(input)) {
    throw new ConfigError([
      `${source}: the config must be a mapping of keys (got ${Array.isArray(input) ? "a list" : `a ${typeof input}`})`,
    ]);
  }
  return build({ raw: input as Record<string, unknown> }, source, options.env ?? {}, options.baseDir ?? process.cwd());
}

function build(parsed: ParsedFile, file: string | undefined, env: NodeJS.ProcessEnv, baseDir: string): Config {
  const merged = applyEnvOverrides(parsed.raw, env);
  const problems = merged.problems.map((p) => {
    const key = ENV_VARS.find((v) => v.name === p.variable)?.path.join(".");
    return `environment (${p.variable}): ${key ? `${key}: ` : ""}${p.message}`;
  });

  // Parsed once per process: zod's compiled fast path for each object schema costs more to
  // generate than this one parse gains from it (about 8 ms of the start).
  const result = configSchema.safeParse(merged.raw, { jitless: true });
  const lineOf = lineFinder(parsed);
  if (!result.success) {
    problems.push(...formatIssues(result.error.issues, { file, raw: merged.raw, provenance: merged.provenance, lineOf, knownKeysAt }));
    throw new ConfigError(problems);
  }
  const config = result.data;
  for (const p of resolveSecretFiles(config, baseDir)) {
    const line = lineOf(p.path);
    const where = file === undefined ? "environment" : `${file}${line === undefined ? "" : `:${line}`}`;
    problems.push(`${where}: ${dotted(p.path)}: ${p.message}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Host and port to listen on; `[::1]:0` gives host `::1`, `:10077` gives host `0.0.0.0`. */
export function listenAddress(config: Pick<Config, "listen">): { host: string; port: number } {
  const parsed = parseListen(config.listen);
  if (!parsed) throw new ConfigError([`listen: must be host:port (got ${JSON.stringify(config.listen)})`]);
  return parsed;
}
