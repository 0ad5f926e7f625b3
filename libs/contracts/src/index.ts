export * from './catalog';
export * from './common';
export * from './diagnostic.events';
export * from './directory.events';
export * from './event-definition';
export * from './notification.events';
export * from './referral.events';
export { asyncApiDocument, LOCAL_KAFKA_BROKER, type AsyncApiOptions } from './asyncapi';
export { assertValidPayload, InvalidPayloadError, payloadProblems } from './payload-validator';
