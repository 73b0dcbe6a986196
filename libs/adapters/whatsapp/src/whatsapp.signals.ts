import type { RecencySignal } from '@amo/presence-adapter-kit';

/**
 * The only facts the Cloud API gives about a person's activity, read out of a webhook body. Strong signals
 * mean the person acted at that time; a weak one means only that their phone was reachable. The payload is read
 * by hand (no typed package exists) following the Cloud API webhook reference, "messages" and "messages > status"
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages).
 */
export type WhatsAppSignalKind = 'message' | 'read' | 'delivered';

export interface WhatsAppSignal {
  kind: WhatsAppSignalKind;
  /** The person's WhatsApp id (`messages[].from` or `statuses[].recipient_id`). */
  waId: string;
  /** The platform's event time (the payload's `timestamp`, Unix seconds). */
  at: Date;
  strength: 'strong' | 'weak';
  /** The message the signal is about (`wamid....`), for tracing duplicates. */
  messageId?: string;
  /** Which business number received or sent it. */
  phoneNumberId?: string;
}

export interface ExtractedSignals {
  signals: WhatsAppSignal[];
  /** Entries we could not read (no id, no timestamp) or that carry no activity (sent, failed, system). */
  ignored: number;
}

/** A signal as the kit's recency memory reads it: `delivered` is weak (reachable, never seen). */
export function whatsappRecencySignal(signal: WhatsAppSignal): RecencySignal {
  return { accountId: signal.waId, at: signal.at, kind: signal.kind, weak: signal.strength === 'weak' };
}

const STRENGTH: Record<WhatsAppSignalKind, 'strong' | 'weak'> = { message: 'strong', read: 'strong', delivered: 'weak' };

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Unix seconds as a string (Meta's form) or a number; undefined when it is not a plausible time. */
export function parseUnixSeconds(value: unknown): Date | undefined {
  const text = typeof value === 'number' ? String(value) : asString(value);
  if (text === undefined || !/^\d{1,12}$/.test(text)) return undefined;
  return new Date(Number(text) * 1000);
}

function signal(kind: WhatsAppSignalKind, waId: unknown, timestamp: unknown, messageId: unknown, phoneNumberId: string | undefined): WhatsAppSignal | undefined {
  const id = asString(waId);
  const at = parseUnixSeconds(timestamp);
  if (id === undefined || at === undefined) return undefined;
  const out: WhatsAppSignal = { kind, waId: id, at, strength: STRENGTH[kind] };
  const wamid = asString(messageId);
  if (wamid !== undefined) out.messageId = wamid;
  if (phoneNumberId !== undefined) out.phoneNumberId = phoneNumberId;
  return out;
}

/**
 * Reads every signal from a `whatsapp_business_account` webhook body. `messages[]` from a person is strong
 * (except `system` notices such as a number change, which the person did not send to us); `statuses[]` of our
 * own messages give `read` (strong) and `delivered` (weak); `sent` and `failed` say nothing about the person.
 */
export function extractWhatsAppSignals(payload: unknown): ExtractedSignals {
  const signals: WhatsAppSignal[] = [];
  let ignored = 0;
  const root = asObject(payload);
  if (root?.['object'] !== 'whatsapp_business_account') return { signals, ignored };
  for (const entry of asArray(root['entry'])) {
    for (const change of asArray(asObject(entry)?.['changes'])) {
      const changeObject = asObject(change);
      if (changeObject?.['field'] !== undefined && changeObject['field'] !== 'messages') continue;
      const value = asObject(changeObject?.['value']);
      if (!value) continue;
      const phoneNumberId = asString(asObject(value['metadata'])?.['phone_number_id']);
      for (const raw of asArray(value['messages'])) {
        const message = asObject(raw);
        const found = message && message['type'] !== 'system'
          ? signal('message', message['from'], message['timestamp'], message['id'], phoneNumberId)
          : undefined;
        if (found) signals.push(found);
        else ignored++;
      }
      for (const raw of asArray(value['statuses'])) {
        const status = asObject(raw);
        const kind = status?.['status'];
        const found = status && (kind === 'read' || kind === 'delivered')
          ? signal(kind, status['recipient_id'], status['timestamp'], status['id'], phoneNumberId)
          : undefined;
        if (found) signals.push(found);
        else ignored++;
      }
    }
  }
  return { signals, ignored };
}
