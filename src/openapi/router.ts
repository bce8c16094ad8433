// GET /api/v1/openapi.json. The document is built once: it depends on nothing that changes at run time.
import { Router } from "express";
import { openApiDocument } from "./document.js";

export function openApiRouter(): Router {
  const body = JSON.stringify(openApiDocument(), null, 2);
  const router = Router();
  router.get("/api/v1/openapi.json", (_req, res) => void res.type("application/json").send(body));
  return router;
}
