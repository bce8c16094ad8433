// JSONL file tail (§11): one §3 event per line. Follows appends, rotation (the file at `path`
// replaced) and truncation, and resumes after a restart where it stopped. The read position commits
// in the same transaction as the events read up to it, and every line's event carries an id made of
// the file's identity and the line's byte offset (§15): a crash at any moment neither skips a
// line nor applies one twice.
import { watch, type FSWatcher } from "node:fs";
import { open, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { systemClock, type Clock } from "../domain/clock.js";
import { parseEvents } from "../domain/events.js";
import { readLines, type Line } from "./jsonl-lines.js";
import { fileId, headMatches, parsePosition, positionAt, startOf, type Position } from "./jsonl-position.js";
import { StatusBook } from "./status-book.js";
import { fieldErrorsOf, type DurableSink, type Source, type SourceLogger, type SourceState, type SourceStatus } from "./types.js";
import { silentLogger } from "../logger.js";

export interface JsonlSourceConfig {
  /** Default `bot` for lines that carry none. */
  bot: string;
  path: string;
}

export interface JsonlSourceDeps {
  sink: DurableSink;
  state: SourceState;
  logger?: SourceLogger;
  clock?: Clock;
  /** The polling fallback behind fs.watch (which misses events on some filesystems). */
  pollIntervalMs?: number;
  /** Lines handed to the sink per call. */
  batchLines?: number;
  /** A line longer than this is skipped as bad instead of being buffered. */
  maxLineBytes?: number;
  /** `ingest.max_future_seconds`: lines the sink would refuse are reported as bad here. */
  maxFutureSeconds?: number;
}

export interface JsonlStatus extends SourceStatus {
  path: string;
  offset: number;
  line: number;
  bad_lines: number;
}

export class JsonlSource implements Source {
  readonly name: string;
  private readonly path: string;
  private readonly key: string;
  private readonly log: SourceLogger;
  private readonly clock: Clock;
  private readonly maxLineBytes: number;
  private pos: Position | null;
  private fd: FileHandle | null = null;
  private watcher: FSWatcher | null = null;
  private poller: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** Bad lines past the acknowledged position already reported: a failed batch is read again. */
  private readonly badSeen = new Set<number>();
  private readonly book = new StatusBook();
  private badLines = 0;

  constructor(
    private readonly cfg: JsonlSourceConfig,
    private readonly deps: JsonlSourceDeps,
  ) {
    this.path = resolve(cfg.path);
    this.name = `jsonl:${cfg.bot}:${this.path}`;
    this.key = `jsonl:${cfg.bot}:${this.path}`;
    this.log = deps.logger ?? silentLogger;
    this.clock = deps.clock ?? systemClock;
    this.maxLineBytes = deps.maxLineBytes ?? 1024 * 1024;
    this.pos = parsePosition(deps.state.get(this.key), () =>
      this.log.warn({ path: this.path }, "ignoring an unreadable jsonl resume position"),
    );
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    try {
      // Watch the directory, not the file: a watch on the file dies with it when the file is rotated.
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (!file || file === basename(this.path)) this.kick();
      });
      this.watcher.on("error", (err) => {
        this.log.warn({ path: this.path, error: err.message }, "fs.watch failed; relying on polling");
        this.watcher?.close();
        this.watcher = null;
      });
    } catch (err) {
      this.log.warn({ path: this.path, error: (err as Error).message }, "fs.watch unavailable; relying on polling");
    }
    this.poller = setInterval(() => this.kick(), this.deps.pollIntervalMs ?? 1000);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = null;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    await this.busy;
    await this.fd?.close().catch(() => undefined);
    this.fd = null;
  }

  status(): JsonlStatus {
    return { ...this.book.status, path: this.path, offset: this.pos?.offset ?? 0, line: this.pos?.line ?? 0, bad_lines: this.badLines };
  }

  /** Reads everything available now (what the watcher and the poller trigger). Never throws. */
  async readNow(): Promise<void> {
    while (this.busy) await this.busy;
    this.busy = this.pass().finally(() => (this.busy = null));
    await this.busy;
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = (async () => {
      do {
        this.again = false;
        await this.pass();
      } while (this.again && !this.stopped);
    })().finally(() => (this.busy = null));
  }

  private async pass(): Promise<void> {
    this.book.attempted(this.clock.now());
    try {
      await this.follow();
      this.book.succeeded(this.clock.now());
    } catch (err) {
      this.book.failed((err as Error).message);
      this.log.warn({ path: this.path, error: (err as Error).message }, "jsonl source: read failed; will retry");
    }
  }

  private async follow(): Promise<void> {
    const current = await stat(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
    if (this.fd && this.pos && (!current || current.ino !== this.pos.ino)) {
      // Rotated: finish the old file through the handle still open on it, then move to the new one.
      await this.readUpTo(this.fd, (await this.fd.stat()).size);
      if (!current) return; // not recreated yet; the writer may still append to the old file
      await this.fd.close();
      this.fd = null;
      this.log.info({ path: this.path, lines: this.pos.line }, "jsonl file rotated; reading the new file from its start");
      this.reset(current.ino);
    }
    if (!current) return;
    if (!this.fd) {
      this.fd = await open(this.path, "r");
      const ino = (await this.fd.stat()).ino;
      if (this.pos && this.pos.ino !== ino)
        this.log.info({ path: this.path }, "jsonl file was replaced while stopped; reading it from its start");
      if (!this.pos || this.pos.ino !== ino) this.reset(ino);
    }
    const pos = this.pos!;
    const size = (await this.fd.stat()).size;
    if (size < pos.offset || !(await headMatches(this.fd, pos))) {
      this.log.warn({ path: this.path, size, offset: pos.offset }, "jsonl file truncated or rewritten; reading it from its start");
      this.reset(pos.ino);
    }
    await this.readUpTo(this.fd, size);
  }

  /** Reads complete lines from the resume offset to `end`; a partial last line waits. */
  private async readUpTo(fd: FileHandle, end: number): Promise<void> {
    const reading = {
      offset: this.pos!.offset,
      line: this.pos!.line,
      end,
      maxLineBytes: this.maxLineBytes,
      batchLines: this.deps.batchLines ?? 1000,
    };
    await readLines(fd, reading, (lines) => this.deliver(lines));
  }

  /** Validates lines, hands the good ones to the sink, and moves the resume position past them all in the same commit. */
  private async deliver(lines: Line[]): Promise<void> {
    const now = this.clock.now();
    const id = await fileId(this.fd!, this.pos!);
    let good: { event: Record<string, unknown>; line: number }[] = [];
    for (const l of lines) {
      if (l.tooLong) this.bad(l.line, `line longer than ${this.maxLineBytes} bytes`);
      else if (l.text.trim() !== "") {
        const event = this.parseLine(l, now);
        // A line without an id gets one from where it is: the same line always gets the same id.
        if (event) good.push({ event: "id" in event ? event : { ...event, id: `jsonl:${id}:${l.start}` }, line: l.line });
      }
    }
    const last = lines.at(-1)!;
    const next = await positionAt(this.fd!, this.pos!, last.end, last.line);
    const write = { key: this.key, value: JSON.stringify(next) };
    while (good.length > 0) {
      try {
        const ack = await this.deps.sink.ingestWithState(
          good.map((g) => g.event),
          [write],
        );
        this.book.ingested(ack);
        this.moved(next);
        return;
      } catch (err) {
        const errors = fieldErrorsOf(err);
        if (!errors || errors.length === 0)
          throw new Error(`sink rejected lines ${good[0]!.line}-${good.at(-1)!.line}: ${(err as Error).message}`);
        // The sink found problems we didn't (e.g. a bot cap): drop those lines as bad, send the rest.
        const rejected = new Set(errors.map((e) => e.index).filter((i) => good[i] !== undefined));
        if (rejected.size === 0) throw new Error(`sink rejected lines ${good[0]!.line}-${good.at(-1)!.line} without usable error indexes`);
        for (const i of rejected)
          if (good[i])
            this.bad(
              good[i].line,
              errors
                .filter((e) => e.index === i)
                .map((e) => `${e.path}: ${e.message}`)
                .join("; "),
            );
        good = good.filter((_, i) => !rejected.has(i));
      }
    }
    // Only bad or blank lines: nothing to store with the position.
    this.deps.state.set(write.key, write.value);
    this.moved(next);
  }

  private parseLine(l: Line, now: number): Record<string, unknown> | null {
    let value: unknown;
    try {
      value = JSON.parse(l.text);
    } catch (err) {
      this.bad(l.line, `invalid JSON: ${(err as Error).message}`);
      return null;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.bad(l.line, "not a JSON object");
      return null;
    }
    const event = "bot" in value ? (value as Record<string, unknown>) : { ...value, bot: this.cfg.bot };
    const check = parseEvents(event, now, undefined, this.deps.maxFutureSeconds);
    if (!check.ok) {
      this.bad(l.line, check.errors.map((e) => `${e.path}: ${e.message}`).join("; "));
      return null;
    }
    return event;
  }

  private bad(line: number, reason: string): void {
    if (line <= (this.pos?.line ?? 0) || this.badSeen.has(line)) return;
    this.badSeen.add(line);
    this.badLines += 1;
    this.log.warn({ path: this.path, line, reason }, `jsonl line ${line} skipped: ${reason}`);
  }

  private moved(next: Position): void {
    this.pos = next;
    this.badSeen.clear();
  }

  private reset(ino: number): void {
    this.pos = startOf(ino);
    this.badSeen.clear();
    this.deps.state.set(this.key, JSON.stringify(this.pos));
  }
}
