// The running status every polled source reports (SourceStatus): its last attempt, success and
// error, and what the sink acknowledged. Kept in one place so the poller and the tail account the
// same way.
import type { SourceStatus } from "./types.js";

export class StatusBook {
  private readonly s: SourceStatus = {
    ok: true,
    last_error: null,
    last_poll_at: null,
    last_success_at: null,
    errors_total: 0,
    events_ingested: 0,
  };

  attempted(at: number): void {
    this.s.last_poll_at = at;
  }

  succeeded(at: number): void {
    Object.assign(this.s, { ok: true, last_error: null, last_success_at: at });
  }

  /** `message` is shown as it is: it must carry no credential. */
  failed(message: string): void {
    Object.assign(this.s, { ok: false, last_error: message, errors_total: this.s.errors_total + 1 });
  }

  /** What the sink answered: duplicates count too, they are acknowledged. */
  ingested(ack: { accepted: number; duplicates: number }): void {
    this.s.events_ingested += ack.accepted + ack.duplicates;
  }

  get status(): SourceStatus {
    return { ...this.s };
  }
}
