// Persistence of the exporter's API probe (§17): its last result and failure count survive a
// restart, so an exchange outage that spans one neither resolves nor re-fires `api_disconnected`.
// Keyed by a hash of the probed URL: a changed `api_probe.url` starts from nothing, and the URL
// itself (whose path or query may hold an API key) is never written to the database.
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import type { ProbeStatus } from "../domain/health.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS probe_state (
  target TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  latency_ms REAL,
  checked_at INTEGER NOT NULL,
  consecutive_failures INTEGER NOT NULL,
  error TEXT
) WITHOUT ROWID;
`;

const STATUSES: readonly ProbeStatus["status"][] = ["connected", "degraded", "disconnected"];

function statements(db: Database.Database) {
  return {
    get: db.prepare("SELECT status, latency_ms, checked_at, consecutive_failures, error FROM probe_state WHERE target = ?"),
    put: db.prepare(
      `INSERT INTO probe_state (target, status, latency_ms, checked_at, consecutive_failures, error)
       VALUES (@target, @status, @latency_ms, @checked_at, @consecutive_failures, @error)
       ON CONFLICT (target) DO UPDATE SET status = excluded.status, latency_ms = excluded.latency_ms,
         checked_at = excluded.checked_at, consecutive_failures = excluded.consecutive_failures, error = excluded.error`,
    ),
  };
}

export class ProbeStore {
  private readonly target: string;
  private stmt: ReturnType<typeof statements>;

  constructor(db: Database.Database, url: string) {
    db.exec(SCHEMA);
    this.target = createHash("sha256").update(url).digest("hex");
    this.stmt = statements(db);
  }

  /** Prepares on the journal's new connection after it reopened the file (§15). */
  rebind(db: Database.Database): void {
    this.stmt = statements(db);
  }

  /** The last stored result for this URL, or null (never probed, or a row this version can't read). */
  load(): ProbeStatus | null {
    const row = this.stmt.get.get(this.target) as ProbeStatus | undefined;
    if (!row || !STATUSES.includes(row.status)) return null;
    return { ...row };
  }

  save(status: ProbeStatus): void {
    this.stmt.put.run({ target: this.target, ...status });
  }
}
