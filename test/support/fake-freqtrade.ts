// A stand-in for Freqtrade's REST API (freqtrade/rpc/api_server): the documented response shapes of
// the endpoints the poller reads, basic auth, and knobs a test turns (trades, state, outages, locks).
import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeTrade {
  trade_id: number;
  pair: string;
  is_open: boolean;
  is_short: boolean;
  stake_amount: number;
  open_timestamp: number;
  close_timestamp: number | null;
  profit_abs: number | null;
  profit_ratio: number | null;
}

export interface FakeLock {
  id: number;
  pair: string;
  reason: string | null;
  lock_end_timestamp: number;
  active: boolean;
}

export interface FakeFreqtradeOptions {
  username?: string;
  password?: string;
  startingCapital?: number;
}

export class FakeFreqtrade {
  readonly username: string;
  readonly password: string;
  readonly startingCapital: number;
  trades: FakeTrade[] = [];
  /** show_config `state`: "running" | "stopped" | "paused". While not running, /count answers 502 like Freqtrade. */
  state = "running";
  /** The whole API (ping included) answers 502, as a reverse proxy does while the bot is down. */
  down = false;
  maxOpenTrades = 3;
  locks: FakeLock[] = [];
  /** Epoch seconds of the bot loop's last iteration (`/api/v1/health`). */
  lastProcessTs: number | null = 1_700_000_000;
  /** Mimic old Freqtrade versions whose /status answered [] while the bot was stopped. */
  statusEmptyWhenStopped = false;
  /** Mimic Freqtrade versions whose /trades also listed open trades. */
  historyIncludesOpen = false;
  /** Paths requested, with whether they carried the right credentials. */
  readonly requests: { path: string; authorized: boolean }[] = [];
  private server: Server | null = null;
  private nextId = 1;

  constructor(opts: FakeFreqtradeOptions = {}) {
    this.username = opts.username ?? "freqtrader";
    this.password = opts.password ?? "s3cret-Pa55";
    this.startingCapital = opts.startingCapital ?? 1000;
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | null;
    if (!addr) throw new Error("fake freqtrade is not listening");
    return `http://127.0.0.1:${addr.port}`;
  }

  /** Adds closed trades with deterministic P&L (a mix of wins, losses and a breakeven). */
  addClosedTrades(n: number, t0 = Date.UTC(2024, 0, 1)): FakeTrade[] {
    const added: FakeTrade[] = [];
    for (let i = 0; i < n; i++) {
      const id = this.nextId++;
      const pnl = id % 17 === 0 ? 0 : Math.round(((Math.sin(id * 12.9898) * 43758.5453) % 1) * 2000) / 100; // −20..20
      added.push(
        this.push({
          trade_id: id,
          is_open: false,
          open_timestamp: t0 + id * 3_600_000,
          close_timestamp: t0 + id * 3_600_000 + 1_800_000,
          profit_abs: pnl,
        }),
      );
    }
    return added;
  }

  addOpenTrade(t0 = Date.UTC(2024, 0, 1)): FakeTrade {
    const id = this.nextId++;
    return this.push({ trade_id: id, is_open: true, open_timestamp: t0 + id * 3_600_000, close_timestamp: null, profit_abs: null });
  }

  closeTrade(id: number, pnl: number, closeTs: number): void {
    const t = this.trades.find((x) => x.trade_id === id);
    if (!t || !t.is_open) throw new Error(`trade ${id} is not open`);
    Object.assign(t, { is_open: false, close_timestamp: closeTs, profit_abs: pnl, profit_ratio: pnl / t.stake_amount });
  }

  closedTrades(): FakeTrade[] {
    return this.trades.filter((t) => !t.is_open).sort((a, b) => a.trade_id - b.trade_id);
  }

  balanceTotal(): number {
    return this.startingCapital + this.closedTrades().reduce((s, t) => s + (t.profit_abs ?? 0), 0);
  }

  async listen(): Promise<void> {
    const app = express();
    app.use((req, res, next) => {
      const authorized = req.headers.authorization === "Basic " + Buffer.from(`${this.username}:${this.password}`).toString("base64");
      this.requests.push({ path: req.path, authorized });
      if (this.down) return void res.status(502).type("text/html").send("<html><body>502 Bad Gateway</body></html>");
      // Freqtrade's ping is public; everything else needs credentials.
      if (req.path !== "/api/v1/ping" && !authorized) return void res.status(401).json({ detail: "Unauthorized" });
      next();
    });
    app.get("/api/v1/ping", (_req, res) => void res.json({ status: "pong" }));
    app.get("/api/v1/trades", (req, res) => {
      const limit = Number(req.query.limit ?? 500);
      const offset = Number(req.query.offset ?? 0);
      const listed = this.historyIncludesOpen ? [...this.trades].sort((a, b) => a.trade_id - b.trade_id) : this.closedTrades();
      const page = listed.slice(offset, offset + limit).map((t) => this.toJson(t));
      res.json({ trades: page, trades_count: page.length, offset, total_trades: listed.length });
    });
    app.get(
      "/api/v1/status",
      (_req, res) =>
        void res.json(
          this.statusEmptyWhenStopped && this.state !== "running"
            ? []
            : this.trades.filter((t) => t.is_open).map((t) => ({ ...this.toJson(t), current_rate: 1 })),
        ),
    );
    app.get("/api/v1/balance", (_req, res) => {
      const total = this.balanceTotal();
      res.json({
        currencies: [{ currency: "USDT", free: total, balance: total, used: 0, est_stake: total, stake: "USDT" }],
        total,
        total_bot: total,
        symbol: "USD",
        value: total,
        value_bot: total,
        stake: "USDT",
        note: "Simulated balances",
        starting_capital: this.startingCapital,
        starting_capital_ratio: total / this.startingCapital - 1,
      });
    });
    app.get("/api/v1/count", (_req, res) => {
      if (this.state !== "running") return void res.status(502).json({ detail: "Error querying /api/v1/count: trader is not running" });
      const open = this.trades.filter((t) => t.is_open);
      res.json({ current: open.length, max: this.maxOpenTrades, total_stake: open.reduce((s, t) => s + t.stake_amount, 0) });
    });
    app.get("/api/v1/health", (_req, res) => {
      const ts = this.lastProcessTs;
      res.json({ last_process: ts === null ? null : new Date(ts * 1000).toISOString(), last_process_ts: ts });
    });
    app.get(
      "/api/v1/show_config",
      (_req, res) =>
        void res.json({
          version: "2024.1",
          state: this.state,
          max_open_trades: this.maxOpenTrades,
          stake_currency: "USDT",
          dry_run: true,
          bot_name: "fake",
          runmode: "dry_run",
        }),
    );
    app.get("/api/v1/locks", (_req, res) => {
      const locks = this.locks.map((l) => ({
        ...l,
        lock_time: "2024-01-01 00:00:00",
        lock_timestamp: l.lock_end_timestamp - 3_600_000,
        lock_end_time: new Date(l.lock_end_timestamp).toISOString(),
        side: "*",
      }));
      res.json({ lock_count: locks.length, locks });
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, "127.0.0.1", () => resolve());
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private push(t: Pick<FakeTrade, "trade_id" | "is_open" | "open_timestamp" | "close_timestamp" | "profit_abs">): FakeTrade {
    const trade: FakeTrade = {
      ...t,
      pair: ["BTC/USDT", "ETH/USDT", "SOL/USDT:USDT"][t.trade_id % 3]!,
      is_short: t.trade_id % 5 === 0,
      stake_amount: 100,
      profit_ratio: t.profit_abs === null ? null : t.profit_abs / 100,
    };
    this.trades.push(trade);
    return trade;
  }

  /** A subset of Freqtrade's `Trade.to_json()` (TradeSchema), enough fields to look like the real thing. */
  private toJson(t: FakeTrade): Record<string, unknown> {
    const [base, quote] = t.pair.split(/[/:]/);
    return {
      trade_id: t.trade_id,
      pair: t.pair,
      base_currency: base,
      quote_currency: quote,
      is_open: t.is_open,
      is_short: t.is_short,
      exchange: "binance",
      amount: 1,
      amount_requested: 1,
      stake_amount: t.stake_amount,
      strategy: "SampleStrategy",
      timeframe: 5,
      open_date: new Date(t.open_timestamp).toISOString().replace("T", " ").slice(0, 19),
      open_timestamp: t.open_timestamp,
      open_rate: 100,
      close_date: t.close_timestamp === null ? null : new Date(t.close_timestamp).toISOString().replace("T", " ").slice(0, 19),
      close_timestamp: t.close_timestamp,
      close_rate: t.is_open ? null : 100 + (t.profit_abs ?? 0),
      close_profit: t.is_open ? null : t.profit_ratio,
      close_profit_abs: t.is_open ? null : t.profit_abs,
      profit_ratio: t.profit_ratio,
      profit_pct: t.profit_ratio === null ? null : t.profit_ratio * 100,
      profit_abs: t.profit_abs,
      realized_profit: t.is_open ? 0 : t.profit_abs,
      exit_reason: t.is_open ? null : "roi",
      orders: [],
      leverage: 1,
      trading_mode: "spot",
    };
  }
}
