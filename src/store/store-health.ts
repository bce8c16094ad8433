// §15: whether the event store takes writes, and how much room its file system has left.
// A failing journal write (disk full, read-only, I/O error, locked past busy_timeout) puts the store
// in the failing state: writes are then refused at once with 503 instead of each trying a
// transaction (which, locked, would hold the event loop for busy_timeout every time), and /readyz
// names the reason. A probe write every few seconds ends the state as soon as the store takes writes
// again, so recovery needs neither a restart nor a client that keeps trying while /readyz says 503.
import { accessSync, constants, statfsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Clock } from "../domain/clock.js";
import type { Logger } from "../logger.js";
import { sqliteCode } from "./connection.js";
import type { Journal } from "./journal.js";

/** What a refused write's `Retry-After` says; the probe runs more often than this. */
export const RETRY_AFTER_SECONDS = 5;
const PROBE_INTERVAL_MS = 2000;
/**
 * Below this much free space a probe does not try: on a full disk a tiny write can still land in
 * space the WAL already holds while real batches keep failing, and the store would flap.
 */
const PROBE_HEADROOM_BYTES = 1024 * 1024;

export interface StorageFigures {
  /** Bytes this process may still write on the data directory's file system (null: unknown). */
  freeBytes: number | null;
  files: Array<{ file: "database" | "wal" | "shm"; bytes: number }>;
}

export interface StoreHealthOptions {
  journal: Journal;
  /** `storage.min_free_bytes`: less free space than this makes /readyz answer 503. */
  minFreeBytes: number;
  clock: Clock;
  logger: Logger;
  probeIntervalMs?: number;
}

export class StoreHealth {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
  private failure: { code: string; since: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly dir: string;

  constructor(private readonly opts: StoreHealthOptions) {
    this.dir = dirname(opts.journal.file);
  }

  /** The SQLite code of the failing writes ("SQLITE_FULL", …), or null while the store takes writes. */
  failing(): string | null {
    return this.failure?.code ?? null;
  }

  /** A journal write failed. Errors that are not the store's (SQLite's) leave the state alone. */
  writeFailed(err: unknown): void {
    const code = sqliteCode(err);
    if (code === null) return;
    if (this.failure) {
      this.failure.code = code;
      return;
    }
    this.failure = { code, since: this.opts.clock.now() };
    this.opts.logger.error(
      { code, error: (err as Error).message },
      "journal writes failing: writes are refused with 503 until the store takes them again",
    );
    if (!this.closed) this.timer = setInterval(() => this.probe(), this.opts.probeIntervalMs ?? PROBE_INTERVAL_MS).unref();
  }

  /** A journal write committed: the store takes writes. */
  writeSucceeded(): void {
    if (!this.failure) return;
    const { code, since } = this.failure;
    this.failure = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.opts.logger.warn({ code, failing_ms: this.opts.clock.now() - since }, "journal writes succeed again");
  }

  /**
   * Tries one small write (at start, and every few seconds while failing). A connection SQLite opened
   * read-only is opened again first, once the file system lets this process write. True if it committed.
   */
  probe(): boolean {
    const failing = this.failure?.code;
    if (failing !== undefined && !this.mayRecover(failing)) return false;
    try {
      if (failing?.startsWith("SQLITE_READONLY")) this.opts.journal.reopen();
      this.opts.journal.probeWrite(this.opts.clock.now());
    } catch (err) {
      if (sqliteCode(err) === null) this.opts.logger.error({ err }, "store probe failed");
      this.writeFailed(err);
      return false;
    }
    this.writeSucceeded();
    return true;
  }

  /** Why /readyz answers 503 because of the store; empty when it need not. */
  notReadyReasons(): string[] {
    const reasons: string[] = [];
    if (this.failure) reasons.push(`storage: journal writes failing: ${this.failure.code}`);
    const free = this.freeBytes();
    if (free !== null && free < this.opts.minFreeBytes) {
      reasons.push(`storage: ${free} bytes free for the data directory, below storage.min_free_bytes (${this.opts.minFreeBytes})`);
    }
    return reasons;
  }

  /** Read at scrape time (§9): a statfs and three stats, no timer. */
  figures(): StorageFigures {
    const file = this.opts.journal.file;
    const size = (path: string) => {
      try {
        return statSync(path).size;
      } catch {
        return 0; // no -wal/-shm (rollback-journal mode after a read-only start)
      }
    };
    return {
      freeBytes: this.freeBytes(),
      files: [
        { file: "database", bytes: size(file) },
        { file: "wal", bytes: size(`${file}-wal`) },
        { file: "shm", bytes: size(`${file}-shm`) },
      ],
    };
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private freeBytes(): number | null {
    try {
      const s = statfsSync(this.dir);
      // root may also write into the blocks a file system reserves for it
      return (process.getuid?.() === 0 ? s.bfree : s.bavail) * s.bsize;
    } catch {
      return null;
    }
  }

  private mayRecover(code: string): boolean {
    const free = this.freeBytes();
    if (free !== null && free < PROBE_HEADROOM_BYTES) return false;
    // The file itself moved away: opening the path again could open some other database.
    if (code === "SQLITE_READONLY_DBMOVED") return false;
    if (code.startsWith("SQLITE_READONLY")) return writable(this.dir) && writable(this.opts.journal.file);
    return true;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
