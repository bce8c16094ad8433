// §4: POST /api/v1/events and /api/v1/trades. The raw body is read (size-limited) before
// anything else so the signature can cover it byte for byte; then content type, then JSON, then
// the schema; nothing is stored unless everything passed.
import { Router, type Request, type Response } from "express";
import type { EventType } from "../domain/events.js";
import type { IngestPipeline } from "../ingest/pipeline.js";
import { IngestError } from "../ingest/ingest-error.js";
import { HttpProblem } from "./problem.js";

export function parseJsonBody(req: Request): unknown {
  if (!req.is("application/json") && !req.is("application/*+json")) {
    throw new HttpProblem(415, "Content-Type must be application/json", undefined, undefined, "unsupported_media_type");
  }
  return parseJsonText(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
}

/** The body as JSON, or a 400 problem saying why it is not. */
export function parseJsonText(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (err) {
    throw new HttpProblem(400, `body is not valid JSON: ${(err as Error).message}`, undefined, undefined, "malformed_json");
  }
}

/** The reply to a refused ingestion (§4, §15), or undefined for an error that is not one. */
export function ingestProblem(err: unknown): HttpProblem | undefined {
  if (!(err instanceof IngestError)) return undefined;
  const headers: Record<string, string> = err.retryAfterSeconds === undefined ? {} : { "Retry-After": String(err.retryAfterSeconds) };
  return new HttpProblem(err.status, err.message, err.errors.length ? err.errors : undefined, undefined, err.reason, headers);
}

export function ingestRouter(pipeline: IngestPipeline): Router {
  const router = Router();
  const route = (defaultType?: EventType) => async (req: Request, res: Response) => {
    const body = parseJsonBody(req);
    try {
      res.json(await pipeline.ingest(body, defaultType));
    } catch (err) {
      throw ingestProblem(err) ?? err;
    }
  };
  router.post("/api/v1/events", route());
  router.post("/api/v1/trades", route("trade"));
  return router;
}
