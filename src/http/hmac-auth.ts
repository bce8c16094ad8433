// §4: every write is signed. The signature covers the timestamp, method, path with query and
// the raw body, so it can't be moved to another request; a signature is accepted once within the
// clock-skew window, so a captured request can't be replayed either.
import type { NextFunction, Request, Response } from "express";
import type { Clock } from "../domain/clock.js";
import { sign, signaturesEqual } from "../domain/signature.js";
import { HttpProblem } from "./problem.js";

export interface HmacOptions {
  /** Every secret currently accepted (several at once during a rotation). */
  secrets: () => string[];
  maxClockSkewSeconds: number;
  clock: Clock;
}

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowMs: number) {}

  /** True the first time a signature is seen within the window. */
  firstUse(signature: string, now: number): boolean {
    if (this.seen.size > 1000) this.prune(now);
    const expires = this.seen.get(signature);
    if (expires !== undefined && expires > now) return false;
    // A timestamp may be up to the skew in the future, so remember it for twice the window.
    this.seen.set(signature, now + 2 * this.windowMs);
    return true;
  }

  private prune(now: number): void {
    for (const [sig, expires] of this.seen) if (expires <= now) this.seen.delete(sig);
  }
}

function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, detail, undefined, "Unauthorized", "unauthorized");
}

/** Express middleware; needs the raw body as a Buffer in `req.body` (express.raw). */
export function hmacAuth(opts: HmacOptions) {
  const replay = new ReplayGuard(opts.maxClockSkewSeconds * 1000);
  return (req: Request, _res: Response, next: NextFunction): void => {
    const timestamp = req.get("x-timestamp");
    const signature = req.get("x-signature");
    if (!timestamp || !signature) return next(unauthorized("X-Timestamp and X-Signature headers are required"));
    if (!/^\d{1,12}$/.test(timestamp)) return next(unauthorized("X-Timestamp must be unix seconds"));
    if (!SIGNATURE.test(signature)) return next(unauthorized("X-Signature must be sha256=<64 hex digits>"));
    const now = opts.clock.now();
    if (Math.abs(now / 1000 - Number(timestamp)) > opts.maxClockSkewSeconds) {
      return next(unauthorized(`X-Timestamp is more than ${opts.maxClockSkewSeconds} s from the server's clock`));
    }
    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const valid = opts
      .secrets()
      .some((secret) => signaturesEqual(sign(secret, timestamp, req.method, req.originalUrl, body), signature));
    if (!valid) return next(unauthorized("signature does not match"));
    if (!replay.firstUse(signature, now)) return next(unauthorized("signature already used (replay)"));
    next();
  };
}

/** §4 optional read token: `Authorization: Bearer <token>` (or `?token=` where allowed). */
export function readTokenAuth(token: string | undefined, allowQuery = false) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (!token) return next();
    const header = req.get("authorization");
    const given = header?.startsWith("Bearer ") ? header.slice(7) : allowQuery ? String(req.query.token ?? "") : "";
    if (given && signaturesEqual(given, token)) return next();
    next(new HttpProblem(401, "a valid read token is required (Authorization: Bearer <token>)", undefined, "Unauthorized", "unauthorized"));
  };
}
