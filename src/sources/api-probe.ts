// The exporter's own exchange-API probe (§6): GET `api_probe.url` every interval, with a
// timeout, and turn latency and failures into connected / degraded / disconnected. Health takes the
// worse of this and the bots' own `api_status` events.
import { createRequire } from "node:module";
import type { AxiosStatic } from "axios";
import type { Clock } from "../domain/clock.js";
import type { ProbeStatus } from "../domain/health.js";
import { urlOrigin } from "../domain/url-origin.js";

// Loaded on first use, not at start-up: a process pays for the HTTP client only when the configuration uses it.
const requireLazily = createRequire(import.meta.url);
let axiosLib: AxiosStatic | undefined;
const axios = (): AxiosStatic => (axiosLib ??= requireLazily("axios") as AxiosStatic);

export type { ProbeStatus } from "../domain/health.js";

export interface ApiProbeOptions {
  url: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  degradedLatencyMs: number;
  failuresBeforeDisconnected: number;
}

/** The subset of pino the probe uses. */
export interface ProbeLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ApiProbeDeps {
  clock: Clock;
  logger?: ProbeLogger;
  /** Called when the status level changes (connected / degraded / disconnected), not on every probe. */
  onChange?: (status: ProbeStatus, previous: ProbeStatus | null) => void;
  /** Monotonic milliseconds for latency; wall clock (`clock`) only stamps `checked_at`. */
  elapsed?: () => number;
  /** The last result from before a restart (§17): status and failure count carry on from it. */
  restored?: ProbeStatus | null;
  /** Called with every result, so the next start can restore it. */
  persist?: (status: ProbeStatus) => void;
}

export class ApiProbe {
  private current: ProbeStatus | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<ProbeStatus> | null = null;
  private readonly aborts = new Set<AbortController>();
  private readonly elapsed: () => number;
  /** Bumped by stop(): a probe started before it must not overwrite the status afterwards. */
  private generation = 0;

  constructor(
    private readonly options: ApiProbeOptions,
    private readonly deps: ApiProbeDeps,
  ) {
    this.elapsed = deps.elapsed ?? (() => performance.now());
    this.current = deps.restored ?? null;
  }

  status(): ProbeStatus | null {
    return this.current;
  }

  /** Probes now; a tick that finds the previous probe still running waits for it instead of piling up. */
  probeOnce(): Promise<ProbeStatus> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.run().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      // Errors are already folded into the status; nothing can reject here.
      void this.probeOnce();
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the timer and aborts a probe in flight (its result is then discarded). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.generation++;
    for (const controller of this.aborts) controller.abort();
    this.aborts.clear();
  }

  private async run(): Promise<ProbeStatus> {
    const { url, timeoutSeconds, degradedLatencyMs, failuresBeforeDisconnected } = this.options;
    const generation = this.generation;
    const controller = new AbortController();
    this.aborts.add(controller);
    // axios' `timeout` is a socket idle timeout in Node; the abort timer bounds the whole request.
    const deadline = setTimeout(() => controller.abort(), timeoutSeconds * 1000);
    deadline.unref();
    const started = this.elapsed();
    let next: ProbeStatus;
    try {
      await axios().get(url, {
        timeout: timeoutSeconds * 1000,
        signal: controller.signal,
        responseType: "text",
        transformResponse: (data: unknown) => data,
        maxContentLength: 1024 * 1024,
        maxRedirects: 3,
        validateStatus: (s) => s >= 200 && s < 300,
      });
      const latency = this.elapsed() - started;
      next = {
        status: latency <= degradedLatencyMs ? "connected" : "degraded",
        latency_ms: Math.round(latency * 1000) / 1000,
        checked_at: this.deps.clock.now(),
        consecutive_failures: 0,
        error: null,
      };
    } catch (err) {
      const failures = (this.current?.consecutive_failures ?? 0) + 1;
      next = {
        status: failures >= failuresBeforeDisconnected ? "disconnected" : "degraded",
        latency_ms: null,
        checked_at: this.deps.clock.now(),
        consecutive_failures: failures,
        error: describeFailure(err, controller.signal.aborted, timeoutSeconds),
      };
    } finally {
      clearTimeout(deadline);
      this.aborts.delete(controller);
    }
    if (generation !== this.generation) return next;
    const previous = this.current;
    this.current = next;
    try {
      this.deps.persist?.(next);
    } catch (err) {
      // A full disk must not stop probing; the in-memory status stays right until the restart.
      this.deps.logger?.warn({ err }, "could not persist the API probe status");
    }
    if (previous?.status !== next.status) {
      this.deps.logger?.[next.status === "connected" ? "info" : "warn"](
        {
          url: urlOrigin(url),
          status: next.status,
          latency_ms: next.latency_ms,
          consecutive_failures: next.consecutive_failures,
          error: next.error,
        },
        "exchange API probe status changed",
      );
      this.deps.onChange?.(next, previous);
    }
    return next;
  }
}

/** A failure as a short text without the URL (axios messages may embed it in some versions). */
function describeFailure(err: unknown, aborted: boolean, timeoutSeconds: number): string {
  if (axios().isAxiosError(err)) {
    if (err.response) return `HTTP ${err.response.status}`;
    if (aborted || err.code === "ECONNABORTED" || err.code === "ETIMEDOUT" || err.code === "ERR_CANCELED") {
      return `timeout after ${timeoutSeconds} s`;
    }
    if (err.code) return err.code;
  }
  if (aborted) return `timeout after ${timeoutSeconds} s`;
  return "request failed";
}
