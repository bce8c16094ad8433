// Freqtrade's REST API as the poller reads it: the response shapes it relies on, one GET that never
// throws (and never lets the password out in an error), and the pure readings of those responses.
import { createRequire } from "node:module";
import type { AxiosInstance, AxiosStatic } from "axios";

// Loaded on first use, not at start-up: a process pays for the HTTP client only when the configuration uses it.
const requireLazily = createRequire(import.meta.url);
let axiosLib: AxiosStatic | undefined;
const axios = (): AxiosStatic => (axiosLib ??= requireLazily("axios") as AxiosStatic);

export type Fetched<T> = { ok: true; data: T; ms: number } | { ok: false; status: number; error: string };
export interface FtTrade {
  trade_id: number;
  pair?: string;
  is_open: boolean;
  is_short?: boolean;
  profit_abs?: number | null;
  close_timestamp?: number | null;
  open_timestamp?: number | null;
}
export interface FtTrades {
  trades: FtTrade[];
  total_trades: number;
}
export interface FtLock {
  pair: string;
  active?: boolean;
  reason?: string | null;
  lock_end_timestamp?: number;
}

export class FreqtradeApi {
  private readonly http: AxiosInstance;

  constructor(url: string, username: string, password: string, timeoutMs: number) {
    this.http = axios().create({
      baseURL: url.replace(/\/+$/, ""),
      auth: { username, password },
      timeout: timeoutMs,
      validateStatus: () => true, // every status is handled by the caller, none throws
    });
  }

  async get<T>(path: string, params: Record<string, number> | undefined, signal: AbortSignal): Promise<Fetched<T>> {
    const t0 = performance.now();
    try {
      const res = await this.http.get<T>(path, { params, signal });
      if (res.status === 200) return { ok: true, data: res.data, ms: performance.now() - t0 };
      return { ok: false, status: res.status, error: `HTTP ${res.status} on ${path}` };
    } catch (err) {
      // Only the code and path: axios errors carry the request config, which holds the password.
      const code = (err as { code?: string }).code ?? "network error";
      return { ok: false, status: 0, error: `${code} on ${path}` };
    }
  }
}

/**
 * Ids of the open trades, or null when they can't be trusted: /status failed, or old Freqtrade
 * versions answer [] while stopped, or /count sees more open trades than /status listed.
 */
export function openTradeIds(
  open: Fetched<FtTrade[]>,
  config: Fetched<{ state?: string }>,
  count: Fetched<{ current?: number }>,
): number[] | null {
  if (!open.ok || !Array.isArray(open.data)) return null;
  if (!config.ok || config.data.state !== "running") return null;
  if (count.ok && typeof count.data.current === "number" && count.data.current > open.data.length) return null;
  return open.data.map((t) => t.trade_id);
}

export function isAuthFailure(...results: Fetched<unknown>[]): boolean {
  return results.some((r) => !r.ok && r.status === 401);
}

/** Global locks (pair "*") are Freqtrade's circuit breaker: protections stop all new entries. */
export function circuitBreakerOf(locks: FtLock[], now: number): { open: boolean; reason?: string } {
  const global = locks.filter(
    (l) => l.pair === "*" && l.active !== false && (typeof l.lock_end_timestamp !== "number" || l.lock_end_timestamp > now),
  );
  if (global.length === 0) return { open: false };
  const reason = global.map((l) => l.reason || "global pair lock").join("; ");
  return { open: true, reason: reason.slice(0, 500) };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(invalid url)";
  }
}
