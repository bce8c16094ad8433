// GET /api/v1/export/trades and /api/v1/export/equity (§8).
//
// Trades are streamed: rows are pulled from the journal only as fast as the client reads (the
// response's backpressure), so a million-trade export needs no more memory than a small one, and
// the event loop is given back every SCAN_ROWS_PER_PAUSE rows read (§15), exported or not.
// The equity curve is the engine's: kept downsampled in memory as events arrive, so a chart
// request costs O(points kept) however long the bot's history, and survives retention.
import { Router, type Request, type Response } from "express";
import type Database from "better-sqlite3";
import { BOT_NAME, timestamp } from "../domain/events.js";
import type { MetricsSettings } from "../domain/snapshots.js";
import { EquityDownsampler, type EquityPoint } from "../domain/equity-history.js";
import {
  type Paced,
  type TimeRange,
  PAUSE,
  TRADE_CSV_COLUMNS,
  csvField,
  exportTrades,
  inRange,
  tradeCsvLine,
} from "../store/export-queries.js";
import { HttpProblem, sendProblem } from "./problem.js";
import type { FieldError } from "../domain/events.js";

export interface ExportRouterDeps {
  /** The journal's database (read only here). */
  db: Database.Database;
  /** §5: where each bot's equity starts (`bots.<name>.initial_equity` or the default). */
  initialEquity: (bot: string) => number;
  /** The bot's equity curve as the engine keeps it (empty for a bot without events). */
  equityCurve: (bot: string) => { total: number; points: readonly EquityPoint[] };
  /** Registers each trade export while it reads the journal (enter() returns the release), so retention waits for it. */
  readers?: { enter(): () => void };
  logger?: { error(obj: object, msg: string): void };
}

export function initialEquityResolver(settings: Pick<MetricsSettings, "initial_equity" | "bots">): (bot: string) => number {
  return (bot) => settings.bots[bot]?.initial_equity ?? settings.initial_equity;
}

export const DEFAULT_MAX_POINTS = 1000;
const MAX_POINTS_LIMIT = 100_000;
/**
 * Bytes gathered before each write: the socket's high-water mark. Bigger pieces wait in the
 * socket's queue long enough to outlive the young generation, and a 1M-row export then makes V8
 * run a full collection every few seconds, pausing the loop for tens of milliseconds each time.
 */
const WRITE_CHUNK_BYTES = 16 * 1024;

type Params = Record<string, string | undefined>;

class ParamErrors {
  readonly errors: FieldError[] = [];
  add(path: string, message: string): void {
    this.errors.push({ index: 0, path, message });
  }
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const names = [...new Set(this.errors.map((e) => e.path))].join(", ");
    throw new HttpProblem(400, `invalid query parameter(s): ${names}`, this.errors, "Invalid query parameter");
  }
}

/** Only `allowed` names, each at most once. */
function readParams(req: Request, allowed: readonly string[], errs: ParamErrors): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(req.query)) {
    if (!allowed.includes(key)) errs.add(key, `unknown parameter (allowed: ${allowed.join(", ")})`);
    else if (typeof value !== "string") errs.add(key, "must be given once, as a plain value");
    else out[key] = value;
  }
  return out;
}

/** Epoch ms, ISO-8601 with an offset, or a UTC date (YYYY-MM-DD: the whole day, so `to` is inclusive). */
function parseTime(raw: string, end: "from" | "to"): number | null {
  if (/^\d{1,16}$/.test(raw)) return Number(raw);
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const day = Date.parse(`${raw}T00:00:00Z`);
    if (!Number.isFinite(day)) return null;
    return end === "from" ? day : day + 86_400_000 - 1;
  }
  return timestamp.safeParse(raw).success ? Date.parse(raw) : null;
}

function readRange(p: Params, errs: ParamErrors): TimeRange {
  const range: TimeRange = { from: null, to: null };
  for (const end of ["from", "to"] as const) {
    const raw = p[end];
    if (raw === undefined) continue;
    const t = parseTime(raw, end);
    if (t === null) errs.add(end, "must be epoch milliseconds, ISO-8601 with an offset, or YYYY-MM-DD");
    else range[end] = t;
  }
  if (range.from !== null && range.to !== null && range.from > range.to) errs.add("to", "must not be before from");
  return range;
}

function readBot(p: Params, errs: ParamErrors, required: boolean): string | null {
  const bot = p.bot;
  if (bot === undefined || bot === "") {
    if (required) errs.add("bot", "is required");
    return null;
  }
  if (!BOT_NAME.test(bot)) errs.add("bot", "must match ^[A-Za-z0-9_.-]{1,64}$");
  return bot;
}

function readFormat(p: Params, errs: ParamErrors): "csv" | "json" {
  const f = p.format ?? "json";
  if (f !== "csv" && f !== "json") errs.add("format", 'must be "csv" or "json"');
  return f === "csv" ? "csv" : "json";
}

const isoUtc = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Resolves when the response can take more, or at once if the client has gone. */
function drained(res: Response): Promise<void> {
  if (clientGone(res)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** The client disconnected (or the response was destroyed) before we finished. */
const clientGone = (res: Response) => res.destroyed || res.socket === null || res.socket.destroyed;

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Writes `chunks` in ~16 KiB pieces, waiting for `drain` whenever the socket is full, and lets other
 * work run at every PAUSE (the source read that many rows) and after every piece written.
 */
async function streamBody(res: Response, chunks: Iterable<Paced<string>>): Promise<void> {
  let pending = "";
  for (const chunk of chunks) {
    if (chunk === PAUSE) {
      await nextTurn();
      if (clientGone(res)) return; // stop reading the journal for nobody
      continue;
    }
    pending += chunk;
    if (pending.length < WRITE_CHUNK_BYTES) continue;
    const ok = res.write(pending);
    pending = "";
    if (!ok) await drained(res);
    // Also after a drain: on a fast socket the write completes at once and `drain` comes in the
    // same turn (next tick), which would make the whole export one long turn.
    await nextTurn();
    if (clientGone(res)) return;
  }
  res.end(pending);
}

function* jsonArray<T>(items: Iterable<Paced<T>>): Generator<Paced<string>> {
  yield "[";
  let first = true;
  for (const item of items) {
    if (item === PAUSE) {
      yield PAUSE;
      continue;
    }
    yield (first ? "" : ",") + JSON.stringify(item);
    first = false;
  }
  yield "]\n";
}

export function exportRouter(deps: ExportRouterDeps): Router {
  const router = Router();

  /** Runs a streaming handler; a failure after the headers went out can only cut the response. */
  const streaming = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await handler(req, res);
    } catch (err) {
      if (err instanceof HttpProblem && !res.headersSent) return sendProblem(res, err);
      deps.logger?.error({ err, path: req.path }, "export failed");
      if (!res.headersSent) return sendProblem(res, new HttpProblem(500, "internal error"));
      res.destroy();
    }
  };

  router.get(
    "/api/v1/export/trades",
    streaming(async (req, res) => {
      const errs = new ParamErrors();
      const p = readParams(req, ["bot", "from", "to", "format"], errs);
      const bot = readBot(p, errs, false);
      const range = readRange(p, errs);
      const format = readFormat(p, errs);
      errs.throwIfAny();

      // Retention must not remove rows under a running replay (its returns start from them).
      const release = deps.readers?.enter();
      try {
        const trades = exportTrades(deps.db, { bot, range }, deps.initialEquity);
        if (format === "csv") {
          res.type("text/csv; charset=utf-8").attachment(`trades${bot ? `-${bot}` : ""}.csv`);
          await streamBody(res, csvLines(TRADE_CSV_COLUMNS, trades, tradeCsvLine));
        } else {
          res.type("application/json");
          await streamBody(res, jsonArray(trades));
        }
      } finally {
        release?.();
      }
    }),
  );

  router.get(
    "/api/v1/export/equity",
    streaming(async (req, res) => {
      const errs = new ParamErrors();
      const p = readParams(req, ["bot", "from", "to", "format", "max_points"], errs);
      const bot = readBot(p, errs, true);
      const range = readRange(p, errs);
      const format = readFormat(p, errs);
      const maxPoints = p.max_points === undefined ? DEFAULT_MAX_POINTS : Number(p.max_points);
      if (!/^\d+$/.test(p.max_points ?? "0") || !Number.isInteger(maxPoints) || maxPoints < 10 || maxPoints > MAX_POINTS_LIMIT) {
        errs.add("max_points", `must be an integer from 10 to ${MAX_POINTS_LIMIT}`);
      }
      errs.throwIfAny();

      const initial = deps.initialEquity(bot!);
      const curve = deps.equityCurve(bot!);
      const sampler = new EquityDownsampler(maxPoints);
      for (const point of curve.points) if (inRange(point.ts, range)) sampler.add(point);
      const points = sampler.points().map((q) => ({ ts: isoUtc(q.ts)!, equity: q.equity, drawdown: q.drawdown }));
      if (format === "csv") {
        res.type("text/csv; charset=utf-8").attachment(`equity-${bot}.csv`);
        res.send(["ts,equity,drawdown\r\n", ...points.map((q) => `${q.ts},${q.equity},${q.drawdown}\r\n`)].join(""));
        return;
      }
      res.json({
        bot,
        initial_equity: initial,
        from: isoUtc(range.from),
        to: isoUtc(range.to),
        max_points: maxPoints,
        total_points: curve.total,
        points,
      });
    }),
  );

  return router;
}

function* csvLines<T>(columns: readonly string[], rows: Iterable<Paced<T>>, line: (row: T) => string): Generator<Paced<string>> {
  yield columns.map(csvField).join(",") + "\r\n";
  for (const row of rows) yield row === PAUSE ? PAUSE : line(row);
}
