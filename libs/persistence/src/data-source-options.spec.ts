import { dataSourceOptions } from './data-source-options';

describe('dataSourceOptions', () => {
  it('never synchronizes the schema: migrations only, listed explicitly', () => {
    class First {}
    const options = dataSourceOptions({ url: 'postgres://127.0.0.1/relais_referral', entities: [], migrations: [First] });
    expect(options.synchronize).toBe(false);
    expect(options.migrations).toEqual([First]);
    expect(options.migrationsTableName).toBe('migrations');
    expect(options.migrationsTransactionMode).toBe('each');
  });
});
