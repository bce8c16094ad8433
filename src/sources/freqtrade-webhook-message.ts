// Freqtrade's webhook bodies (§18) read into what they mean. Freqtrade renders every value with
// Python's str.format from the templates in its config.json (freqtrade/rpc/webhook.py), so a body is
// a flat object of strings: numbers as Python prints floats ("-0.25", "1e-05"), booleans as
// "True"/"False", datetimes as str(datetime) ("2024-05-01 12:30:00.123456+00:00"). The message types
// and field names are Freqtrade's own (freqtrade/enums/rpcmessagetype.py, freqtrade/rpc/rpc_types.py).
import type { FieldError } from "../domain/events.js";

/** The types the exporter maps; `entry`, `exit`, their cancels and strategy messages only count as a heartbeat. */
export const MAPPED_TYPES = [
  "entry_fill",
  "exit_fill",
  "status",
  "startup",
  "warning",
  "exception",
  "protection_trigger",
  "protection_trigger_global",
] as const;
const HEARTBEAT_ONLY = ["entry", "entry_cancel", "exit", "exit_cancel", "strategy_msg"] as const;

export type FreqtradeMessage =
  | { kind: "entry_fill"; trade_id: number; pair?: string }
  | {
      kind: "exit_fill";
      trade_id: number;
      final: boolean;
      pair?: string;
      side?: "long" | "short";
      cumulative_profit?: number;
      open_date?: number;
      close_date?: number;
    }
  | { kind: "status"; status: string }
  | { kind: "api_warning"; type: "warning" | "exception"; status: string }
  | { kind: "protection"; global: boolean; pair?: string; reason: string; lock_end: number }
  | { kind: "heartbeat"; type: string };

type Read<T> = { ok: true; value: T } | { ok: false; message: string };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function readNumber(v: unknown): Read<number> {
  if (typeof v === "number" && Number.isFinite(v)) return { ok: true, value: v };
  if (typeof v === "string" && NUMBER.test(v.trim())) {
    const n = Number(v.trim());
    if (Number.isFinite(n)) return { ok: true, value: n };
  }
  return { ok: false, message: `must be a number as Freqtrade renders it, got ${preview(v)}` };
}

function readInteger(v: unknown): Read<number> {
  const n = readNumber(v);
  if (!n.ok || Number.isSafeInteger(n.value)) return n;
  return { ok: false, message: `must be a whole number, got ${preview(v)}` };
}

function readBoolean(v: unknown): Read<boolean> {
  if (typeof v === "boolean") return { ok: true, value: v };
  if (typeof v === "string" && /^(true|false)$/i.test(v.trim())) return { ok: true, value: v.trim().toLowerCase() === "true" };
  return { ok: false, message: `must be True or False, got ${preview(v)}` };
}

/**
 * Python's str(datetime) ("2024-05-01 12:30:00.123456+00:00"), ISO-8601, Freqtrade's
 * DATETIME_PRINT_FORMAT without an offset (its times are UTC), or epoch milliseconds.
 */
export function readDate(v: unknown): Read<number> {
  if (typeof v === "number" && Number.isSafeInteger(v)) return { ok: true, value: v };
  if (typeof v !== "string") return { ok: false, message: `must be a date, got ${preview(v)}` };
  const s = v.trim();
  if (/^\d{10,16}$/.test(s)) return { ok: true, value: Number(s) };
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (m) {
    const iso = `${m[1]}T${m[2]}${m[3] ? "." + m[3].slice(0, 3).padEnd(3, "0") : ""}${m[4] ?? "Z"}`;
    const ms = Date.parse(iso);
    // Date.parse rolls 2024-02-30 over into March; a real date prints back as itself.
    if (Number.isFinite(ms) && new Date(ms + offsetMs(m[4])).toISOString().slice(0, 10) === m[1]) return { ok: true, value: ms };
  }
  return { ok: false, message: `must be a date and time (e.g. 2024-05-01 12:30:00+00:00), got ${preview(v)}` };
}

function offsetMs(offset: string | undefined): number {
  if (!offset || offset === "Z") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(offset)!;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

function preview(v: unknown): string {
  if (v === undefined) return "nothing";
  let s: string;
  try {
    s = JSON.stringify(v) ?? typeof v;
  } catch {
    // JSON.parse accepts nesting deeper than JSON.stringify can write back (a stack overflow).
    s = Array.isArray(v) ? "a deeply nested array" : "a deeply nested object";
  }
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

/** Reads one body. Every problem is reported by field name; nothing is returned unless all are fine. */
export function readFreqtradeMessage(
  body: Record<string, unknown>,
): { ok: true; message: FreqtradeMessage } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string) => void errors.push({ index: 0, path, message });
  const field = <T>(name: string, read: (v: unknown) => Read<T>, required: boolean): T | undefined => {
    const raw = body[name];
    // An empty value is what a template renders for None (e.g. close_date of an open trade).
    if (raw === undefined || raw === null || raw === "" || raw === "None") {
      if (required) fail(name, "is required (add it to this message's template in Freqtrade's webhook config)");
      return undefined;
    }
    const r = read(raw);
    if (!r.ok) return void fail(name, r.message);
    return r.value;
  };
  const text = (name: string, required: boolean, max = 500): string | undefined =>
    field(
      name,
      (v) =>
        typeof v === "string" || typeof v === "number"
          ? { ok: true, value: String(v).slice(0, max) }
          : { ok: false, message: "must be text" },
      required,
    );

  const type = body.type;
  if (typeof type !== "string" || type === "") {
    fail("type", `is required: add "type": "{type}" to every message template (one of ${MAPPED_TYPES.join(", ")})`);
    return { ok: false, errors };
  }
  let message: FreqtradeMessage | undefined;
  switch (type) {
    case "entry_fill": {
      const trade_id = field("trade_id", readInteger, true);
      const pair = text("pair", false, 64);
      if (trade_id !== undefined) message = { kind: "entry_fill", trade_id, ...(pair ? { pair } : {}) };
      break;
    }
    case "exit_fill": {
      const trade_id = field("trade_id", readInteger, true);
      const final = field("is_final_exit", readBoolean, true);
      const pair = text("pair", false, 64);
      const direction = text("direction", false);
      const side =
        direction === undefined ? undefined : /^short$/i.test(direction) ? "short" : /^long$/i.test(direction) ? "long" : undefined;
      if (direction !== undefined && side === undefined) fail("direction", `must be Long or Short, got ${preview(direction)}`);
      const cumulative_profit = field("cumulative_profit", readNumber, final === true);
      const open_date = field("open_date", readDate, false);
      const close_date = field("close_date", readDate, false);
      if (trade_id !== undefined && final !== undefined) {
        message = { kind: "exit_fill", trade_id, final, pair, side, cumulative_profit, open_date, close_date };
      }
      break;
    }
    case "status":
    case "startup": {
      const status = text("status", type === "status");
      message = type === "status" && status !== undefined ? { kind: "status", status } : { kind: "heartbeat", type };
      break;
    }
    case "warning":
    case "exception": {
      message = { kind: "api_warning", type, status: text("status", false) ?? type };
      break;
    }
    case "protection_trigger":
    case "protection_trigger_global": {
      const lock_end = field("lock_end_timestamp", readInteger, true);
      const reason = text("reason", false) ?? "protection";
      const pair = text("pair", false, 64);
      if (lock_end !== undefined) message = { kind: "protection", global: type === "protection_trigger_global", pair, reason, lock_end };
      break;
    }
    default:
      if ((HEARTBEAT_ONLY as readonly string[]).includes(type)) message = { kind: "heartbeat", type };
      else fail("type", `unknown Freqtrade message type ${preview(type)}; expected one of ${MAPPED_TYPES.join(", ")}`);
  }
  return errors.length > 0 || !message ? { ok: false, errors } : { ok: true, message };
}
