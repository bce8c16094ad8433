// GET /api/v1/metrics/realtime (§8): every bot's performance snapshot as of now; GET
// /api/v1/groups/realtime (§19): every configured group's fleet figures.
import { Router } from "express";
import type { Clock } from "../domain/clock.js";
import type { Engine } from "../engine/engine.js";
import { groupJson, performanceJson } from "./json.js";
import { HttpProblem } from "./problem.js";

export function realtimeRouter(engine: Engine, clock: Clock): Router {
  const router = Router();
  router.get("/api/v1/metrics/realtime", (req, res) => {
    const only = typeof req.query.bot === "string" ? req.query.bot : undefined;
    if (only !== undefined && !engine.hasBot(only)) throw new HttpProblem(404, `unknown bot "${only}"`);
    const bots = only !== undefined ? [only] : engine.bots();
    res.json({ generated_at: new Date(clock.now()).toISOString(), bots: bots.map((b) => performanceJson(engine.performance(b))) });
  });
  router.get("/api/v1/groups/realtime", (_req, res) => {
    res.json({ generated_at: new Date(clock.now()).toISOString(), groups: engine.groups().map((g) => groupJson(engine.group(g))) });
  });
  return router;
}
