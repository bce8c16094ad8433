// What the live hub is given: the HTTP server whose upgrades it answers, the limits of §13 and §16,
// and where it reads each bot's state from.
import type { Server } from "node:http";
import type { Clock } from "../domain/clock.js";

/** Reads the current per-bot REST entries (§8 shapes: non-finite → null, times ISO). */
export interface LiveSnapshotProvider {
  bots(): string[];
  metrics(bot: string): object;
  health(bot: string): object;
  safety(bot: string): object;
}

/** The slice of a pino logger the hub uses. */
export interface LiveLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface LiveHubOptions {
  server: Server;
  path?: string;
  /** When set, the upgrade needs `Authorization: Bearer <token>` or `?token=`. */
  readToken?: string;
  metricsIntervalMs?: number;
  /** Hard limit of a client's send buffer; past it the client is dropped. */
  maxBufferedBytes?: number;
  /** Above this, state messages are skipped for the client (default: a quarter of the hard limit). */
  softBufferedBytes?: number;
  pingIntervalMs?: number;
  /** How often health/safety of every bot is compared for changes no event causes (0: never). */
  sweepIntervalMs?: number;
  /** §16: origins besides the exporter's own whose pages may connect (others: 403). */
  allowedOrigins?: readonly string[];
  /** §16: connections beyond this are refused with 503 (default 1000). */
  maxClients?: number;
  /** §16: a client sending more messages per second than this is closed with 1008 (default 10). */
  maxMessagesPerSecond?: number;
  clock?: Clock;
  logger: LiveLogger;
  snapshot: LiveSnapshotProvider;
}
