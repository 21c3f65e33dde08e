/**
 * Outbound webhooks (docs/webhooks.md): the backend's endpoints, the events runs emit (the
 * outbox) and one delivery per endpoint and event. And resubmission (docs/resubmission.md): a
 * decision may now be `expired`, and the audit trail records resubmission requests with what
 * was asked for. The constraints are re-added NOT VALID then validated, so the tables stay
 * writable while their rows are checked.
 */
export const OUTBOUND_WEBHOOKS_MIGRATION = `CREATE TABLE webhook_endpoints (
     id            text        PRIMARY KEY,
     url           text        NOT NULL,
     event_types   text[]      NOT NULL,
     description   text,
     sealed_secret text        NOT NULL,
     created_by    text        NOT NULL,
     created_at    timestamptz NOT NULL DEFAULT now(),
     deleted_at    timestamptz
   );
   CREATE TABLE outbound_events (
     id            text        PRIMARY KEY,
     type          text        NOT NULL,
     onboarding_id text        NOT NULL,
     workflow_id   text        NOT NULL,
     run_id        text        NOT NULL,
     sequence      integer     NOT NULL,
     occurred_at   timestamptz NOT NULL,
     body          text        NOT NULL,
     recorded_at   timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX outbound_events_by_onboarding ON outbound_events (onboarding_id, occurred_at);
   CREATE TABLE webhook_deliveries (
     id               text        PRIMARY KEY,
     endpoint_id      text        NOT NULL REFERENCES webhook_endpoints (id),
     event_id         text        NOT NULL REFERENCES outbound_events (id),
     status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
     attempts         integer     NOT NULL DEFAULT 0,
     last_status_code integer,
     last_error       text,
     last_attempt_at  timestamptz,
     delivered_at     timestamptz,
     redeliveries     integer     NOT NULL DEFAULT 0,
     created_at       timestamptz NOT NULL DEFAULT now(),
     pending_since    timestamptz NOT NULL DEFAULT now(),
     UNIQUE (endpoint_id, event_id)
   );
   CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, id);
   CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (pending_since) WHERE status = 'pending';
   ALTER TABLE onboarding_decisions DROP CONSTRAINT onboarding_decisions_decision_check;
   ALTER TABLE onboarding_decisions ADD CONSTRAINT onboarding_decisions_decision_check
     CHECK (decision IN ('approved', 'rejected', 'expired', 'withdrawn')) NOT VALID;
   ALTER TABLE onboarding_decisions VALIDATE CONSTRAINT onboarding_decisions_decision_check;
   ALTER TABLE review_actions DROP CONSTRAINT review_actions_kind_check;
   ALTER TABLE review_actions ADD CONSTRAINT review_actions_kind_check
     CHECK (kind IN ('claim', 'release', 'first_approval', 'decision', 'resubmission_requested', 'refused')) NOT VALID;
   ALTER TABLE review_actions VALIDATE CONSTRAINT review_actions_kind_check;
   ALTER TABLE review_actions ADD COLUMN resubmission jsonb;`;
