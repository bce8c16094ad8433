// How one route of the OpenAPI document is written down: who may call it (open, read token, HMAC
// signature), what it takes and gives, and the problems it can answer with. The kind of access
// brings its security scheme and its common problems, so no route lists them by hand.
import type { JsonSchema } from "./components.js";

type Access = "open" | "read" | "signed";
export type Param = { name: string; in: "query" | "path"; required?: boolean; description: string; schema: JsonSchema };

interface Op {
  id: string;
  summary: string;
  tag: string;
  access: Access;
  description?: string;
  params?: Param[];
  body?: { ref: string; required: boolean };
  ok: { status?: string; description: string; content: Record<string, JsonSchema> };
  problems?: number[];
  /** Other answers that are not problems (e.g. /readyz's 503). */
  more?: Record<string, { description: string; content: Record<string, JsonSchema> }>;
}

export const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
export const json = (id: string) => ({ "application/json": { schema: ref(id) } });

/** The optional read token guards `GET /api/*` and `/metrics` only when `auth.read_token` is set. */
const SECURITY: Record<Access, unknown[]> = {
  open: [],
  read: [{ readToken: [] }, {}],
  signed: [{ hmacTimestamp: [], hmacSignature: [] }],
};
/** Problems every operation of a kind can answer with, besides its own. */
const COMMON_PROBLEMS: Record<Access, number[]> = { open: [], read: [401], signed: [400, 401, 413, 415] };
export const PROBLEM_RESPONSES: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  404: "NotFound",
  413: "PayloadTooLarge",
  415: "UnsupportedMediaType",
  422: "UnprocessableContent",
  429: "TooManyRequests",
  503: "ServiceUnavailable",
};

export function operation(op: Op): Record<string, unknown> {
  const responses: Record<string, unknown> = { [op.ok.status ?? "200"]: { description: op.ok.description, content: op.ok.content } };
  const problems = [...new Set([...COMMON_PROBLEMS[op.access], ...(op.problems ?? [])])].sort((a, b) => a - b);
  for (const status of problems) responses[String(status)] = { $ref: `#/components/responses/${PROBLEM_RESPONSES[status]}` };
  Object.assign(responses, op.more);
  return {
    operationId: op.id,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    security: SECURITY[op.access],
    ...(op.params ? { parameters: op.params } : {}),
    ...(op.body ? { requestBody: { required: op.body.required, content: json(op.body.ref) } } : {}),
    responses,
  };
}
