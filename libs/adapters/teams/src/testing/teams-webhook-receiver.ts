import { serveWebhook, type WebhookReceiver } from '@amo/presence-adapter-kit/testing';
import type { GraphNotificationRequest, GraphNotificationResult } from '../teams.notifications';
import { TEAMS_WEBHOOK_PATH } from '../teams.manifest';

/**
 * A stand-in for the service's webhook controller, for tests, the sandbox and the demo: the kit's loopback
 * receiver, handing `POST /v1/webhooks/teams` untouched (raw body, parsed query) to `handle` and writing its
 * answer; other paths get 404. `publicUrl` is what the adapter's `push.publicUrl` should be.
 */
export class TeamsWebhookReceiver {
  private constructor(
    private readonly receiver: WebhookReceiver,
    /** Every answer given, in order. */
    readonly answers: GraphNotificationResult[],
  ) {}

  static async start(handle: (request: GraphNotificationRequest) => GraphNotificationResult): Promise<TeamsWebhookReceiver> {
    const answers: GraphNotificationResult[] = [];
    const receiver = await serveWebhook(
      (request) => {
        const result = handle(request);
        answers.push(result);
        return result;
      },
      { path: TEAMS_WEBHOOK_PATH, onlyPath: true },
    );
    return new TeamsWebhookReceiver(receiver, answers);
  }

  /** `http://127.0.0.1:PORT`, the service's public URL as Graph would see it. */
  get publicUrl(): string {
    return this.receiver.origin;
  }

  close(): Promise<void> {
    return this.receiver.close();
  }
}
