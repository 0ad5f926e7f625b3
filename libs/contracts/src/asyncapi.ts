import { eventCatalog, topicCatalog } from './catalog';

/**
 * The broker of `npm start` with the default gateway port (8080): infra/ derives the local ports from the
 * gateway's, so this is only the default of the committed document's `{broker}` variable
 * (infra/src/asyncapi-servers.spec.ts keeps it equal to infra's own port).
 */
export const LOCAL_KAFKA_BROKER = '127.0.0.1:19172';

export interface AsyncApiOptions {
  version?: string;
  /**
   * The brokers in force (a service's KAFKA_BROKERS, with KAFKA_SSL): one server each. Without them (the
   * committed copy, which serves every instance) one server whose host is the `{broker}` variable.
   */
  kafka?: { brokers: readonly string[]; ssl: boolean };
}

function servers(kafka: AsyncApiOptions['kafka']): Record<string, unknown> {
  if (!kafka || kafka.brokers.length === 0) {
    return {
      kafka: {
        host: '{broker}',
        protocol: 'kafka',
        description: 'Le broker de l’instance : chaque service sert ce document à /api/<service>/asyncapi.json avec ses KAFKA_BROKERS.',
        variables: {
          broker: { default: LOCAL_KAFKA_BROKER, description: 'hôte:port d’un broker (KAFKA_BROKERS) ; par défaut celui de npm start avec la passerelle sur 8080' },
        },
      },
    };
  }
  return Object.fromEntries(
    kafka.brokers.map((host, index) => [
      index === 0 ? 'kafka' : `kafka-${index + 1}`,
      { host, protocol: kafka.ssl ? 'kafka-secure' : 'kafka', description: 'Broker de cette instance (KAFKA_BROKERS du service)' },
    ]),
  );
}

/**
 * The AsyncAPI 3 document of the platform's events, generated from the catalog so it cannot drift.
 * Each service serves it beside its OpenAPI, with its own brokers; docs/events/asyncapi.json is the committed copy.
 */
export function asyncApiDocument(options: AsyncApiOptions = {}): Record<string, unknown> {
  const version = options.version ?? '1.0.0';
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
    servers: servers(options.kafka),
    channels,
    operations,
    components: { messages },
  };
}
