export { KafkaReadiness } from './kafka.readiness';
export { MessagingModule } from './messaging.module';
export type { MessagingOptions } from './messaging-options';
