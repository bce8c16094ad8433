// The express app: auth, body limits, every router (mounted here and nowhere else, in the order
// they are matched), and one error handler that turns every failure into RFC 9457 problem+json.
// The app only reads state and hands writes to the pipeline; it never computes a metric.
import type { RequestListener } from "node:http";
import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Clock } from "../domain/clock.js";
import type { Alerting } from "../engine/alerting.js";
import type { Engine } from "../engine/engine.js";
import type { IngestPipeline } from "../ingest/pipeline.js";
import type { Logger } from "../logger.js";
import { openApiRouter } from "../openapi/router.js";
import { alertsRouter, type AlertsRouterDeps } from "./alerts-router.js";
import { digestsRouter, type DigestsRouterDeps } from "./digests-router.js";
import { exportRouter, type ExportRouterDeps } from "./export-router.js";
import { freqtradeWebhookRouter, type FreqtradeWebhookReceiver } from "./freqtrade-webhook-router.js";
import { healthRouter } from "./health-router.js";
import { hmacAuth, readTokenAuth, signatureChecks, type SignatureChecks } from "./hmac-auth.js";
import { fastIngest } from "./ingest-fast-path.js";
import { ingestRouter } from "./ingest-router.js";
import { HttpProblem, sendProblem } from "./problem.js";
import { realtimeRouter } from "./realtime-router.js";
import { landingPage } from "./landing.js";
import { corsFor, securityHeaders, staticHeadersOf } from "./security-headers.js";

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The part of the exposition the app serves: `/metrics` and the rejected-event counter. */
export interface MetricsEndpoint {
  renderChunks(accept: string | undefined): Promise<{ contentType: string; chunks: Buffer[] }>;
  eventRejected(reason: string): void;
}

export interface AppDeps {
  pipeline: IngestPipeline;
  engine: Engine;
  alerting: Alerting;
  /** The group drawdown triggers (§19), listed by `GET /api/v1/alerts/triggers`. */
  groupAlerting?: AlertsRouterDeps["groupAlerting"];
  metrics: MetricsEndpoint;
  clock: Clock;
  logger: Logger;
  auth: { secrets: () => string[]; maxClockSkewSeconds: number; readToken?: string };
  /** `http.cors_origins` (§16): the only origins that get CORS headers. */
  corsOrigins?: readonly string[];
  /** Why the exporter is not ready (stopping, the store failing: §15); empty when it is. */
  notReadyReasons: () => string[];
  /** `POST /api/v1/alerts/test`: the channels and its rate limit. */
  alertTest: Omit<AlertsRouterDeps, "alerting" | "groupAlerting" | "clock">;
  export: ExportRouterDeps;
  /** `POST /api/v1/digests/test` (§19). */
  digests?: Omit<DigestsRouterDeps, "clock">;
  /** The Freqtrade webhook receiver, when `sources.freqtrade_webhook` is configured (§18). */
  freqtradeWebhook?: FreqtradeWebhookReceiver;
  /** Directory served at `/` (the built-in dashboard); a plain landing page when absent. */
  webDir?: string;
}

const isWrite = (method: string) => method === "POST" || method === "PUT" || method === "DELETE" || method === "PATCH";

/** The express app alone (tests that read its routes); `createHttpHandler` is what a server runs. */
export function createApp(deps: AppDeps): express.Express {
  return createHttpHandler(deps).app;
}

/**
 * What the HTTP server runs: signed bot writes go the fast path (ingest-fast-path.ts), everything
 * else, and whatever that path does not take, to the express app. Both share one signature check.
 */
export function createHttpHandler(deps: AppDeps): { app: express.Express; handle: RequestListener } {
  const checks = signatureChecks({
    secrets: deps.auth.secrets,
    maxClockSkewSeconds: deps.auth.maxClockSkewSeconds,
    clock: deps.clock,
    maxBodyBytes: MAX_BODY_BYTES,
  });
  const headerMiddlewares = [securityHeaders(), corsFor(deps.corsOrigins ?? [])];
  const app = expressApp(deps, checks, headerMiddlewares);
  const fast = fastIngest({
    pipeline: deps.pipeline,
    checks,
    headers: staticHeadersOf(headerMiddlewares),
    problem: (path, problem, err) => reportProblem(deps, path, problem, err),
  });
  return { app, handle: (req, res) => void (fast(req, res) || app(req, res)) };
}

function expressApp(deps: AppDeps, checks: SignatureChecks, headerMiddlewares: RequestHandler[]): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");
  for (const m of headerMiddlewares) app.use(m);

  app.get("/healthz", (_req, res) => void res.json({ status: "ok" }));
  // Liveness stays 200 while the store fails (§15): restarting would not make the disk writable.
  app.get("/readyz", (_req, res) => {
    const reasons = deps.notReadyReasons();
    if (reasons.length === 0) return void res.json({ status: "ready", reasons });
    res.status(503).json({ status: "not_ready", reasons });
  });

  // Freqtrade cannot sign its webhook: the route authenticates itself by the bot's token, so it is
  // mounted before the signature check and answers every request to its path.
  if (deps.freqtradeWebhook) app.use(freqtradeWebhookRouter(deps.freqtradeWebhook));

  // Writes: signature headers and Content-Length first (§16), then the raw body (size-limited also
  // when chunked), so the signature covers exactly the bytes received.
  const rawBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES });
  const signed = hmacAuth(checks, rawBody);
  app.use("/api", (req, res, next) => (isWrite(req.method) ? signed(req, res, next) : next()));

  const readAuth = readTokenAuth(deps.auth.readToken);
  app.use("/api", (req, res, next) => (isWrite(req.method) ? next() : readAuth(req, res, next)));
  app.get("/metrics", readAuth, async (req, res) => {
    const { contentType, chunks } = await deps.metrics.renderChunks(req.get("accept"));
    // Written piece by piece: the cached blocks go out as they are, with no copy into one body and
    // no ETag (a hash of megabytes at 1,000 bots that no scraper sends back).
    res.type(contentType).setHeader(
      "Content-Length",
      chunks.reduce((n, c) => n + c.length, 0),
    );
    for (const c of chunks) res.write(c);
    res.end();
  });

  app.use(ingestRouter(deps.pipeline));
  app.use(realtimeRouter(deps.engine, deps.clock));
  app.use(healthRouter(deps.engine, deps.alerting, deps.clock));
  app.use(alertsRouter({ ...deps.alertTest, alerting: deps.alerting, groupAlerting: deps.groupAlerting, clock: deps.clock }));
  if (deps.digests) app.use(digestsRouter({ ...deps.digests, clock: deps.clock }));
  app.use(exportRouter(deps.export));
  app.use(openApiRouter());

  if (deps.webDir) app.use(express.static(deps.webDir, { index: "index.html", maxAge: 0 }));
  else app.get("/", (_req, res) => void res.type("html").send(landingPage()));

  app.use((req, _res, next) => next(new HttpProblem(404, `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(deps));
  return app;
}

function errorHandler(deps: AppDeps) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const problem = toProblem(err);
    reportProblem(deps, req.path, problem, err);
    if (res.headersSent) return void res.end();
    sendProblem(res, problem);
  };
}

/** Every problem answered, on either path: a 5xx is logged, a refused write counted by its reason. */
function reportProblem(deps: AppDeps, path: string, problem: HttpProblem, err: unknown): void {
  if (problem.status >= 500) deps.logger.error({ err, path }, "request failed");
  if (path.startsWith("/api/v1/events") || path.startsWith("/api/v1/trades")) {
    deps.metrics.eventRejected(problem.reason ?? String(problem.status));
  }
}

/** Maps body-parser and unknown errors to problems; never leaks internals in `detail`. */
function toProblem(err: unknown): HttpProblem {
  if (err instanceof HttpProblem) return err;
  const e = err as { type?: string; status?: number; limit?: number };
  if (e?.type === "entity.too.large") {
    return new HttpProblem(413, `body exceeds ${MAX_BODY_BYTES} bytes`, undefined, undefined, "too_large");
  }
  if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") {
    return new HttpProblem(415, "unsupported body encoding or charset", undefined, undefined, "unsupported_media_type");
  }
  if (e?.type === "request.aborted") return new HttpProblem(400, "request aborted", undefined, undefined, "aborted");
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) return new HttpProblem(e.status, "bad request");
  return new HttpProblem(500, "internal error");
}
