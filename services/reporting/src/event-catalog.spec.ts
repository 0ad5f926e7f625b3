import { catalogDisagreements, declaredHandlers } from '@relais/messaging/testing';

// The catalog's consumers lists make the broker's ACLs and the AsyncAPI page: they must say what the code does.
describe('the reporting service in the event catalog', () => {
  const handlers = declaredHandlers(__dirname);

  it('has event handlers', () => {
    expect(handlers.size).toBeGreaterThan(0);
  });

  it('is listed among the consumers of exactly the events it handles', () => {
    expect(catalogDisagreements('reporting', handlers)).toEqual([]);
  });
});
