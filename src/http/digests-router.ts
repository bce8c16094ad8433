// POST /api/v1/digests/test (§19): a digest of the period so far, sent now, one attempt on each
// channel; signed like every write, rate limited like the alert test (real people read it).
import { Router } from "express";
import { z } from "zod";
import type { Clock } from "../domain/clock.js";
import { DIGEST_KINDS, type DigestKind } from "../domain/digest-schedule.js";
import { alertTestSchema, optionalJson, rateLimiter, validate } from "./alerts-router.js";

export const digestTestSchema = z.strictObject({
  kind: z.enum(DIGEST_KINDS, { error: `must be one of ${DIGEST_KINDS.join(", ")}` }).default("daily"),
  // The channels the alert test names (slack, email, …, all).
  channel: alertTestSchema.shape.channel,
});

export type DigestTestChannel = z.output<typeof digestTestSchema>["channel"];

export interface DigestsRouterDeps {
  sendTest(kind: DigestKind, channel: DigestTestChannel): Promise<Array<{ channel: string; ok: boolean; error?: string }>>;
  clock: Clock;
  testPerMinute: number;
}

export function digestsRouter(deps: DigestsRouterDeps): Router {
  const router = Router();
  const limit = rateLimiter(deps.testPerMinute, deps.clock);
  router.post("/api/v1/digests/test", async (req, res) => {
    const { kind, channel } = validate(digestTestSchema, optionalJson(req), "body");
    limit();
    res.json({ results: await deps.sendTest(kind, channel) });
  });
  return router;
}
