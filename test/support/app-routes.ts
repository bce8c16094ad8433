// Every route of an express 5 app as `METHOD /path` (OpenAPI's `{param}` spelling), enumerated
// from the router stack: the list the OpenAPI route test and the security-headers test share.
import type express from "express";
import { HTTP_METHODS } from "../openapi/oas31.js";

export interface Layer {
  name?: string;
  rawPath?: unknown;
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `METHOD /path` for every route; express's `:param` becomes OpenAPI's `{param}`. */
export function appRoutes(stack: Layer[], prefix = ""): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const path of [layer.route.path].flat()) {
        const full = (prefix + path).replace(/:([A-Za-z0-9_]+)/g, "{$1}");
        const methods = Object.keys(layer.route.methods).filter((m) => m !== "head" && m !== "_all");
        if (layer.route.methods._all) methods.push(...HTTP_METHODS.filter((m) => m !== "head"));
        for (const m of methods) out.push(`${m.toUpperCase()} ${full}`);
      }
    } else if (layer.name === "serveStatic") {
      // The built-in dashboard (web/) is served as static files; its entry point is GET /.
      out.push("GET /");
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === "string" && layer.rawPath !== "/" ? layer.rawPath : "";
      out.push(...appRoutes(layer.handle.stack, prefix + mount));
    }
  }
  return [...new Set(out)].sort();
}

/** The routes of the app a test built. */
export function routesOf(app: express.Express): string[] {
  return appRoutes((app as unknown as { router: { stack: Layer[] } }).router.stack);
}
