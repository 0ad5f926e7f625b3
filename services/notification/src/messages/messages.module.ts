import { Module, type DynamicModule } from '@nestjs/common';
import type { NotificationConfig } from '../config';
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

/** The channels this instance's configuration turns on. */
function channelsFor(config: NotificationConfig): MessageChannel[] {
  const channels: MessageChannel[] = [];
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
  /** `sender`: whether this process sends messages (it runs workers); consumers record them either way. */
  static forRoot(config: NotificationConfig, { sender = true }: { sender?: boolean } = {}): DynamicModule {
    return {
      module: MessagesModule,
      controllers: [MessagesController, DeliveryReceiptsController],
      providers: [
        { provide: MESSAGE_SETTINGS, useValue: messageSettings(config) },
        { provide: MESSAGE_CHANNELS, useFactory: () => (sender ? channelsFor(config) : []) },
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
