import { randomBytes } from 'node:crypto';
import { describeOpenApiDocument, startTestService } from '@relais/testing';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';

describeOpenApiDocument('referral', () =>
  startTestService(service, readConfig, (config) => AppModule.forRoot(config), { REFERRAL_MASTER_KEY: randomBytes(32).toString('base64'), REFERRAL_SLA_SWEEP_INTERVAL_MS: '0' }),
);
