import { eventCatalog, topicCatalog } from './catalog';

/**
 * The AsyncAPI 3 document of the platform's events, generated from the catalog so it cannot drift.
 * Each service serves it beside its OpenAPI; docs/events/asyncapi.json is the committed copy.
 */
export function asyncApiDocument(version = '1.0.0'): Record<string, unknown> {
  const definitions = Object.values(eventCatalog);
  const messageId = (type: string) => type.replace(/^fr\.relais\./, '').replace(/\./g, '_');
  const channelId = (topic: string) => topic.replace(/\./g, '_');

  const messages = Object.fromEntries(
    definitions.map((definition) => [
      messageId(definition.type),
      {
        name: definition.type,
        title: definition.type,
        summary: definition.summary,
        contentType: 'application/json',
        headers: {
          type: 'object',
          required: ['ce_id', 'ce_source', 'ce_type', 'ce_specversion', 'ce_time', 'ce_subject', 'content-type'],
          properties: {
            ce_id: { type: 'string', description: 'Identifiant unique de l’événement (clé de déduplication)' },
            ce_source: { type: 'string', example: `/relais/${definition.publisher}` },
            ce_type: { type: 'string', const: definition.type },
            ce_specversion: { type: 'string', const: '1.0' },
            ce_time: { type: 'string', format: 'date-time' },
            ce_subject: { type: 'string', description: 'Identifiant de l’agrégat (aussi la clé Kafka)' },
            'content-type': { type: 'string', const: 'application/json' },
            traceparent: { type: 'string', description: 'W3C Trace Context' },
          },
        },
        payload: definition.schema,
        bindings: { kafka: { key: { type: 'string', description: 'Identifiant de l’agrégat' }, bindingVersion: '0.5.0' } },
        'x-publisher': definition.publisher,
        'x-consumers': definition.consumers,
      },
    ]),
  );

  const channels = Object.fromEntries(
    topicCatalog.map((topic) => [
      channelId(topic.name),
      {
        address: topic.name,
        description: topic.compacted ? 'Topic compacté : le dernier état de chaque agrégat' : 'Topic d’événements (rétention 30 jours)',
        messages: Object.fromEntries(topic.eventTypes.map((type) => [messageId(type), { $ref: `#/components/messages/${messageId(type)}` }])),
        bindings: {
          kafka: {
            partitions: topic.partitions,
            topicConfiguration: topic.compacted ? { 'cleanup.policy': ['compact'] } : { 'cleanup.policy': ['delete'], 'retention.ms': topic.retentionMs },
            bindingVersion: '0.5.0',
          },
        },
      },
    ]),
  );

  const operations = Object.fromEntries(
    topicCatalog.map((topic) => [
      `publish_${channelId(topic.name)}`,
      {
        action: 'send',
        channel: { $ref: `#/channels/${channelId(topic.name)}` },
        summary: `Publié par le service ${topic.publisher}`,
        messages: topic.eventTypes.map((type) => ({ $ref: `#/channels/${channelId(topic.name)}/messages/${messageId(type)}` })),
      },
    ]),
  );

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Relais — catalogue des événements',
      version,
      description:
        'Événements CloudEvents 1.0 (mode binaire Kafka : attributs en en-têtes ce_*, valeur = charge utile JSON). ' +
        'Aucun identifiant direct de personne : seulement une référence pseudonyme.',
    },
    defaultContentType: 'application/json',
    servers: { local: { host: '127.0.0.1:19092', protocol: 'kafka', description: 'Broker local de npm start' } },
    channels,
    operations,
    components: { messages },
  };
}
