/**
 * ComplyCube's webhook events, so that each is acted on once across every API process: claimed
 * before the signal that forwards it, settled after (handled, or held for a check not yet known),
 * released if the signal could not be sent. A claim older than CLAIM_TIMEOUT was left by a process
 * that died, and is taken over.
 */
import type { Sql } from './sql';

export const CLAIM_TIMEOUT_SECONDS = 60;

export type ClaimResult =
  /** This caller owns the event now: forward it, then settle or release it. */
  | 'claimed'
  /** Already handled or held: a duplicate. */
  | 'settled'
  /** Another request is forwarding it right now. */
  | 'in_progress';

/** A completion event for a check that no run had adopted yet when it arrived. */
export interface HeldCheckEvent {
  eventId: string;
  checkId: string;
  status: string;
  outcome?: string;
}

export interface WebhookEvents {
  claimWebhookEvent(eventId: string, eventType: string): Promise<ClaimResult>;
  /** Marks a claimed event handled, or held (its check event is kept in `held_webhook_events`). */
  settleWebhookEvent(eventId: string, state: 'handled' | 'held'): Promise<void>;
  /** Gives a claim back, so a redelivery can try again. */
  releaseWebhookEvent(eventId: string): Promise<void>;
  holdCheckEvent(event: HeldCheckEvent): Promise<void>;
  /** Removes and returns the events held for a check: its adoption delivers them. */
  takeHeldCheckEvents(checkId: string): Promise<HeldCheckEvent[]>;
}

/** Held events of checks no run ever adopted (another integration's, say) are dropped after this. */
const HELD_EVENT_RETENTION_DAYS = 7;

export function webhookEvents(sql: Sql): WebhookEvents {
  let lastSweep = 0;
  const claim = async (eventId: string, eventType: string): Promise<ClaimResult> => {
    const inserted = await sql.query(
      `INSERT INTO webhook_events (event_id, event_type, state, claimed_at) VALUES ($1, $2, 'claimed', now())
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [eventId, eventType],
    );
    if (inserted.rows.length) return 'claimed';
    const takenOver = await sql.query(
      `UPDATE webhook_events SET claimed_at = now()
          WHERE event_id = $1 AND state = 'claimed' AND claimed_at < now() - make_interval(secs => $2)
          RETURNING event_id`,
      [eventId, CLAIM_TIMEOUT_SECONDS],
    );
    if (takenOver.rows.length) return 'claimed';
    const { rows } = await sql.query<{ state: string }>('SELECT state FROM webhook_events WHERE event_id = $1', [
      eventId,
    ]);
    // Released meanwhile: try again.
    if (!rows[0]) return claim(eventId, eventType);
    return rows[0].state === 'claimed' ? 'in_progress' : 'settled';
  };
  return {
    claimWebhookEvent: claim,

    async settleWebhookEvent(eventId, state) {
      await sql.query(`UPDATE webhook_events SET state = $2, claimed_at = NULL WHERE event_id = $1`, [eventId, state]);
    },

    async releaseWebhookEvent(eventId) {
      await sql.query(`DELETE FROM webhook_events WHERE event_id = $1 AND state = 'claimed'`, [eventId]);
    },

    async holdCheckEvent(event) {
      if (Date.now() - lastSweep > 60_000) {
        lastSweep = Date.now();
        await sql.query('DELETE FROM held_webhook_events WHERE received_at < now() - make_interval(days => $1)', [
          HELD_EVENT_RETENTION_DAYS,
        ]);
      }
      await sql.query(
        `INSERT INTO held_webhook_events (event_id, check_id, status, outcome) VALUES ($1, $2, $3, $4)
         ON CONFLICT (event_id) DO NOTHING`,
        [event.eventId, event.checkId, event.status, event.outcome ?? null],
      );
    },

    async takeHeldCheckEvents(checkId) {
      const { rows } = await sql.query<{ event_id: string; check_id: string; status: string; outcome: string | null }>(
        'DELETE FROM held_webhook_events WHERE check_id = $1 RETURNING event_id, check_id, status, outcome',
        [checkId],
      );
      return rows.map((row) => ({
        eventId: row.event_id,
        checkId: row.check_id,
        status: row.status,
        ...(row.outcome ? { outcome: row.outcome } : {}),
      }));
    },
  };
}
