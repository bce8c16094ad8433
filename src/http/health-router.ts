// GET /api/v1/health/status and /api/v1/health/safety (§6, §8).
import { Router } from "express";
import type { Clock } from "../domain/clock.js";
import type { Alerting } from "../engine/alerting.js";
import type { Engine } from "../engine/engine.js";
import { isoOrNull, safetyJson } from "./json.js";
import { HttpProblem } from "./problem.js";

export function botsOf(engine: Engine, query: unknown): string[] {
  const only = typeof query === "string" ? query : undefined;
  if (only === undefined) return engine.bots();
  if (!engine.hasBot(only)) throw new HttpProblem(404, `unknown bot "${only}"`);
  return [only];
}

/** The §8 health entry of one bot (also what the live hub pushes as `health_update`). */
export function healthEntry(engine: Engine, alerting: Alerting, bot: string) {
  const health = alerting.health(bot)!;
  return {
    bot,
    level: health.level,
    reasons: health.reasons,
    stale: health.stale,
    last_event_at: isoOrNull(engine.safety(bot).last_event_at),
  };
}

/** The §8 safety entry of one bot, with the effective API status (the bot's reports and the exporter's probe). */
export function safetyEntry(engine: Engine, alerting: Alerting, bot: string) {
  const api = alerting.health(bot)!.api;
  return { ...safetyJson(engine.safety(bot)), api: { ...api, checked_at: isoOrNull(api.checked_at) } };
}

export function healthRouter(engine: Engine, alerting: Alerting, clock: Clock): Router {
  const router = Router();
  router.get("/api/v1/health/status", (req, res) => {
    const bots = botsOf(engine, req.query.bot).map((bot) => healthEntry(engine, alerting, bot));
    res.json({ generated_at: new Date(clock.now()).toISOString(), level: alerting.overall(), bots });
  });
  router.get("/api/v1/health/safety", (req, res) => {
    const bots = botsOf(engine, req.query.bot).map((bot) => safetyEntry(engine, alerting, bot));
    res.json({ generated_at: new Date(clock.now()).toISOString(), bots });
  });
  return router;
}
