// Turns validation issues into one readable line each: `<file>:<line>: <key.path>: <message>`, or
// `environment (<VAR>): <key.path>: <message>` when an environment variable set the value.
// Values are echoed as "(got …)" to help, except for secrets and URLs (which may embed a token).
import type { z } from "zod";
import { isTriggerId, TRIGGER_IDS } from "../domain/trigger-defaults.js";
import { isSecretPath } from "./secrets.js";

/** Thrown by loadConfig; `problems` holds one line per problem, `message` all of them. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
  }
}

export type KeyPath = readonly PropertyKey[];

export interface IssueContext {
  /** File name as given by the operator, or undefined when there is no file. */
  file: string | undefined;
  /** The merged raw input (file + env), to echo offending values. */
  raw: unknown;
  /** Dotted path → environment variable that set it. */
  provenance: Map<string, string>;
  /** 1-based line of a key path in the file (the key itself when `key` is given). */
  lineOf: (path: KeyPath, key?: string) => number | undefined;
  /** Known keys of the mapping at a path, for "did you mean". */
  knownKeysAt: (path: KeyPath) => string[];
}

export function dotted(path: KeyPath): string {
  return path.map(String).join(".");
}

function valueAt(root: unknown, path: KeyPath): unknown {
  let node = root;
  for (const seg of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[seg];
  }
  return node;
}

function describe(value: unknown, secret: boolean): string {
  if (value === null) return "null (an empty value)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (secret) return `a ${typeof value}`;
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" || value === undefined) return String(value);
  return `a ${typeof value}`;
}

function envVarFor(path: KeyPath, provenance: Map<string, string>): string | undefined {
  for (let n = path.length; n > 0; n--) {
    const v = provenance.get(dotted(path.slice(0, n)));
    if (v) return v;
  }
  return undefined;
}

function prefix(ctx: IssueContext, path: KeyPath, envVar: string | undefined, key?: string): string {
  if (envVar || ctx.file === undefined) return envVar ? `environment (${envVar})` : "environment";
  const line = ctx.lineOf(path, key);
  return line === undefined ? ctx.file : `${ctx.file}:${line}`;
}

/** Edit distance, for "did you mean" on unknown keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function suggestion(key: string, known: string[]): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(key, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 4)) ? ` (did you mean "${best}"?)` : "";
}

function unknownKeyLines(issue: z.core.$ZodIssueUnrecognizedKeys, ctx: IssueContext): string[] {
  const parent = issue.path;
  const last = parent[parent.length - 1];
  return issue.keys.map((key) => {
    const where = prefix(ctx, parent, undefined, key);
    const full = dotted([...parent, key]);
    if (last === "triggers") {
      return `${where}: unknown trigger id "${key}" in ${dotted(parent)}${suggestion(key, [...TRIGGER_IDS])} (known: ${TRIGGER_IDS.join(", ")})`;
    }
    if (typeof last === "string" && isTriggerId(last) && (key === "threshold" || key === "min_trades")) {
      const why = key === "threshold" ? "it fires on a state, not a number" : "only low_win_rate counts trades";
      return `${where}: ${full}: trigger "${last}" takes no ${key} (${why})`;
    }
    return `${where}: unknown key "${full}"${suggestion(key, ctx.knownKeysAt(parent))}`;
  });
}

/** Zod's own messages start like this; ours read "must …" / "is …" / "give …". */
const GENERIC = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;

function issueMessage(issue: z.core.$ZodIssue, ctx: IssueContext): string {
  const input = valueAt(ctx.raw, issue.path);
  const secret = isSecretPath(issue.path);
  const got = input === undefined ? "" : ` (got ${describe(input, secret)})`;
  const custom = !GENERIC.test(issue.message);
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) return "is required";
      if (custom) return issue.message + got;
      if (issue.expected === "boolean" && typeof input === "string" && /^(yes|no|on|off|y|n)$/i.test(input)) {
        return `must be a boolean${got}: write true or false (YAML 1.2 reads "${input}" as text)`;
      }
      return `must be ${issue.expected === "array" ? "a list" : issue.expected === "object" ? "a mapping" : `a ${issue.expected}`}${got}`;
    case "custom":
      // Cross-field rules ("give either x or x_file") mark themselves: the value is beside the point.
      return issue.params?.noEcho ? issue.message : issue.message + got;
    default:
      return (custom ? issue.message : issue.message.toLowerCase()) + got;
  }
}

export function formatIssues(issues: readonly z.core.$ZodIssue[], ctx: IssueContext): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      lines.push(...unknownKeyLines(issue, ctx));
      continue;
    }
    if (issue.code === "invalid_key") {
      const parent = issue.path.slice(0, -1);
      const key = String(issue.path[issue.path.length - 1]);
      const why = issue.issues[0]?.message ?? "is not allowed";
      const what = parent[parent.length - 1] === "bots" ? "bot name" : "key";
      lines.push(`${prefix(ctx, parent, undefined, key)}: ${dotted(parent)}: invalid ${what} "${key}": ${why}`);
      continue;
    }
    // "required when enabled" belongs to whoever enabled the section.
    const enabledPath = issue.code === "custom" ? (issue.params?.enabledPath as string | undefined) : undefined;
    const envVar = envVarFor(issue.path, ctx.provenance) ?? (enabledPath ? ctx.provenance.get(enabledPath) : undefined);
    lines.push(`${prefix(ctx, issue.path, envVar)}: ${dotted(issue.path)}: ${issueMessage(issue, ctx)}`);
  }
  return lines;
}
