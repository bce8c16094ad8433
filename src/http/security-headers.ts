// §16 headers on every reply. helmet sets nosniff, Referrer-Policy and a Content-Security-
// Policy that allows only the exporter's own files: the dashboard (web/) has no inline script or
// style, so a script injected into a page (a bot name, an alert message) cannot run, and no other
// site may frame it. CORS is off unless `http.cors_origins` lists the calling origin.
import type { Request, RequestHandler, Response } from "express";
import helmet from "helmet";

export const CONTENT_SECURITY_POLICY = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'"],
  "img-src": ["'self'", "data:"],
  // 'self' covers ws:// and wss:// to the same host (CSP level 3), which /ws is.
  "connect-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
};

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      // No upgrade-insecure-requests: the exporter is often served over plain http on a LAN, and
      // upgrading its own script to https would break the dashboard.
      directives: CONTENT_SECURITY_POLICY,
    },
    referrerPolicy: { policy: "no-referrer" },
    // TLS is terminated in front of the exporter when used; that proxy decides about HSTS.
    strictTransportSecurity: false,
  });
}

/** The headers a request may use cross-origin: the read token and the §4 signature. */
const ALLOWED_HEADERS = "Authorization, Content-Type, X-Timestamp, X-Signature";

/** CORS for the listed origins only; everyone else gets no Access-Control-* header at all. */
export function corsFor(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    if (allowed.size === 0) return next();
    res.vary("Origin"); // replies differ per Origin: caches must not mix them up
    const origin = req.get("origin");
    if (!origin || !allowed.has(origin)) return next();
    res.set("Access-Control-Allow-Origin", origin);
    if (req.method === "OPTIONS" && req.get("access-control-request-method")) {
      res.set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE");
      res.set("Access-Control-Allow-Headers", ALLOWED_HEADERS);
      res.set("Access-Control-Max-Age", "600");
      return void res.status(204).end();
    }
    next();
  };
}

/**
 * The headers `middlewares` set on a reply to a request without an Origin (what the ingest fast
 * path sends): computed once by running them against a stand-in, so the two paths cannot drift.
 */
export function staticHeadersOf(middlewares: readonly RequestHandler[]): Map<string, string> {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string | number) => void headers.set(name, String(value)),
    removeHeader: (name: string) => void headers.delete(name),
    getHeader: (name: string) => headers.get(name),
    vary: (field: string) => void headers.set("Vary", headers.has("Vary") ? `${headers.get("Vary")}, ${field}` : field),
  };
  const req = { method: "POST", headers: {}, get: () => undefined };
  for (const middleware of middlewares) {
    let passed = false;
    void middleware(req as unknown as Request, res as unknown as Response, () => void (passed = true));
    if (!passed) throw new Error("a header middleware did not pass the request on");
  }
  return headers;
}
