// The OpenAPI 3.1 document of the §8 API (GET /api/v1/openapi.json). Generated, not written: the
// schemas come from the zod schemas that validate requests and from the response schemas that the
// tests check real answers against (test/openapi/).
import { VERSION } from "../version.js";
import { componentSchemas } from "./components.js";
import { PROBLEM_RESPONSES } from "./operation.js";
import { apiPaths } from "./paths.js";

const DESCRIPTION = `Prometheus exporter and live monitor for algorithmic-trading bots.

**Writes** (POST, PUT) are signed with HMAC-SHA256 (schemes \`hmacTimestamp\` + \`hmacSignature\`, always together):

    X-Timestamp: <unix seconds>
    X-Signature: sha256=<hex HMAC(secret, "<timestamp>.<METHOD>.<path and query>.<raw body>")>

A request is rejected with 401 when a header is missing or malformed, the signature does not match any configured
secret, the timestamp is more than \`auth.max_clock_skew_seconds\` (300) from the server's clock, or the same
signature was already used in that window (replay).

**Reads** of \`/api/*\` and \`/metrics\` need \`Authorization: Bearer <token>\` only when \`auth.read_token\` is
configured; \`/\`, \`/healthz\` and \`/readyz\` are always open.

**Errors** are RFC 9457 \`application/problem+json\`; validation errors list every bad field in \`errors\`
(\`index\` in the batch, \`path\` in the event).

**Live updates**: a WebSocket at \`/ws\` (same read token, also as \`?token=\`) pushes \`metrics_update\`,
\`health_update\`, \`safety_update\`, \`alert\` and \`trade\` messages; it is not an HTTP route and so is not listed here.`;

const PROBLEM_TEXT: Record<number, string> = {
  400: "Malformed request: the body is not JSON, or a query parameter is invalid",
  401: "Missing, malformed, stale, replayed or wrong signature; or a missing/wrong read token",
  404: "No such resource (unknown bot, alert or trigger)",
  413: "The body exceeds 5 MiB",
  415: "The body is not application/json",
  422: "Invalid content; `errors` lists every bad field",
  429: "Rate limited; see Retry-After",
  503: "The exporter is shutting down, or the event store cannot take writes (disk full, read-only, I/O error, locked); nothing was stored. Retry after `Retry-After` seconds",
};

function problemResponses(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, name] of Object.entries(PROBLEM_RESPONSES)) {
    out[name] = {
      description: PROBLEM_TEXT[Number(status)] ?? name,
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
      ...(status === "429" || status === "503"
        ? { headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } } }
        : {}),
    };
  }
  return out;
}

const SECURITY_SCHEMES = {
  hmacTimestamp: {
    type: "apiKey",
    in: "header",
    name: "X-Timestamp",
    description: "Unix seconds when the request was signed; must be within auth.max_clock_skew_seconds of the server's clock.",
  },
  hmacSignature: {
    type: "apiKey",
    in: "header",
    name: "X-Signature",
    description:
      'sha256=<64 hex digits>: HMAC-SHA256 with a configured secret over "<X-Timestamp>.<METHOD>.<path and query>.<raw body>". ' +
      "Each signature is accepted once (replay protection). Several secrets may be valid at once (rotation).",
  },
  readToken: {
    type: "http",
    scheme: "bearer",
    description: "auth.read_token, required for GET /api/* and /metrics only when configured.",
  },
};

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: {
      title: "trading-exporter",
      version: VERSION,
      description: DESCRIPTION,
      license: { name: "MIT", identifier: "MIT" },
    },
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    tags: [
      { name: "ingestion", description: "Getting events in (§3, §4)" },
      { name: "metrics", description: "Performance figures (§5)" },
      { name: "health", description: "Health and safety controls (§6)" },
      { name: "alerts", description: "Alert history, acknowledgments and trigger settings (§7)" },
      { name: "export", description: "Trades and equity curves for analysis and charts" },
      { name: "meta", description: "Liveness, readiness, Prometheus metrics, this document, the dashboard" },
    ],
    paths: apiPaths(),
    components: {
      schemas: componentSchemas(),
      responses: problemResponses(),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
