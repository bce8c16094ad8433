// POST /api/v1/sources/freqtrade/webhook?bot=…&token=… (§18). Freqtrade cannot sign a request,
// so this route authenticates itself with the bot's token in the URL and is mounted before the HMAC
// check. The token is checked before the body is read; the query string (the token) is never logged.
import express, { Router, type NextFunction, type Request, type Response } from "express";
import type { FieldError } from "../domain/events.js";
import { HttpProblem } from "./problem.js";

/** What the route needs from the webhook source. */
export interface FreqtradeWebhookReceiver {
  /** Throws a rejection with `status` 404 (unknown bot) or 401 (token). */
  authorize(bot: unknown, token: unknown): void;
  receive(bot: string, body: Record<string, unknown>): Promise<{ accepted: number; duplicates: number }>;
}

export const FREQTRADE_WEBHOOK_PATH = "/api/v1/sources/freqtrade/webhook";
/** Freqtrade's messages are small; a megabyte is generous. */
const MAX_WEBHOOK_BYTES = 1024 * 1024;

function problemOf(err: unknown): unknown {
  const e = err as { status?: number; message?: string; errors?: FieldError[]; retryAfterSeconds?: number };
  if (
    typeof e?.status === "number" &&
    e.status >= 400 &&
    e.status < 500 &&
    !(err instanceof HttpProblem) &&
    typeof e.message === "string"
  ) {
    const title = e.status === 401 ? "Unauthorized" : undefined;
    return new HttpProblem(
      e.status,
      e.message,
      e.errors?.length ? e.errors : undefined,
      title,
      e.status === 401 ? "unauthorized" : undefined,
    );
  }
  if (typeof e?.status === "number" && e.status === 503) {
    return new HttpProblem(503, e.message ?? "the event store is unavailable", undefined, undefined, "store_error", {
      "Retry-After": String(e.retryAfterSeconds ?? 5),
    });
  }
  return err;
}

/** A flat object from a JSON or form body, as Freqtrade sends with `format: "json"` or `"form"`. */
function parseBody(req: Request): Record<string, unknown> {
  const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  if (req.is("application/json")) {
    let value: unknown;
    try {
      value = JSON.parse(raw.toString("utf8"));
    } catch (err) {
      throw new HttpProblem(400, `body is not valid JSON: ${(err as Error).message}`, undefined, undefined, "malformed_json");
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new HttpProblem(422, "the body must be one JSON object (Freqtrade's rendered message)", [
        { index: 0, path: "(root)", message: "must be an object" },
      ]);
    }
    return value as Record<string, unknown>;
  }
  if (req.is("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
  throw new HttpProblem(
    415,
    'Content-Type must be application/json or application/x-www-form-urlencoded (Freqtrade\'s "json" or "form" format)',
    undefined,
    undefined,
    "unsupported_media_type",
  );
}

export function freqtradeWebhookRouter(receiver: FreqtradeWebhookReceiver): Router {
  const router = Router();
  const rawBody = express.raw({ type: () => true, limit: MAX_WEBHOOK_BYTES });
  router.post(
    FREQTRADE_WEBHOOK_PATH,
    (req: Request, _res: Response, next: NextFunction) => {
      try {
        receiver.authorize(req.query.bot, req.query.token);
        next();
      } catch (err) {
        next(problemOf(err));
      }
    },
    rawBody,
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        // authorize() above accepted it, so it is a configured bot's name.
        res.json(await receiver.receive(req.query.bot as string, parseBody(req)));
      } catch (err) {
        next(problemOf(err));
      }
    },
  );
  return router;
}
