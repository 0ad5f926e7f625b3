import { catalogDisagreements, declaredHandlers } from '@relais/messaging/testing';

// The catalog's consumers lists make the broker's ACLs and the AsyncAPI page: they must say what the code does.
describe('the directory service in the event catalog', () => {
  const handlers = declaredHandlers(__dirname);

  it('handles no event, and is listed as the consumer of none', () => {
    expect([...handlers.keys()]).toEqual([]);
    expect(catalogDisagreements('directory', handlers)).toEqual([]);
  });
});
