// The load generator: a separate process (so its CPU is not the server's event loop) that keeps
// `connections` keep-alive connections busy with signed single-trade POSTs, 1,000-trade batches or
// GETs, for a duration or a number of requests, and prints one JSON line: throughput, latency
// percentiles, status counts and throughput per third of the run. The exporter and the bare
// node:http baseline are measured with this same generator.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { latencySummary } from "./result.js";
import { keepAliveAgent, send } from "./signed-request.js";

export interface LoadSpec {
  url: string;
  kind: "single" | "batch" | "get";
  path: string;
  connections: number;
  durationMs?: number;
  /** Stop after this many requests (whichever comes first with durationMs). */
  requests?: number;
  /** Trades per request for "batch". */
  batchSize?: number;
  bots?: number;
  secret?: string;
  /** Makes trade ids unique across generator runs against the same data directory. */
  idPrefix?: string;
  /** Each connection starts a request at most every intervalMs (a paced load, e.g. scrapes). */
  intervalMs?: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  statuses: Record<string, number>;
  seconds: number;
  requests_per_second: number;
  events_per_second: number;
  latency: ReturnType<typeof latencySummary>;
  /** Requests per second in each third of the run (a falling last third means a leak or a scan). */
  thirds_rps: number[];
  first_error?: string;
}

function body(spec: LoadSpec, n: number): string | undefined {
  const bots = spec.bots ?? 10;
  const prefix = spec.idPrefix ?? "g";
  const trade = (i: number) => `{"type":"trade","bot":"bot-${i % bots}","id":"${prefix}-${i}","pnl":${(((i * 7919) % 2001) - 990) / 100}}`;
  if (spec.kind === "get") return undefined;
  if (spec.kind === "single") return trade(n);
  const size = spec.batchSize ?? 1000;
  const parts: string[] = [];
  for (let i = 0; i < size; i++) parts.push(trade(n * size + i));
  return `[${parts.join(",")}]`;
}

export async function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  const agent = keepAliveAgent(spec.connections);
  const method = spec.kind === "get" ? "GET" : "POST";
  const latencies: number[] = [];
  const doneAt: number[] = [];
  const statuses: Record<string, number> = {};
  let firstError: string | undefined;
  let issued = 0;
  const started = performance.now();
  const deadline = spec.durationMs === undefined ? Infinity : started + spec.durationMs;
  const limit = spec.requests ?? Infinity;
  await Promise.all(
    Array.from({ length: spec.connections }, async () => {
      while (issued < limit && performance.now() < deadline) {
        const n = issued++;
        const due = performance.now() + (spec.intervalMs ?? 0);
        const reply = await send(agent, url, method, spec.path, body(spec, n), spec.secret).catch((err: Error) => ({
          status: 0,
          body: err.message,
          ms: NaN,
        }));
        statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
        if (reply.status === 200) {
          latencies.push(reply.ms);
          doneAt.push(performance.now() - started);
        } else firstError ??= `${reply.status}: ${reply.body.slice(0, 300)}`;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const third = seconds / 3;
  const thirds = [0, 0, 0];
  for (const t of doneAt) thirds[Math.min(2, Math.floor(t / 1000 / third))]!++;
  const ok = latencies.length;
  const eventsPerRequest = spec.kind === "batch" ? (spec.batchSize ?? 1000) : spec.kind === "single" ? 1 : 0;
  return {
    requests: issued,
    ok,
    statuses,
    seconds: Math.round(seconds * 1000) / 1000,
    requests_per_second: Math.round(ok / seconds),
    events_per_second: Math.round((ok * eventsPerRequest) / seconds),
    latency: latencySummary(latencies),
    thirds_rps: thirds.map((c) => Math.round(c / third)),
    ...(firstError ? { first_error: firstError } : {}),
  };
}

/** Runs the generator in its own process and resolves to its result. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(spec)], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "pipe", "inherit", "ipc"],
    });
    let out = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited ${code}`))));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await generateLoad(JSON.parse(process.argv[2]!) as LoadSpec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
