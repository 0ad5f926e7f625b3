import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaConnection } from './kafka-connection';
import { KafkaReadiness } from './kafka.readiness';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging-options';

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [{ provide: MESSAGING_OPTIONS, useValue: options }, KafkaConnection, KafkaReadiness],
      exports: [KafkaConnection, KafkaReadiness],
    };
  }
}
