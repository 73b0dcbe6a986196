import { Module } from '@nestjs/common';
import { OutboundEventsService } from './outbound-events.service';

/** Signed outbound events: idle unless `PRESENCE_EVENTS_WEBHOOK_URL` is set. */
@Module({ providers: [OutboundEventsService], exports: [OutboundEventsService] })
export class OutboundModule {}
