/** Webhook bodies in the Cloud API's real shape (platform-apis.md 5.3), for the emulator and tests. */

export interface WhatsAppBusinessNumber {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

export interface InboundMessageSpec {
  from: string;
  /** Event time: a Date, or Unix seconds. */
  at: Date | number;
  text?: string;
  profileName?: string;
  /** Defaults to a fresh `wamid.` id. */
  id?: string;
  type?: string;
}

export interface StatusSpec {
  recipientId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: Date | number;
  /** The business's message this status is about. */
  messageId?: string;
}

let counter = 0;

/** A `wamid.` id like Meta's (base64 of an opaque value). */
export function newWamid(): string {
  counter += 1;
  return 'wamid.' + Buffer.from(`HBgLemulator${Date.now()}${counter}`).toString('base64');
}

export function unixSeconds(at: Date | number): string {
  return String(typeof at === 'number' ? Math.floor(at) : Math.floor(at.getTime() / 1000));
}

function envelope(number: WhatsAppBusinessNumber, value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: number.wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: number.displayPhoneNumber, phone_number_id: number.phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** An inbound message notification (`value.contacts` + `value.messages`). */
export function whatsappMessagePayload(number: WhatsAppBusinessNumber, message: InboundMessageSpec): Record<string, unknown> {
  const type = message.type ?? 'text';
  return envelope(number, {
    contacts: [{ profile: { name: message.profileName ?? 'Emulated Contact' }, wa_id: message.from }],
    messages: [
      {
        from: message.from,
        id: message.id ?? newWamid(),
        timestamp: unixSeconds(message.at),
        type,
        ...(type === 'text' ? { text: { body: message.text ?? 'Hello' } } : {}),
      },
    ],
  });
}

/** A status notification for a message the business sent (`value.statuses`). */
export function whatsappStatusPayload(number: WhatsAppBusinessNumber, status: StatusSpec): Record<string, unknown> {
  return envelope(number, {
    statuses: [
      {
        id: status.messageId ?? newWamid(),
        status: status.status,
        timestamp: unixSeconds(status.at),
        recipient_id: status.recipientId,
        ...(status.status === 'read'
          ? {}
          : {
              conversation: { id: 'CONVERSATION_ID', origin: { type: 'service' } },
              pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
            }),
        ...(status.status === 'failed'
          ? { errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message' }] }
          : {}),
      },
    ],
  });
}
