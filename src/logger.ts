// Structured JSON logs (pino) to stdout. Secrets are never passed to the logger; the redaction list
// is a second line of defence for config objects that might be logged whole by mistake.
import { pino, type Logger } from "pino";

export type { Logger };

/** Paths pino censors: a second line of defence, tested to name every key a channel or source declares secret. */
export const LOG_REDACT_PATHS: readonly string[] = [
  "*.password",
  "*.smtp_password",
  "*.secret",
  "*.bot_token",
  "*.token",
  "*.webhook_url",
  "*.hmac_secrets",
  "*.read_token",
  "headers.authorization",
  "headers['x-signature']",
];

export function createLogger(level = "info", destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: "trading-exporter" }, redact: { paths: [...LOG_REDACT_PATHS], censor: "<redacted>" } };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

/** A logger that drops everything (tests, library users who bring no logger). */
export const silentLogger: Logger = pino({ level: "silent" });
