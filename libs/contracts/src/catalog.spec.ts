import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument, LOCAL_KAFKA_BROKER } from './asyncapi';
import { catalogPage } from './catalog-page';
import { eventCatalog, eventDefinition, serviceTopics, topicCatalog, type EventPayload } from './catalog';
import { assertValidPayload, InvalidPayloadError, payloadProblems } from './payload-validator';

const completed: EventPayload<'fr.relais.referral.referral.completed.v1'> = {
  referralId: '6f1c2b7e-4d0a-4c9e-9a51-3b2f8f0e1a01',
  personRef: 'p-7f3a9c1e2b',
  sendingStructureId: '0b8e5d1a-0000-4000-8000-000000000001',
  receivingStructureId: '0b8e5d1a-0000-4000-8000-000000000002',
  receivingServiceId: '0b8e5d1a-0000-4000-8000-000000000003',
  networkId: null,
  from: 'in-progress',
  to: 'completed',
  reasonCode: null,
  outcome: { summary: 'Déclaration de revenus faite ensemble', autonomyGained: 'partiel', nextStep: 'formation' },
  redirectedToReferralId: null,
  by: { role: 'agent', structureId: '0b8e5d1a-0000-4000-8000-000000000002', subject: 'agent-42' },
  at: '2026-11-23T10:00:00.000Z',
};

describe('event catalog', () => {
  const definitions = Object.values(eventCatalog);

  it('names every event and topic by the convention, each type once', () => {
    expect(new Set(definitions.map((d) => d.type)).size).toBe(definitions.length);
    for (const definition of definitions) {
      expect(definition.type).toMatch(/^fr\.relais\.[a-z]+\.[a-z-]+\.[a-z-]+\.v\d+$/);
      expect(definition.topic).toMatch(/^relais\.[a-z]+\.[a-z-]+\.v\d+$/);
    }
  });

  it('keeps frozen names: a published type or topic is never renamed', () => {
    // Adding events is fine; removing or renaming one of these breaks integrators.
    const published = [
      'fr.relais.directory.structure.snapshot.v1',
      'fr.relais.directory.service.snapshot.v1',
      'fr.relais.directory.service.snapshot.v2',
      'fr.relais.directory.network.snapshot.v1',
      'fr.relais.diagnostic.assessment.completed.v1',
      'fr.relais.referral.referral.requested.v1',
      'fr.relais.referral.referral.completed.v1',
      'fr.relais.notification.delivery.outcome.v1',
    ];
    for (const type of published) expect(Object.keys(eventCatalog)).toContain(type);
    expect(topicCatalog.map((t) => t.name).sort()).toEqual(
      expect.arrayContaining(['relais.directory.service.v1', 'relais.referral.referral.v1', 'relais.diagnostic.assessment.v1']),
    );
  });

  it('compacts snapshot topics only', () => {
    const compacted = topicCatalog.filter((t) => t.compacted).map((t) => t.name).sort();
    expect(compacted).toEqual(['relais.directory.network.v1', 'relais.directory.service.v1', 'relais.directory.service.v2', 'relais.directory.structure.v1']);
  });

  it('says which topics each service writes and reads (what its Kafka principal is granted)', () => {
    expect(serviceTopics('diagnostic')).toEqual({
      publishes: ['relais.diagnostic.assessment.v1'],
      consumes: expect.arrayContaining(['relais.directory.service.v2', 'relais.referral.referral.v1', 'relais.referral.person.v1']),
    });
    expect(serviceTopics('diagnostic').consumes).not.toContain('relais.diagnostic.assessment.v1');
    // The service snapshot v1 is still published beside v2 (docs/events): the services moved to v2.
    expect(serviceTopics('diagnostic').consumes).not.toContain('relais.directory.service.v1');
    expect(serviceTopics('reporting').publishes).toEqual([]);
    // Every topic is read by someone, and written by its publisher only.
    for (const topic of topicCatalog) {
      expect(serviceTopics(topic.publisher).publishes).toContain(topic.name);
    }
  });

  it('keys each event by its aggregate id', () => {
    expect(eventDefinition('fr.relais.referral.referral.completed.v1').key(completed)).toBe(completed.referralId);
  });

  it('validates payloads against the JSON Schema, listing every problem', () => {
    expect(payloadProblems('fr.relais.referral.referral.completed.v1', completed)).toEqual([]);
    const bad = { ...completed, to: 'done', personRef: 'x', email: 'jeanne@example.org' };
    const problems = payloadProblems('fr.relais.referral.referral.completed.v1', bad);
    expect(problems.join('\n')).toMatch(/\/to/);
    expect(problems.join('\n')).toMatch(/\/personRef/);
    expect(problems.join('\n')).toMatch(/« email »/);
    expect(() => assertValidPayload('fr.relais.referral.referral.completed.v1', bad)).toThrow(InvalidPayloadError);
    expect(payloadProblems('fr.relais.nope.x.y.v1', {})).toEqual(['unknown event type fr.relais.nope.x.y.v1']);
  });

  it('types payloads by event type at compile time', () => {
    // @ts-expect-error a completed event has no `needs`
    const wrong: EventPayload<'fr.relais.referral.referral.completed.v1'> = { ...completed, needs: [] };
    expect(wrong).toBeDefined();
  });

  it('generates an AsyncAPI 3 document covering every event and topic', () => {
    const document = asyncApiDocument() as { asyncapi: string; channels: Record<string, { address: string }>; components: { messages: Record<string, { name: string }> } };
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.values(document.channels).map((c) => c.address).sort()).toEqual(topicCatalog.map((t) => t.name).sort());
    expect(Object.values(document.components.messages).map((m) => m.name).sort()).toEqual(definitions.map((d) => d.type).sort());
  });

  it('names as servers the brokers in force, one each, secure when KAFKA_SSL', () => {
    expect(asyncApiDocument({ kafka: { brokers: ['kafka-1:9093', 'kafka-2:9093'], ssl: true } })['servers']).toEqual({
      kafka: expect.objectContaining({ host: 'kafka-1:9093', protocol: 'kafka-secure' }),
      'kafka-2': expect.objectContaining({ host: 'kafka-2:9093', protocol: 'kafka-secure' }),
    });
    expect(asyncApiDocument({ kafka: { brokers: ['127.0.0.1:19172'], ssl: false } })['servers']).toEqual({
      kafka: expect.objectContaining({ host: '127.0.0.1:19172', protocol: 'kafka' }),
    });
  });

  it('without brokers (the committed copy), says the host is a variable defaulting to the local broker', () => {
    expect(asyncApiDocument()['servers']).toEqual({
      kafka: expect.objectContaining({ host: '{broker}', protocol: 'kafka', variables: { broker: expect.objectContaining({ default: LOCAL_KAFKA_BROKER }) } }),
    });
  });
});

describe('docs/events/asyncapi.json', () => {
  it('is the document the catalog generates (run `npm run docs:events` after changing an event)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../../docs/events/asyncapi.json'), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(asyncApiDocument())));
    expect(readFileSync(join(__dirname, '../../../docs/events/catalog.md'), 'utf8')).toBe(catalogPage());
  });
});
