// The parts of OpenAPI 3.1 that our document uses, as a zod schema (no validator package is
// installed), plus the cross-checks a schema can't express: every $ref resolves, every path
// template parameter is declared, operation ids are unique, security requirements name schemes.
import { z } from "zod";

const ref = z.strictObject({ $ref: z.string().startsWith("#/"), summary: z.string().optional(), description: z.string().optional() });
/** A JSON Schema 2020-12 object; OAS 3.0's `nullable` and boolean exclusive bounds are not allowed in 3.1. */
const jsonSchema: z.ZodType = z.lazy(() =>
  z
    .looseObject({
      type: z.union([z.string(), z.array(z.string())]).optional(),
      nullable: z.never().optional(),
      exclusiveMinimum: z.number().optional(),
      exclusiveMaximum: z.number().optional(),
      properties: z.record(z.string(), jsonSchema).optional(),
      items: jsonSchema.optional(),
      anyOf: z.array(jsonSchema).optional(),
      oneOf: z.array(jsonSchema).optional(),
      allOf: z.array(jsonSchema).optional(),
      required: z.array(z.string()).optional(),
      additionalProperties: z.union([z.boolean(), jsonSchema]).optional(),
    })
    .refine(
      (s) =>
        s.type === undefined ||
        [s.type].flat().every((t) => ["object", "array", "string", "number", "integer", "boolean", "null"].includes(t)),
      "unknown JSON Schema type",
    ),
);

const mediaType = z.strictObject({ schema: jsonSchema, example: z.unknown().optional() });
const header = z.strictObject({ description: z.string().optional(), schema: jsonSchema });
const response = z.union([
  ref,
  z.strictObject({
    description: z.string().min(1),
    content: z.record(z.string(), mediaType).optional(),
    headers: z.record(z.string(), header).optional(),
  }),
]);
const parameter = z.union([
  ref,
  z
    .strictObject({
      name: z.string().min(1),
      in: z.enum(["query", "header", "path", "cookie"]),
      description: z.string().optional(),
      required: z.boolean().optional(),
      schema: jsonSchema,
    })
    .refine((p) => p.in !== "path" || p.required === true, "a path parameter must be required: true"),
]);
const securityRequirement = z.record(z.string(), z.array(z.string()));
const operation = z.strictObject({
  operationId: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  summary: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  security: z.array(securityRequirement).optional(),
  parameters: z.array(parameter).optional(),
  requestBody: z
    .strictObject({ required: z.boolean().optional(), description: z.string().optional(), content: z.record(z.string(), mediaType) })
    .optional(),
  responses: z
    .record(z.string().regex(/^([1-5]\d\d|[1-5]XX|default)$/), response)
    .refine((r) => Object.keys(r).length > 0, "at least one response"),
});
export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const pathItem = z.strictObject({
  summary: z.string().optional(),
  parameters: z.array(parameter).optional(),
  ...Object.fromEntries(HTTP_METHODS.map((m) => [m, operation.optional()])),
});
const securityScheme = z.union([
  z.strictObject({
    type: z.literal("apiKey"),
    name: z.string(),
    in: z.enum(["query", "header", "cookie"]),
    description: z.string().optional(),
  }),
  z.strictObject({ type: z.literal("http"), scheme: z.string(), bearerFormat: z.string().optional(), description: z.string().optional() }),
]);

export const openApi31 = z.strictObject({
  openapi: z.string().regex(/^3\.1\.\d+$/),
  info: z.strictObject({
    title: z.string().min(1),
    version: z.string().min(1),
    description: z.string().optional(),
    license: z.strictObject({ name: z.string(), identifier: z.string().optional(), url: z.string().optional() }).optional(),
  }),
  jsonSchemaDialect: z.string().optional(),
  servers: z.array(z.strictObject({ url: z.string(), description: z.string().optional() })).optional(),
  tags: z.array(z.strictObject({ name: z.string(), description: z.string().optional() })).optional(),
  security: z.array(securityRequirement).optional(),
  paths: z.record(z.string().startsWith("/"), pathItem),
  components: z.strictObject({
    schemas: z.record(z.string().regex(/^[A-Za-z0-9._-]+$/), jsonSchema).optional(),
    responses: z.record(z.string(), response).optional(),
    parameters: z.record(z.string(), parameter).optional(),
    securitySchemes: z.record(z.string(), securityScheme).optional(),
  }),
});

/** Follows a local JSON pointer (`#/components/schemas/X`); undefined when it leads nowhere. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.replace(/^#\//, "").split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Every `$ref` string anywhere in the document, with where it was found. */
export function collectRefs(node: unknown, at = "#", out: { ref: string; at: string }[] = []): { ref: string; at: string }[] {
  if (Array.isArray(node)) node.forEach((v, i) => collectRefs(v, `${at}/${i}`, out));
  else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push({ ref: v, at });
      else collectRefs(v, `${at}/${k}`, out);
    }
  }
  return out;
}
