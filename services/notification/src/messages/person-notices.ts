import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EventPayload } from '@relais/contracts';
import { HandlesEvent, type EventContext } from '@relais/messaging';
import { DirectoryCopy } from './directory-copy';
import { MessageRecorder } from './message-recorder';
import { MessageSender } from './message-sender';
import { PERSON_CONTACTS, type PersonContacts } from './person-contacts';
import { personAccepted, personRedirected } from './templates/person-messages';

type Moved = EventPayload<'fr.relais.referral.referral.accepted.v1'>;

/**
 * The person's own messages (issue 12; docs/security.md, "The person's own messages"): told when a
 * structure accepts them and when they are redirected, only if their consent includes `contact` and they
 * chose email or SMS — which the referral service decides when asked, at that moment. Never the reason,
 * the need or anything of the diagnostic. The address lives in the queued message only (dropped once
 * settled, blanked by the person's erasure like every message about their referrals).
 */
@Injectable()
export class PersonNotices {
  constructor(
    private readonly directory: DirectoryCopy,
    private readonly recorder: MessageRecorder,
    // Absent when this instance is not configured to ask (no REFERRAL_API_URL): the person gets nothing.
    @Optional() @Inject(PERSON_CONTACTS) private readonly contacts?: PersonContacts,
    @Optional() private readonly sender?: MessageSender,
  ) {}

  @HandlesEvent('fr.relais.referral.referral.accepted.v1')
  async onAccepted(move: Moved, context: EventContext): Promise<void> {
    await this.tell(move, context, 'person-accepted');
  }

  @HandlesEvent('fr.relais.referral.referral.redirected.v1')
  async onRedirected(move: Moved, context: EventContext): Promise<void> {
    await this.tell(move, context, 'person-redirected');
  }

  private async tell(move: Moved, context: EventContext, template: 'person-accepted' | 'person-redirected'): Promise<void> {
    if (!this.contacts) return;
    const contact = await this.contacts.find(move.referralId);
    if (!contact) return;
    const names = { structureName: await this.directory.structureName(move.receivingStructureId), serviceName: await this.directory.serviceName(move.receivingServiceId) };
    const recorded = await this.recorder.record({
      context,
      template,
      referralId: move.referralId,
      recipientKind: 'person',
      recipientStructureId: null,
      routes: [contact],
      rendered: template === 'person-accepted' ? personAccepted({ ...names, channel: contact.channel }) : personRedirected(names),
    });
    if (recorded) this.sender?.wakeSoon();
  }
}
