// `trading-exporter send <kind> [--flags]`: builds one §3 event from flags (or reads a file of
// events), signs it with the HMAC secret and posts it with TradingExporterClient.
// Exit codes: 0 sent (duplicates included: a re-sent trade id is acknowledged, not applied twice),
// 1 the exporter refused it or could not be reached, 2 usage (bad flag, number, file or secret).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TradingExporterClient, TradingExporterError, withId, type Ingested } from "../client.js";
import { parseBoolean } from "../config/env.js";
import { MAX_BATCH_EVENTS, type EventInput } from "../domain/events.js";

export const DEFAULT_URL = "http://127.0.0.1:10077";

export const SEND_USAGE = `Usage: trading-exporter send <kind> [options]

Kinds and their options:
  trade            --id ID --pnl NUMBER [--symbol S] [--side long|short] [--return NUMBER] [--opened-at TIME]
  equity           --equity NUMBER
  kill-switch      --active true|false [--reason TEXT]
  circuit-breaker  --open true|false [--reason TEXT]
  positions        --open INTEGER --max INTEGER
  api-status       --status connected|degraded|disconnected [--latency-ms NUMBER]
  heartbeat
  cashflow         --amount NUMBER [--reason TEXT]   (a deposit > 0 or a withdrawal < 0; not P&L)
  events           --file FILE   (a JSON event, a JSON array of events, or JSONL: one event per line;
                                  --bot is the default bot for events without one)

Common options:
  --bot NAME        the bot (default: "default")
  --ts TIME         event time: ISO-8601 with offset, or epoch milliseconds (default: now)
  --id ID           idempotency key (required for a trade; otherwise one is made up and kept across retries)
  --url URL         the exporter (default: $TRADING_EXPORTER_URL or ${DEFAULT_URL})
  --secret S        HMAC secret (default: $HMAC_SECRET, else the file below)
  --secret-file F   file holding the HMAC secret (default: $DATA_DIR/hmac_secret or ./data/hmac_secret)
`;

export interface SendIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Where relative paths (the default secret file, --file) start. */
  cwd?: string;
  fetchImpl?: typeof fetch;
}

class UsageError extends Error {}

const VALUE_FLAGS = new Set([
  "bot",
  "ts",
  "url",
  "secret",
  "secret-file",
  "id",
  "pnl",
  "symbol",
  "side",
  "return",
  "opened-at",
  "equity",
  "active",
  "reason",
  "open",
  "max",
  "status",
  "latency-ms",
  "file",
  "amount",
]);

/** `--name value` and `--name=value`. The value is always the next word, so `--pnl -12.5` works. */
function parseFlags(args: string[]): { kind: string | undefined; flags: Map<string, string>; help: boolean } {
  const flags = new Map<string, string>();
  let kind: string | undefined;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      if (kind !== undefined) throw new UsageError(`unexpected argument "${arg}"`);
      kind = arg;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!VALUE_FLAGS.has(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    flags.set(name, value);
  }
  return { kind, flags, help };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

class Flags {
  private readonly used = new Set<string>();
  constructor(private readonly all: Map<string, string>) {}

  str(name: string, required = false): string | undefined {
    this.used.add(name);
    const v = this.all.get(name);
    if (v === undefined && required) throw new UsageError(`--${name} is required`);
    return v;
  }
  num(name: string, required = false): number | undefined {
    const v = this.str(name, required);
    if (v === undefined) return undefined;
    if (!NUMBER.test(v.trim()) || !Number.isFinite(Number(v))) throw new UsageError(`--${name} must be a number (got "${v}")`);
    return Number(v);
  }
  int(name: string, required = false): number | undefined {
    const n = this.num(name, required);
    if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`--${name} must be an integer (got ${n})`);
    return n;
  }
  bool(name: string, required = false): boolean | undefined {
    const v = this.str(name, required);
    if (v === undefined) return undefined;
    const b = parseBoolean(v);
    if (b === undefined) throw new UsageError(`--${name} must be true or false (got "${v}")`);
    return b;
  }
  oneOf<T extends string>(name: string, values: readonly T[], required = false): T | undefined {
    const v = this.str(name, required);
    if (v !== undefined && !values.includes(v as T)) throw new UsageError(`--${name} must be one of ${values.join(", ")} (got "${v}")`);
    return v as T | undefined;
  }
  time(name: string): string | number | undefined {
    const v = this.str(name);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : v;
  }
  /** Options given that this kind does not use: a typo or a mix-up, never silently ignored. */
  unused(): string[] {
    return [...this.all.keys()].filter((k) => !this.used.has(k));
  }
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The event a kind's flags describe; schema rules beyond syntax (e.g. equity > 0) are the exporter's to check. */
function eventFromFlags(kind: string, f: Flags): Record<string, unknown> {
  // Without --id the client gives the event one (kept across its retries).
  const common = { bot: f.str("bot"), ts: f.time("ts"), id: f.str("id") };
  switch (kind) {
    case "trade":
      return defined({
        type: "trade",
        ...common,
        id: f.str("id", true),
        pnl: f.num("pnl", true),
        symbol: f.str("symbol"),
        side: f.oneOf("side", ["long", "short"]),
        return: f.num("return"),
        opened_at: f.time("opened-at"),
      });
    case "equity":
      return defined({ type: "equity", ...common, equity: f.num("equity", true) });
    case "kill-switch":
      return defined({ type: "kill_switch", ...common, active: f.bool("active", true), reason: f.str("reason") });
    case "circuit-breaker":
      return defined({ type: "circuit_breaker", ...common, open: f.bool("open", true), reason: f.str("reason") });
    case "positions":
      return defined({ type: "positions", ...common, open: f.int("open", true), max: f.int("max", true) });
    case "api-status":
      return defined({
        type: "api_status",
        ...common,
        status: f.oneOf("status", ["connected", "degraded", "disconnected"], true),
        latency_ms: f.num("latency-ms"),
      });
    case "heartbeat":
      return defined({ type: "heartbeat", ...common });
    case "cashflow":
      return defined({ type: "cashflow", ...common, amount: f.num("amount", true), reason: f.str("reason") });
    default:
      throw new UsageError(`unknown kind "${kind}"`);
  }
}

/** A JSON event, a JSON array, or JSONL. Malformed JSON is reported with its line number. */
export function readEventsFile(text: string, file: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === "") throw new UsageError(`${file}: no events`);
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    // Not one JSON document: JSONL, one event per line.
  }
  const events: unknown[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      events.push(JSON.parse(line));
    } catch (err) {
      throw new UsageError(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`);
    }
  });
  return events;
}

/** Splits a long list into requests the exporter accepts (≤ 10,000 events, well under 5 MiB). */
function batches(events: unknown[], maxBytes = 4 * 1024 * 1024): unknown[][] {
  const out: unknown[][] = [];
  let current: unknown[] = [];
  let bytes = 2;
  for (const e of events) {
    const size = JSON.stringify(e).length + 1;
    if (current.length > 0 && (current.length >= MAX_BATCH_EVENTS || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 2;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

function readSecret(f: Flags, env: NodeJS.ProcessEnv, cwd: string): string {
  const given = f.str("secret");
  if (given !== undefined && given.trim() !== "") return given.trim();
  const explicitFile = f.str("secret-file");
  const fromEnv = (env.HMAC_SECRET ?? "")
    .split(",")
    .map((s) => s.trim())
    .find((s) => s !== "");
  if (explicitFile === undefined && fromEnv) return fromEnv;
  const file = explicitFile ?? join(env.DATA_DIR?.trim() || "./data", "hmac_secret");
  let secret: string;
  try {
    secret = readFileSync(resolve(cwd, file), "utf8").trim();
  } catch (err) {
    throw new UsageError(
      `cannot read the HMAC secret file ${file} (${(err as NodeJS.ErrnoException).code ?? "error"}); give --secret-file, --secret or HMAC_SECRET`,
    );
  }
  if (secret === "") throw new UsageError(`the HMAC secret file ${file} is empty`);
  return secret;
}

/** Once, before any attempt: every retry (the client's and the replay one below) sends the same id. */
const giveId = (e: unknown): unknown => (e !== null && typeof e === "object" && !Array.isArray(e) ? withId(e as EventInput) : e);

const isReplay = (err: unknown) => err instanceof TradingExporterError && err.status === 401 && /replay/i.test(err.problem.detail ?? "");

/**
 * Signatures cover the time in whole seconds and each is accepted once, so the very same command
 * run twice within one second is refused as a replay. The first one got through; sign again in
 * the next second (a re-sent trade is then acknowledged as a duplicate, as a person expects).
 */
async function sendOnce(client: TradingExporterClient, batch: unknown[]): Promise<Ingested> {
  try {
    return await client.sendEvents(batch as never);
  } catch (err) {
    if (!isReplay(err)) throw err;
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5));
    return client.sendEvents(batch as never);
  }
}

export async function sendVerb(
  args: string[],
  env: NodeJS.ProcessEnv,
  io: SendIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  let client: TradingExporterClient;
  let requests: unknown[][];
  let what: string;
  try {
    const { kind, flags, help } = parseFlags(args);
    if (help) {
      io.stdout.write(SEND_USAGE);
      return 0;
    }
    if (kind === undefined) throw new UsageError("what to send? give a kind");
    const f = new Flags(flags);
    const url = f.str("url") ?? (env.TRADING_EXPORTER_URL?.trim() || DEFAULT_URL);
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--url must be an http:// or https:// URL (got "${url}")`);
    if (kind === "events") {
      const file = f.str("file", true)!;
      const bot = f.str("bot");
      let text: string;
      try {
        text = readFileSync(resolve(cwd, file), "utf8");
      } catch (err) {
        throw new UsageError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
      }
      const events = readEventsFile(text, file).map((e) =>
        bot !== undefined && e !== null && typeof e === "object" && !Array.isArray(e) && !("bot" in e) ? { ...e, bot } : e,
      );
      requests = batches(events.map(giveId));
      what = `${events.length} event(s) from ${file}`;
    } else {
      const event = eventFromFlags(kind, f);
      requests = [[giveId(event)]];
      what = kind === "trade" ? `trade ${event.id as string} of bot ${(event.bot as string | undefined) ?? "default"}` : `${kind} event`;
    }
    const secret = readSecret(f, env, cwd);
    const unused = f.unused();
    if (unused.length > 0) throw new UsageError(`option(s) not used by "${kind}": ${unused.map((u) => `--${u}`).join(", ")}`);
    client = new TradingExporterClient({ baseUrl: url, secret, fetchImpl: io.fetchImpl });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`send: ${err.message}\n\n${SEND_USAGE}`);
    return 2;
  }

  const total: Ingested = { accepted: 0, duplicates: 0 };
  let offset = 0;
  for (const batch of requests) {
    try {
      const reply = await sendOnce(client, batch);
      total.accepted += reply.accepted;
      total.duplicates += reply.duplicates;
    } catch (err) {
      if (err instanceof TradingExporterError) {
        const p = err.problem;
        io.stderr.write(`send: the exporter refused ${what}: ${err.status} ${p.title ?? ""}: ${p.detail ?? ""}\n`);
        for (const e of p.errors ?? []) io.stderr.write(`  event ${e.index + offset}: ${e.path}: ${e.message}\n`);
        if (offset > 0) io.stderr.write(`  (the first ${offset} event(s) were sent before: ${JSON.stringify(total)})\n`);
      } else {
        io.stderr.write(`send: ${(err as Error).message}\n`);
      }
      return 1;
    }
    offset += batch.length;
  }
  io.stdout.write(JSON.stringify(total) + "\n");
  if (total.duplicates > 0) io.stderr.write(`send: ${total.duplicates} duplicate trade(s): already applied, not applied again (${what})\n`);
  return 0;
}
