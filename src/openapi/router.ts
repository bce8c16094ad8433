// GET /api/v1/openapi.json. The document is built once: it depends on nothing that changes at run time.
import { Router } from "express";
import { openApiDocument } from "./document.js";

export function openApiRouter(): Router {
  // Built at the first request, not at start: generating the document from the zod schemas is
  // ~15 ms of CPU that every start would otherwise spend before /readyz answers.
  let body: string | undefined;
  const router = Router();
  router.get("/api/v1/openapi.json", (_req, res) => {
    body ??= JSON.stringify(openApiDocument(), null, 2);
    res.type("application/json").send(body);
  });
  return router;
}
