import { Module, type DynamicModule } from '@nestjs/common';
import type { NotificationConfig } from '../config';
import { WebhookChannel } from '../webhooks/webhook-channel';
import type { WebhookSettings } from '../webhooks/webhook-settings';
import { BrevoSmsProvider } from './channels/brevo-sms-provider';
import { EmailChannel } from './channels/email-channel';
import { MESSAGE_CHANNELS, type MessageChannel } from './channels/message-channel';
import { SmsChannel } from './channels/sms-channel';
import { DailyDigest } from './daily-digest';
import { DeliveryReceipts } from './delivery-receipts';
import { DeliveryReceiptsController } from './delivery-receipts.controller';
import { DirectoryCopy } from './directory-copy';
import { LastReminders } from './last-reminders';
import { MessagePersonErasure } from './message-person-erasure';
import { MessageRecorder } from './message-recorder';
import { MessageSender } from './message-sender';
import { MESSAGE_SETTINGS, messageSettings } from './message-settings';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { PERSON_CONTACTS, ReferralPersonContacts } from './person-contacts';
import { PersonNotices } from './person-notices';
import { ReferralNotices } from './referral-notices';
import { WeeklySummary } from './weekly-summary';

/** The channels this instance's configuration turns on; webhooks always (subscriptions decide who gets them). */
function channelsFor(config: NotificationConfig, webhooks: Pick<WebhookSettings, 'environment'>): MessageChannel[] {
  const channels: MessageChannel[] = [new WebhookChannel(webhooks)];
  if (config.SMTP_HOST) {
    channels.push(
      new EmailChannel({
        host: config.SMTP_HOST,
        port: config.SMTP_PORT,
        secure: config.SMTP_SECURE,
        ...(config.SMTP_USER ? { user: config.SMTP_USER } : {}),
        ...(config.SMTP_PASSWORD ? { password: config.SMTP_PASSWORD } : {}),
        from: config.EMAIL_FROM,
      }),
    );
  }
  if (config.SMS_API_URL && config.SMS_API_KEY) {
    channels.push(new SmsChannel(new BrevoSmsProvider({ apiUrl: config.SMS_API_URL, apiKey: config.SMS_API_KEY, sender: config.SMS_SENDER })));
  }
  return channels;
}

@Module({})
export class MessagesModule {
  /**
   * `sender`: whether this process sends messages (it runs workers); consumers record them either way.
   * `webhooks`: the webhook rules (the instance's environment, which decides the address policy). Global so
   * that the webhook fan-out can wake the one sender.
   */
  static forRoot(config: NotificationConfig, { sender = true, webhooks }: { sender?: boolean; webhooks: Pick<WebhookSettings, 'environment'> }): DynamicModule {
    return {
      module: MessagesModule,
      global: true,
      exports: sender ? [MessageSender] : [],
      controllers: [MessagesController, DeliveryReceiptsController],
      providers: [
        { provide: MESSAGE_SETTINGS, useValue: messageSettings(config) },
        { provide: MESSAGE_CHANNELS, useFactory: () => (sender ? channelsFor(config, webhooks) : []) },
        DirectoryCopy,
        DeliveryReceipts,
        MessageRecorder,
        ReferralNotices,
        PersonNotices,
        ...(config.REFERRAL_API_URL && config.NOTIFIER_CLIENT_ID && config.NOTIFIER_CLIENT_SECRET
          ? [
              {
                provide: PERSON_CONTACTS,
                useValue: new ReferralPersonContacts({
                  referralUrl: config.REFERRAL_API_URL,
                  issuer: config.OIDC_ISSUER,
                  clientId: config.NOTIFIER_CLIENT_ID,
                  clientSecret: config.NOTIFIER_CLIENT_SECRET,
                }),
              },
            ]
          : []),
        MessagePersonErasure,
        MessagesService,
        ...(sender ? [MessageSender, LastReminders, DailyDigest, WeeklySummary] : []),
      ],
    };
  }
}
