// The contracts every way in (§11) is written against. A source turns what a bot exposes into
// §3 events and hands them to a sink; it never computes a metric and never touches the store itself.
import type { FieldError } from "../domain/events.js";

/** Where sources hand events: the ingestion pipeline (validate → store → engine). Resolves after the events are
 *  durably stored; rejects with an error carrying `errors: FieldError[]` (src/domain/events.ts) if invalid. Duplicate
 *  trades (same bot and id) are acknowledged as duplicates and not applied again. */
export interface EventSink {
  ingest(events: unknown[]): Promise<{ accepted: number; duplicates: number }>;
}

/** A source's resume state (lots, open trades, positions), stored with the events it produced. */
export interface StateWrite {
  key: string;
  value: string;
}

/** A sink that also writes a source's state in the same transaction as the events (the pipeline). */
export interface DurableSink extends EventSink {
  ingestWithState(events: unknown[], state: StateWrite[]): Promise<{ accepted: number; duplicates: number }>;
}

/** Small durable key-value store backed by the SQLite journal; for resume positions. */
export interface SourceState {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

export interface Source {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
}

/** What a source reports for metrics and `/readyz`-style health. Never carries a secret. */
export interface SourceStatus {
  /** The last poll/read went through without an error. */
  ok: boolean;
  /** Human-readable description of the last error (no credentials), null after a success. */
  last_error: string | null;
  /** Epoch ms of the last poll/read attempt, null before the first. */
  last_poll_at: number | null;
  /** Epoch ms of the last successful poll/read. */
  last_success_at: number | null;
  /** Errors since start (network, HTTP, sink rejections). */
  errors_total: number;
  /** Events the sink acknowledged (accepted + duplicates). */
  events_ingested: number;
}

/** The part of pino's logger the sources use (pino's `Logger` satisfies it). */
export interface SourceLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The rejection a sink gives for invalid events (`errors` indexes the batch it was given). */
export function fieldErrorsOf(err: unknown): FieldError[] | undefined {
  if (err !== null && typeof err === "object" && "errors" in err && Array.isArray(err.errors)) {
    return (err as { errors: FieldError[] }).errors;
  }
  return undefined;
}
