// RFC 9457 problem details: every error the HTTP API gives is `application/problem+json`.
import type { Response } from "express";
import type { FieldError } from "../domain/events.js";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: "Malformed request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  413: "Payload too large",
  415: "Unsupported media type",
  422: "Invalid event",
  429: "Too many requests",
  500: "Internal error",
  503: "Service unavailable",
};

/** An error carrying a problem; thrown anywhere in a request, rendered by the app's error handler. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly title: string = TITLES[status] ?? "Error",
    /** Why, for the `trading_events_rejected_total{reason}` counter on ingestion routes. */
    readonly reason?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  toJSON(): Problem {
    const slug = this.title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    return {
      type: `https://trading-exporter.dev/problems/${slug}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const problemBody = (problem: HttpProblem): string => JSON.stringify(problem.toJSON());

export function sendProblem(res: Response, problem: HttpProblem): void {
  for (const [k, v] of Object.entries(problem.headers)) res.setHeader(k, v);
  res.status(problem.status).type("application/problem+json").send(problemBody(problem));
}
