// What `trading-exporter send` posts: the §3 event one kind's flags describe, or the events of a
// file (JSON or JSONL), cut into requests the exporter takes (MAX_BATCH_EVENTS, well under 5 MiB).
import { readFileSync } from "node:fs";
import { MAX_BATCH_EVENTS } from "../domain/events.js";
import { UsageError, type Flags } from "./send-flags.js";

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The event a kind's flags describe; schema rules beyond syntax (e.g. equity > 0) are the exporter's to check. */
export function eventFromFlags(kind: string, f: Flags): Record<string, unknown> {
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
function readEventsFile(text: string, file: string): unknown[] {
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

/** The events of `--file` (`path` resolved, `file` as given, for messages); `bot` fills in where an event names none. */
export function eventsFromFile(path: string, file: string, bot: string | undefined): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return readEventsFile(text, file).map((e) =>
    bot !== undefined && e !== null && typeof e === "object" && !Array.isArray(e) && !("bot" in e) ? { ...e, bot } : e,
  );
}

/** Splits a long list into requests the exporter accepts (≤ 10,000 events, well under 5 MiB). */
export function batches(events: unknown[], maxBytes = 4 * 1024 * 1024): unknown[][] {
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
