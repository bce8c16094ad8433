// The bots' hot path, POST /api/v1/events and /api/v1/trades, answered on node:http without
// express. A signed single trade costs the pipeline a few microseconds; express's router, helmet's
// eleven middlewares and the body parser around it cost several times that (BENCHMARKS.md: 3,100
// against 7,300 requests/s on the same load). The contract is the express route's (§4, §16):
// the same checks in the same order, the same security headers, the same replies, the same
// replay guard (one `SignatureChecks` serves both), so a bot cannot tell which one answered, except
// that these replies carry no ETag (a hash of a POST's reply that no client sends back).
//
// Only plain bot requests come here: the exact path, a JSON Content-Type, a Content-Length within
// the limit, no Content-Encoding and no Origin. Everything else, and every request refused before
// its body is read, is handed to express untouched, which answers it as it always has (with
// `Connection: close`, the body unread). From the body on, every reply is made here, as the app's
// error handler would make it.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EventType } from "../domain/events.js";
import type { IngestPipeline, IngestResult } from "../ingest/pipeline.js";
import type { SignatureChecks, SignedRequest } from "./hmac-auth.js";
import { ingestProblem, parseJsonText } from "./ingest-router.js";
import { HttpProblem, problemBody } from "./problem.js";

export interface FastIngestDeps {
  pipeline: IngestPipeline;
  checks: SignatureChecks;
  /** The headers every reply carries (§16), as express would have set them. */
  headers: ReadonlyMap<string, string>;
  /** Told about every problem answered here, as the app's error handler is (logs, rejected-event counter). */
  problem(path: string, problem: HttpProblem, err: unknown): void;
}

const ROUTES: ReadonlyMap<string, EventType | undefined> = new Map([
  ["/api/v1/events", undefined],
  ["/api/v1/trades", "trade"],
]);

/** A request line and headers this path takes: the route's default type, or null to hand it to express. */
function routeOf(req: IncomingMessage): { defaultType: EventType | undefined } | null {
  if (req.method !== "POST" || !ROUTES.has(req.url!)) return null;
  const h = req.headers;
  if (h.origin !== undefined || (h["content-encoding"] !== undefined && h["content-encoding"] !== "identity")) return null;
  // Without a length the body's limit is enforced while reading; express does that. Over the
  // limit, the header check below refuses it (413) and express answers.
  if (h["content-length"] === undefined) return null;
  const type = h["content-type"];
  if (type === undefined || type.split(";", 1)[0]!.trim().toLowerCase() !== "application/json") return null;
  return { defaultType: ROUTES.get(req.url!) };
}

/** `req.get` as express reads it: a lower-cased header, repeated ones joined. */
function signedRequest(req: IncomingMessage): SignedRequest {
  return {
    method: req.method!,
    originalUrl: req.url!,
    get: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/** Returns a listener that answers the requests it takes and returns false for the rest. */
export function fastIngest(deps: FastIngestDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const reply = (res: ServerResponse, status: number, contentType: string, body: string, extra: Record<string, string> = {}) => {
    for (const [k, v] of deps.headers) res.setHeader(k, v);
    for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
    res.setHeader("Content-Type", contentType);
    res.setHeader("Content-Length", Buffer.byteLength(body));
    res.statusCode = status;
    res.end(body);
  };
  const fail = (req: IncomingMessage, res: ServerResponse, problem: HttpProblem, err: unknown = problem) => {
    deps.problem(req.url!, problem, err);
    reply(res, problem.status, "application/problem+json; charset=utf-8", problemBody(problem), problem.headers);
  };

  return (req, res) => {
    const route = routeOf(req);
    if (route === null) return false;
    const signed = signedRequest(req);
    if (deps.checks.checkHeaders(signed) !== null) return false;
    const chunks: Buffer[] = [];
    // A client that goes away mid-body is past answering; its request was never acknowledged.
    req.on("error", () => undefined);
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      // The reply waits for the commit, and the closures below keep this scope until then: the raw
      // body and its parsed copy are not needed by then (the pipeline holds the validated events),
      // so nothing the closures can reach refers to them, and they die young.
      chunks.length = 0;
      const refused = deps.checks.verifyBody(signed, body);
      if (refused !== null) return fail(req, res, refused);
      let parsed: unknown;
      try {
        parsed = parseJsonText(body);
      } catch (err) {
        return fail(req, res, err as HttpProblem);
      }
      ingestSettled(deps.pipeline, parsed, route.defaultType).then(
        (result) => reply(res, 200, "application/json; charset=utf-8", JSON.stringify(result)),
        (err: unknown) => {
          const problem = ingestProblem(err) ?? new HttpProblem(500, "internal error");
          if (problem.status === 503) deps.checks.refusedUnapplied(signed);
          fail(req, res, problem, err);
        },
      );
    });
    return true;
  };
}

/** The pipeline's answer, a throw (a bug) included as a rejection: it must become a 500, as express makes it, not end the process. */
async function ingestSettled(pipeline: IngestPipeline, body: unknown, defaultType: EventType | undefined): Promise<IngestResult> {
  return pipeline.ingest(body, defaultType);
}
