// The alert endpoints of §8: test messages, history, acknowledgments, trigger settings.
import { Router, type Request } from "express";
import { z } from "zod";
import type { Clock } from "../domain/clock.js";
import type { Alerting } from "../engine/alerting.js";
import { TriggerChangeError } from "../engine/trigger-table.js";
import type { GroupAlerting } from "../engine/group-alerting.js";
import { CHANNEL_NAMES, sendTest, type AlertRecord, type Channel } from "../notify/index.js";
import { parseJsonBody } from "./ingest-router.js";
import { isoOrNull } from "./json.js";
import { HttpProblem } from "./problem.js";

export function alertJson(r: AlertRecord) {
  return {
    ...r,
    started_at: isoOrNull(r.started_at),
    resolved_at: isoOrNull(r.resolved_at),
    acknowledged_at: isoOrNull(r.acknowledged_at),
    deliveries: r.deliveries.map((d) => ({ ...d, at: isoOrNull(d.at) })),
  };
}

export const alertTestSchema = z.strictObject({ channel: z.enum([...CHANNEL_NAMES, "all"]).default("all") });
export const ackSchema = z.strictObject({ by: z.string().max(200).optional() });
export const historyQuerySchema = z.strictObject({
  bot: z.string().optional(),
  group: z.string().optional(),
  trigger: z.string().optional(),
  status: z.enum(["firing", "resolved"]).optional(),
  since: z
    .string()
    .refine((s) => Number.isFinite(Date.parse(s)), "must be an ISO-8601 time")
    .optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});

export function validate<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({ index: 0, path: i.path.map(String).join(".") || "(root)", message: i.message }));
  throw new HttpProblem(422, `invalid ${where}: ${errors[0]!.path}: ${errors[0]!.message}`, errors, "Invalid request");
}

/** A body is optional on these POSTs; when present it must be JSON. */
export function optionalJson(req: Request): unknown {
  return Buffer.isBuffer(req.body) && req.body.length > 0 ? parseJsonBody(req) : {};
}

/** At most `perMinute` test sends in any rolling minute: a test message goes to real people. */
export function rateLimiter(perMinute: number, clock: Clock) {
  const sent: number[] = [];
  return () => {
    const now = clock.now();
    while (sent.length > 0 && sent[0]! <= now - 60_000) sent.shift();
    if (sent.length >= perMinute) {
      const retry = Math.ceil((sent[0]! + 60_000 - now) / 1000);
      throw new HttpProblem(429, `at most ${perMinute} test messages a minute`, undefined, undefined, "rate_limited", {
        "Retry-After": String(retry),
      });
    }
    sent.push(now);
  };
}

export interface AlertsRouterDeps {
  alerting: Alerting;
  /** Absent: no group triggers (an app without groups). */
  groupAlerting?: Pick<GroupAlerting, "triggers">;
  channels: Channel[];
  clock: Clock;
  externalUrl: string | null;
  testPerMinute: number;
}

export function alertsRouter(deps: AlertsRouterDeps): Router {
  const { alerting, clock } = deps;
  const router = Router();
  const limit = rateLimiter(deps.testPerMinute, clock);

  router.post("/api/v1/alerts/test", async (req, res) => {
    const { channel } = validate(alertTestSchema, optionalJson(req), "body");
    limit();
    const results = await sendTest(deps.channels, channel, { external_url: deps.externalUrl, clock });
    res.json({ results });
  });

  router.get("/api/v1/alerts/history", (req, res) => {
    const q = validate(historyQuerySchema, req.query, "query");
    const records = alerting.history({ ...q, since: q.since === undefined ? undefined : Date.parse(q.since) });
    res.json({ alerts: records.map(alertJson) });
  });

  router.post("/api/v1/alerts/:id/ack", (req, res) => {
    const { by } = validate(ackSchema, optionalJson(req), "body");
    const record = alerting.ack(String(req.params.id), by);
    if (!record) throw new HttpProblem(404, `no alert with id "${req.params.id}"`);
    res.json(alertJson(record));
  });

  router.get(
    "/api/v1/alerts/triggers",
    (_req, res) =>
      void res.json({
        triggers: alerting.triggers(),
        group_triggers: (deps.groupAlerting?.triggers() ?? []).map(({ group, trigger, enabled, severity, threshold }) => ({
          group,
          trigger,
          enabled,
          severity,
          threshold,
        })),
      }),
  );

  router.put("/api/v1/alerts/triggers/:trigger", (req, res) => {
    try {
      res.json(alerting.setTrigger(String(req.params.trigger), parseJsonBody(req)));
    } catch (err) {
      if (!(err instanceof TriggerChangeError)) throw err;
      const errors = err.errors.map((e) => ({ index: 0, ...e }));
      throw new HttpProblem(
        err.status,
        err.message,
        errors.length ? errors : undefined,
        err.status === 422 ? "Invalid trigger settings" : undefined,
      );
    }
  });
  return router;
}
