import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Infrastructure } from './infrastructure';
import { ConfigError } from '@relais/platform';
import { parseSplitRoles, serviceEnvironment } from './platform';

describe('a service’s environment under `npm start`', () => {
  const secretsDir = join(mkdtempSync(join(tmpdir(), 'relais-platform-')), 'secrets');
  const infrastructure = (credentials: boolean): Infrastructure => ({
    adminDatabaseUrl: 'postgres://admin@127.0.0.1:1/postgres',
    kafkaBrokers: ['127.0.0.1:19172'],
    kafkaCredentials: (service) => (credentials ? { username: `relais-${service}`, password: `password-of-${service}` } : undefined),
    oidcIssuer: 'http://127.0.0.1:8080/auth',
    database: () => Promise.reject(new Error('not used')),
    stop: () => Promise.resolve(),
  });

  it('gives each service its own Kafka principal', () => {
    const diagnostic = serviceEnvironment('diagnostic', 'postgres://d', { infrastructure: infrastructure(true), secretsDir });
    const referral = serviceEnvironment('referral', 'postgres://r', { infrastructure: infrastructure(true), secretsDir });
    expect(diagnostic).toMatchObject({ KAFKA_BROKERS: '127.0.0.1:19172', KAFKA_SASL_USERNAME: 'relais-diagnostic', KAFKA_SASL_PASSWORD: 'password-of-diagnostic' });
    expect(referral).toMatchObject({ KAFKA_SASL_USERNAME: 'relais-referral', KAFKA_SASL_PASSWORD: 'password-of-referral' });
  });

  it('sets no Kafka credentials for an external cluster without SASL', () => {
    const env = serviceEnvironment('reporting', 'postgres://p', { infrastructure: infrastructure(false), secretsDir });
    expect(env).not.toHaveProperty('KAFKA_SASL_USERNAME');
    expect(env).not.toHaveProperty('KAFKA_SASL_PASSWORD');
  });
});

describe('RELAIS_SPLIT_ROLES', () => {
  it('splits nothing by default, the named services, or every one', () => {
    expect(parseSplitRoles(undefined)).toEqual([]);
    expect(parseSplitRoles(' referral, diagnostic ')).toEqual(['referral', 'diagnostic']);
    expect(parseSplitRoles('all')).toEqual(['directory', 'diagnostic', 'referral', 'notification', 'reporting']);
  });

  it('refuses a name that is not a service, naming it', () => {
    expect(() => parseSplitRoles('referral,gateway')).toThrow(ConfigError);
    expect(() => parseSplitRoles('referral,gateway')).toThrow(/gateway/);
  });
});
