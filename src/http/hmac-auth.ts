// §4 and §16: every write is signed. The signature covers the timestamp, method, path with
// query and the raw body, so it can't be moved to another request; a signature is accepted once
// within the clock-skew window, so a captured request can't be replayed either.
//
// The checks are split in two so that an unauthenticated client cannot make the server buffer a
// body (§16): `checkHeaders` runs before a byte of the body is read (headers present and well
// formed, timestamp inside the window and not older than this process, Content-Length within the
// limit); only then is the body read and `verifyBody` checks the signature and the replay guard.
import type { NextFunction, Request, Response } from "express";
import type { Clock } from "../domain/clock.js";
import { sign, signaturesEqual } from "../domain/signature.js";
import { HttpProblem } from "./problem.js";
import { ReplayGuard } from "./replay-guard.js";

export interface HmacOptions {
  /** Every secret currently accepted (several at once during a rotation). */
  secrets: () => string[];
  maxClockSkewSeconds: number;
  clock: Clock;
  /** Largest body accepted; a larger Content-Length is refused before reading (413). */
  maxBodyBytes: number;
  /**
   * When this process started (epoch ms; default: when the middleware is built). The replay guard
   * lives in memory, so a signature from before the start could be replayed once more after a
   * restart: timestamps older than the start's second are refused, and a retrying client re-signs.
   */
  startedAt?: number;
}

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, detail, undefined, "Unauthorized", "unauthorized");
}

/** What the checks read of a request: express's, or node:http's on the ingest fast path. */
export interface SignedRequest {
  readonly method: string;
  /** The path and query as received (what the signature covers). */
  readonly originalUrl: string;
  get(header: string): string | undefined;
}

/** One per app: the express routes and the ingest fast path share the replay guard. */
export interface SignatureChecks {
  /** Before the body: the problem to answer with, or null to go on and read the body. */
  checkHeaders(req: SignedRequest): HttpProblem | null;
  /** After the body (the raw bytes): the signature and the replay guard. */
  verifyBody(req: SignedRequest, body: Buffer): HttpProblem | null;
  /**
   * The request was answered 503: nothing of it was stored or applied (§15), so its signature is
   * released and a retry of the same bytes after `Retry-After` is taken, not refused as a replay.
   */
  refusedUnapplied(req: SignedRequest): void;
}

export function signatureChecks(opts: HmacOptions): SignatureChecks {
  const replay = new ReplayGuard(opts.maxClockSkewSeconds * 1000);
  const floorSeconds = Math.floor((opts.startedAt ?? opts.clock.now()) / 1000);
  return {
    checkHeaders(req) {
      const timestamp = req.get("x-timestamp");
      const signature = req.get("x-signature");
      if (!timestamp || !signature) return unauthorized("X-Timestamp and X-Signature headers are required");
      if (!TIMESTAMP.test(timestamp)) return unauthorized("X-Timestamp must be unix seconds");
      if (!SIGNATURE.test(signature)) return unauthorized("X-Signature must be sha256=<64 hex digits>");
      const seconds = Number(timestamp);
      if (Math.abs(opts.clock.now() / 1000 - seconds) > opts.maxClockSkewSeconds) {
        return unauthorized(`X-Timestamp is more than ${opts.maxClockSkewSeconds} s from the server's clock`);
      }
      if (seconds < floorSeconds) return unauthorized("X-Timestamp is older than the server's start; sign the request again");
      if (replay.used(signature, opts.clock.now())) return unauthorized("signature already used (replay)");
      const length = req.get("content-length");
      if (length !== undefined && Number(length) > opts.maxBodyBytes) {
        return new HttpProblem(413, `body exceeds ${opts.maxBodyBytes} bytes`, undefined, undefined, "too_large");
      }
      return null;
    },
    verifyBody(req, body) {
      const timestamp = req.get("x-timestamp")!;
      const signature = req.get("x-signature")!;
      const valid = opts.secrets().some((secret) => signaturesEqual(sign(secret, timestamp, req.method, req.originalUrl, body), signature));
      if (!valid) return unauthorized("signature does not match");
      if (!replay.firstUse(signature, opts.clock.now())) return unauthorized("signature already used (replay)");
      return null;
    },
    refusedUnapplied(req) {
      const signature = req.get("x-signature");
      if (signature !== undefined) replay.forget(signature);
    },
  };
}

/**
 * Express middleware for signed writes: headers first, then the body is read with `readBody`
 * (express.raw, size-limited for bodies without a Content-Length), then the signature.
 * A request refused before its body was read is answered with `Connection: close`: the unread body
 * is never received, the socket simply ends.
 */
export function hmacAuth(checks: SignatureChecks, readBody: (req: Request, res: Response, next: NextFunction) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const early = checks.checkHeaders(req);
    if (early) {
      res.set("Connection", "close");
      return next(early);
    }
    readBody(req, res, (err?: unknown) => {
      if (err) return next(err);
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const problem = checks.verifyBody(req, body);
      if (problem === null) res.once("finish", () => res.statusCode === 503 && checks.refusedUnapplied(req));
      next(problem ?? undefined);
    });
  };
}

/** §4 optional read token: `Authorization: Bearer <token>` (or `?token=` where allowed). */
export function readTokenAuth(token: string | undefined, allowQuery = false) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!token) return next();
    const header = req.get("authorization");
    const given = header?.startsWith("Bearer ")
      ? header.slice(7)
      : allowQuery && typeof req.query.token === "string"
        ? req.query.token
        : "";
    if (given && signaturesEqual(given, token)) return next();
    next(new HttpProblem(401, "a valid read token is required (Authorization: Bearer <token>)", undefined, "Unauthorized", "unauthorized"));
  };
}
