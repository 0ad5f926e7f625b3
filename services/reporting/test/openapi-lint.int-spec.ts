import { describeOpenApiDocument, startTestService } from '@relais/testing';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';

describeOpenApiDocument('reporting', () => startTestService(service, readConfig, (config) => AppModule.forRoot(config)));
