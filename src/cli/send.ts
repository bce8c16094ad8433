// `trading-exporter send <kind> [--flags]`: builds one §3 event from flags (or reads a file of
// events), signs it with the HMAC secret and posts it with TradingExporterClient.
// Exit codes: 0 sent (duplicates included: a re-sent trade id is acknowledged, not applied twice),
// 1 the exporter refused it or could not be reached, 2 usage (bad flag, number, file or secret).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TradingExporterClient, TradingExporterError, withId, type Ingested } from "../client.js";
import type { EventInput } from "../domain/events.js";
import { batches, eventFromFlags, eventsFromFile } from "./send-events.js";
import { Flags, parseFlags, UsageError } from "./send-flags.js";

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
      const events = eventsFromFile(resolve(cwd, file), file, f.str("bot"));
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
