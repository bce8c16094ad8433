// One connected dashboard/script and the backpressure policy of §13: a slow client gets the
// latest state rather than a growing queue, and is dropped past a buffer limit.
//
// - State messages (metrics/health/safety) are skipped while the client's send buffer holds more
//   than `softLimit` bytes; the bot is remembered and its latest state is re-sent once the buffer
//   has drained (the hub's resync tick). Nothing about them is ever queued on the server.
// - `trade` and `alert` messages are never skipped silently: if sending one would take the buffer
//   past `hardLimit`, the client is terminated instead (a connected client has seen every trade and
//   alert since it connected; a dropped one reconnects and starts from the current state).
// - Whatever is sent, a buffer past `hardLimit` terminates the client (no close handshake: a peer
//   that does not read would never receive the close frame either).
import { WebSocket } from "ws";
import { type LiveMessageType, type Subscription, EVERYTHING, STATE_TYPES, wants } from "./protocol.js";

export interface BufferLimits {
  softLimit: number;
  hardLimit: number;
}

export type DropReason = "slow_client" | "no_pong" | "socket_error";

export class LiveClient {
  subscription: Subscription = EVERYTHING;
  /** Bots whose state messages were skipped while the buffer was full. */
  readonly missed = new Set<string>();
  alive = true;
  /** A state send asked for by a subscribe, waiting for the client's interval (see LiveHub). */
  stateTimer: NodeJS.Timeout | null = null;
  /** performance.now() of the last full-state send to this client. */
  lastStateAt = -Infinity;
  private dropped = false;

  constructor(
    readonly ws: WebSocket,
    private readonly limits: BufferLimits,
    private readonly onDrop: (client: LiveClient, reason: DropReason) => void,
  ) {}

  get open(): boolean {
    return !this.dropped && this.ws.readyState === WebSocket.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  wants(bot: string, type: LiveMessageType): boolean {
    return wants(this.subscription, bot, type);
  }

  /** Can state be sent now? (Used by the resync tick before replaying missed bots.) */
  get drained(): boolean {
    return this.ws.bufferedAmount <= this.limits.softLimit;
  }

  /** Sends `frame` (already serialized) of the given type; applies the policy above. */
  send(bot: string, type: LiveMessageType, frame: string): void {
    if (!this.open || !this.wants(bot, type)) return;
    const buffered = this.ws.bufferedAmount;
    if (STATE_TYPES.includes(type)) {
      if (buffered > this.limits.softLimit) {
        this.missed.add(bot);
        return;
      }
    } else if (buffered + Buffer.byteLength(frame) > this.limits.hardLimit) {
      this.drop("slow_client");
      return;
    }
    this.ws.send(frame);
    if (this.ws.bufferedAmount > this.limits.hardLimit) this.drop("slow_client");
  }

  drop(reason: DropReason): void {
    if (this.dropped) return;
    this.dropped = true;
    this.cancelState();
    this.ws.terminate();
    this.onDrop(this, reason);
  }

  cancelState(): void {
    if (this.stateTimer) clearTimeout(this.stateTimer);
    this.stateTimer = null;
  }
}
