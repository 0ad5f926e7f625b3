import { ConfigError, env, loadConfig, serviceConfigSchema } from './config';

const valid = {
  PORT: '8081',
  DATABASE_URL: 'postgres://relais:secret@127.0.0.1:5432/relais_directory',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
  OIDC_ISSUER: 'https://sso.example.fr/realms/relais',
  RELAIS_DEPARTMENT: '56',
};

describe('loadConfig', () => {
  it('reads a valid environment into typed values with defaults', () => {
    const config = loadConfig(serviceConfigSchema, valid);
    expect(config.PORT).toBe(8081);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.OIDC_AUDIENCE).toBe('relais-api');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every missing or malformed variable at once', () => {
    const attempt = () => loadConfig(serviceConfigSchema, { ...valid, PORT: 'eighty', DATABASE_URL: undefined, LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).toMatch(/PORT="eighty"/);
      expect(problems.join('\n')).toMatch(/DATABASE_URL est obligatoire/);
      expect(problems.join('\n')).toMatch(/LOG_LEVEL="loud" doit valoir/);
    }
  });

  it('refuses a URL of the wrong protocol and never prints its password', () => {
    expect(() => loadConfig(serviceConfigSchema, { ...valid, DATABASE_URL: 'mysql://u:hunter2@db/x' })).toThrow(/DATABASE_URL doit utiliser postgres/);
    try {
      loadConfig(serviceConfigSchema, { ...valid, DATABASE_URL: 'not a url with hunter2@' });
    } catch (error) {
      expect((error as Error).message).toMatch(/DATABASE_URL=.* n'est pas une URL valide/);
    }
    expect(() => loadConfig({ U: env.url() }, { U: 'http://user:hunter2@x y' })).toThrow(/\*\*\*@/);
  });

  it('refuses an http issuer outside development, naming OIDC_ISSUER', () => {
    const local = { ...valid, OIDC_ISSUER: 'http://127.0.0.1:8080/auth' };
    expect(() => loadConfig(serviceConfigSchema, local)).toThrow(/OIDC_ISSUER doit utiliser https hors développement/);
    expect(() => loadConfig(serviceConfigSchema, { ...local, RELAIS_ENVIRONMENT: 'production' })).toThrow(ConfigError);
    expect(loadConfig(serviceConfigSchema, { ...local, RELAIS_ENVIRONMENT: 'development' }).OIDC_ISSUER).toBe('http://127.0.0.1:8080/auth');
  });

  it('reads the topic layout of a Kafka cluster, 0 (the default) leaving it to the catalog and the broker', () => {
    const config = loadConfig(serviceConfigSchema, valid);
    expect([config.KAFKA_TOPIC_PARTITIONS, config.KAFKA_REPLICATION_FACTOR, config.KAFKA_MIN_INSYNC_REPLICAS]).toEqual([0, 0, 0]);
    const cluster = loadConfig(serviceConfigSchema, { ...valid, KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    expect([cluster.KAFKA_REPLICATION_FACTOR, cluster.KAFKA_MIN_INSYNC_REPLICAS]).toEqual([3, 2]);
    expect(() => loadConfig(serviceConfigSchema, { ...valid, KAFKA_REPLICATION_FACTOR: '2', KAFKA_MIN_INSYNC_REPLICAS: '3' })).toThrow(/KAFKA_MIN_INSYNC_REPLICAS \(3\) dépasse KAFKA_REPLICATION_FACTOR \(2\)/);
  });

  it('reads the write rate limits with defaults, and 0 as "no limit"', () => {
    const config = loadConfig(serviceConfigSchema, valid);
    expect([config.RATE_LIMIT_USER_PER_SECOND, config.RATE_LIMIT_USER_BURST]).toEqual([200, 400]);
    expect([config.RATE_LIMIT_CLIENT_PER_SECOND, config.RATE_LIMIT_CLIENT_BURST]).toEqual([500, 1000]);
    expect(loadConfig(serviceConfigSchema, { ...valid, RATE_LIMIT_USER_PER_SECOND: '0' }).RATE_LIMIT_USER_PER_SECOND).toBe(0);
    expect(() => loadConfig(serviceConfigSchema, { ...valid, RATE_LIMIT_CLIENT_BURST: '0' })).toThrow(/RATE_LIMIT_CLIENT_BURST=0 est inférieur à 1/);
  });

  it('checks integer bounds and booleans', () => {
    const schema = { N: env.int({ min: 1, max: 10 }), B: env.bool({ default: false }) };
    expect(loadConfig(schema, { N: '3' })).toEqual({ N: 3, B: false });
    expect(() => loadConfig(schema, { N: '11' })).toThrow(/supérieur à 10/);
    expect(() => loadConfig(schema, { N: '2', B: 'perhaps' })).toThrow(/B="perhaps"/);
  });
});
