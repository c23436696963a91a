import type { Locale } from '../messages/locales';
import type { RunStatus } from '../runs/state-machine';
import type { WebhookEvent } from '../schemas/api';


/** The event a run's end makes, or none (a run only moves to these once). */
export function eventOf(status: RunStatus): WebhookEvent | null {
  switch (status) {
    case 'completed':
      return 'run.completed';
    case 'failed':
      return 'run.failed';
    case 'cancelled':
      return 'run.cancelled';
    default:
      return null;
  }
}

export interface Webhook {
  id: number;
  url: string;
  /** The language of a WeCom robot's text message. */
  locale: Locale;
  /** With SESSION_SECRET, gives the hook's signing secret (lib/webhooks/signature.ts); not a secret itself. */
  salt: string;
  createdBy: string;
  createdAt: string;
  /** The last delivery's answer, for /operators. */
  last: { atMs: number; status: number | null; error: string | null; delivered: boolean } | null;
}

export interface NewWebhook {
  url: string;
  locale: Locale;
  salt: string;
  createdBy: string;
}

/** A delivery claimed for sending: its hook and run, its body once built, and how many tries it has had. */
export interface DueDelivery {
  id: number;
  hook: Pick<Webhook, 'id' | 'url' | 'locale' | 'salt'>;
  runId: number;
  event: WebhookEvent;
  body: string | null;
  attempts: number;
}

export interface DeliveryOutcome {
  /** The body sent: kept, so every later try sends the same one. */
  body: string;
  status: number | null;
  error: string | null;
  delivered: boolean;
  /** When to try again; null: delivered, or given up. */
  nextMs: number | null;
}

/** A failed delivery's `error` as pages explain it: a refused target (its code), or what the receiver did. */
export type DeliveryError = { kind: 'refused'; code: string } | { kind: 'http'; status: number } | { kind: 'redirect' | 'timeout' | 'connection' };

export function deliveryError(error: string): DeliveryError {
  if (error.startsWith('webhooks.')) return { kind: 'refused', code: error };
  const http = /^http (\d+)$/.exec(error);
  if (http) return { kind: 'http', status: Number(http[1]) };
  return { kind: error.startsWith('redirect') ? 'redirect' : error.startsWith('timeout') ? 'timeout' : 'connection' };
}
