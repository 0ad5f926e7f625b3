export { startLocalMailServer, stopOrphanedMailServer, type LocalMailServer, type LocalMailServerOptions } from './local-mail-server';
export { startSmsStandIn, transactionalSmsPath, type SmsStandIn, type SmsStandInOptions, type StoredSms } from './sms-stand-in';
