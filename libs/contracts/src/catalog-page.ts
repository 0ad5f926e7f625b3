import { eventCatalog, topicCatalog } from './catalog';

const serviceNames: Record<string, string> = {
  directory: 'annuaire (directory)',
  diagnostic: 'diagnostic',
  referral: 'orientation (referral)',
  notification: 'notifications',
  reporting: 'pilotage (reporting)',
};

/** docs/events/catalog.md: the catalog for people — what each event means in the field, who sends, who listens. */
export function catalogPage(): string {
  const lines = [
    '# Catalogue des événements / Event catalog',
    '',
    '_Generated from `libs/contracts` by `npm run docs:events`; do not edit by hand._',
    '',
    'Every event travels on Kafka as a CloudEvents 1.0 record in binary mode: the attributes are headers',
    '(`ce_id`, `ce_source`, `ce_type`, `ce_specversion`, `ce_time`, `ce_subject`, `content-type`, `traceparent`),',
    'the value is the JSON payload, the key is the aggregate id (so one referral\'s events stay in order).',
    'No event carries a name, phone number, email, NIR or address: people appear as a pseudonymous `personRef`.',
    'Type and topic names are frozen: a breaking change is a new version published beside the old one.',
    'Machine-readable: [asyncapi.json](asyncapi.json) (AsyncAPI 3), also served by each service at `/api/<service>/asyncapi.json`.',
    '',
  ];
  for (const topic of topicCatalog) {
    lines.push(`## \`${topic.name}\``, '');
    lines.push(
      topic.compacted
        ? `Compacted topic (the last state of each aggregate is kept), ${topic.partitions} partitions. Published by ${serviceNames[topic.publisher]}.`
        : `Event topic, ${topic.partitions} partitions, kept ${Math.round(topic.retentionMs / 86_400_000)} days. Published by ${serviceNames[topic.publisher]}.`,
      '',
      '| type | ce qui s\'est passé (what happened in the field) | consumed by |',
      '|---|---|---|',
    );
    for (const type of topic.eventTypes) {
      const definition = eventCatalog[type];
      lines.push(`| \`${type}\` | ${definition.summary} | ${definition.consumers.map((c) => serviceNames[c]).join(', ')} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
