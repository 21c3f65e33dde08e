import { signWebhookBody } from '../complycube/webhook-signature';

/** A registered webhook, as ComplyCube stores it. */
export interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  description?: string;
  secret: string;
  createdAt: string;
  updatedAt: string;
}

/** A webhook event, as ComplyCube sends it. */
export interface WebhookEvent {
  id: string;
  type: string;
  resourceType: string;
  payload: Record<string, unknown>;
  createdAt: string;
}

export type WebhookFaultMode = 'drop' | 'duplicate' | 'delay' | 'reorder';

/** Applies to the next `remaining` events delivered (to any webhook). */
export interface WebhookFault {
  mode: WebhookFaultMode;
  remaining: number;
  /** `delay`: how long to hold each event. `reorder`: the longest a held batch waits. */
  delayMs: number;
}

/** ComplyCube's documented back-off: 60 s, 120 s, 480 s, ... for up to 10 retries, then the webhook is disabled. */
export const RETRY_SCHEDULE_SECONDS = [60, 120, 480, 960, 1920, 3840, 7680, 15360, 30720, 61440] as const;

/** One HTTP delivery attempt, as recorded for the control routes. */
export interface DeliveryRecord {
  eventId: string;
  eventType: string;
  webhookId: string;
  attempt: number;
  status: number | 'error';
  at: string;
}

export interface WebhookDispatcherOptions {
  /** Multiplies the retry schedule: 0.001 turns 60 s into 60 ms. */
  retryTimeScale: number;
  /** ComplyCube expects an answer within 15 s. */
  deliveryTimeoutMs: number;
}

/**
 * Delivers signed events to registered webhooks with ComplyCube's retry behaviour, and
 * with injectable faults: events dropped, duplicated, delayed or delivered out of order.
 */
export class WebhookDispatcher {
  readonly faults: WebhookFault[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private reorderBuffer: { webhook: Webhook; event: WebhookEvent }[] = [];
  private reorderTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: WebhookDispatcherOptions) {}

  /** Sends `event` to every enabled webhook subscribed to its type. */
  dispatch(webhooks: Iterable<Webhook>, event: WebhookEvent): void {
    for (const webhook of webhooks) {
      if (!webhook.enabled || !webhook.events.includes(event.type)) continue;
      this.route(webhook, event);
    }
  }

  private route(webhook: Webhook, event: WebhookEvent): void {
    const fault = this.faults.find((f) => f.remaining > 0);
    if (fault) fault.remaining -= 1;
    switch (fault?.mode) {
      case 'drop':
        return;
      case 'duplicate':
        this.deliver(webhook, event, 0);
        this.later(() => this.deliver(webhook, event, 0), 10);
        return;
      case 'delay':
        this.later(() => this.deliver(webhook, event, 0), fault.delayMs);
        return;
      case 'reorder':
        this.reorderBuffer.push({ webhook, event });
        // Held events go out newest first once the batch is complete, or when its wait runs out.
        if (fault.remaining === 0) this.flushReordered();
        else if (!this.reorderTimer) this.reorderTimer = this.later(() => this.flushReordered(), fault.delayMs);
        return;
      default:
        this.deliver(webhook, event, 0);
    }
  }

  private flushReordered(): void {
    if (this.reorderTimer) {
      clearTimeout(this.reorderTimer);
      this.timers.delete(this.reorderTimer);
      this.reorderTimer = undefined;
    }
    const batch = this.reorderBuffer.reverse();
    this.reorderBuffer = [];
    for (const { webhook, event } of batch) this.deliver(webhook, event, 0);
  }

  private deliver(webhook: Webhook, event: WebhookEvent, retry: number): void {
    if (this.closed || !webhook.enabled) return;
    void this.attempt(webhook, event, retry);
  }

  private async attempt(webhook: Webhook, event: WebhookEvent, retry: number): Promise<void> {
    const body = JSON.stringify(event);
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), this.options.deliveryTimeoutMs);
    this.inFlight.add(abort);
    let status: number | 'error';
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'ComplyCube-Signature': signWebhookBody(body, webhook.secret),
          'User-Agent': 'ComplyCube-Webhooks (emulator)',
        },
        body,
        signal: abort.signal,
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch {
      status = 'error';
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(abort);
    }
    if (this.closed) return;
    this.deliveries.push({
      eventId: event.id,
      eventType: event.type,
      webhookId: webhook.id,
      attempt: retry + 1,
      status,
      at: new Date().toISOString(),
    });
    if (typeof status === 'number' && status >= 200 && status < 300) return;

    const delaySeconds = RETRY_SCHEDULE_SECONDS[retry];
    if (delaySeconds === undefined) {
      webhook.enabled = false;
      webhook.updatedAt = new Date().toISOString();
      return;
    }
    this.later(() => this.deliver(webhook, event, retry + 1), delaySeconds * 1000 * this.options.retryTimeScale);
  }

  private later(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  /** Drops pending faults and held events; deliveries already scheduled still happen. */
  clearFaults(): void {
    this.faults.length = 0;
    if (this.reorderBuffer.length) this.flushReordered();
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const abort of this.inFlight) abort.abort();
  }
}
