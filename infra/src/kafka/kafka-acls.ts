import { setTimeout as sleep } from 'node:timers/promises';
import { serviceTopics, type Publisher } from '@relais/contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes, type AclEntry } from 'kafkajs';
import type { KafkaCredentials } from './kafka-broker';
import { kafkaSasl } from './kafka-client';

/** The Kafka principal (SCRAM user) a service signs in as. */
export function servicePrincipal(service: string): string {
  return `relais-${service}`;
}

export type AclOperation = 'read' | 'write' | 'create' | 'describe' | 'delete';

/** One grant: a principal may do `operations` on the topics or groups `name` designates (exactly, or every name it begins). */
export interface AclGrant {
  principal: string;
  resource: 'topic' | 'group';
  pattern: 'literal' | 'prefixed';
  name: string;
  operations: AclOperation[];
}

/**
 * What a service may do on the cluster, by the catalog and the topic conventions of libs/messaging
 * (TopicNames), under a topic prefix (KAFKA_TOPIC_PREFIX: topics and groups carry it):
 * - write (and create, describe) its own topics, `relais.<service>.*`;
 * - read (and create, describe: a consumer provisions what it subscribes to) each topic carrying an
 *   event the catalog says it consumes;
 * - read and write its own retry topic of each (`<topic>.retry.<service>`), and the shared dead-letter
 *   topic of each (`<topic>.dlt`: it writes its dead letters there, and lists them);
 * - use, and delete, its consumer groups (`relais-<service>`, and the throw-away groups that read dead letters).
 * Nothing else: no other service's topic can be written, no other group joined.
 */
export function serviceAcls(service: Publisher, topicPrefix = ''): AclGrant[] {
  const principal = `User:${servicePrincipal(service)}`;
  const { consumes } = serviceTopics(service);
  const topic = (name: string, operations: AclOperation[], pattern: AclGrant['pattern'] = 'literal'): AclGrant => ({
    principal,
    resource: 'topic',
    pattern,
    name: `${topicPrefix}${name}`,
    operations,
  });
  return [
    topic(`relais.${service}.`, ['write', 'create', 'describe'], 'prefixed'),
    ...consumes.flatMap((consumed) => [
      topic(consumed, ['read', 'create', 'describe']),
      topic(`${consumed}.retry.${service}`, ['read', 'write', 'create', 'describe']),
      topic(`${consumed}.dlt`, ['read', 'write', 'create', 'describe']),
    ]),
    { principal, resource: 'group', pattern: 'prefixed', name: `${topicPrefix}relais-${service}`, operations: ['read', 'describe', 'delete'] },
  ];
}

const operationTypes = {
  read: AclOperationTypes.READ,
  write: AclOperationTypes.WRITE,
  create: AclOperationTypes.CREATE,
  describe: AclOperationTypes.DESCRIBE,
  delete: AclOperationTypes.DELETE,
} satisfies Record<AclOperation, AclOperationTypes>;

function aclEntries(grant: AclGrant): AclEntry[] {
  return grant.operations.map((operation) => ({
    resourceType: grant.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
    resourceName: grant.name,
    resourcePatternType: grant.pattern === 'literal' ? ResourcePatternTypes.LITERAL : ResourcePatternTypes.PREFIXED,
    principal: grant.principal,
    host: '*',
    operation: operationTypes[operation],
    permissionType: AclPermissionTypes.ALLOW,
  }));
}

/**
 * Grants each service its ACLs (serviceAcls) on the broker, signed in as the super user. Creating an
 * ACL that exists changes nothing, so this runs on every start (one request, well under a second) and
 * keeps the grants in step with the catalog of the code that runs.
 */
export async function grantServiceAcls(brokers: string[], admin: KafkaCredentials, services: readonly Publisher[], topicPrefix = ''): Promise<void> {
  const client = new Kafka({
    clientId: 'relais-acls',
    brokers,
    logLevel: logLevel.NOTHING,
    ...kafkaSasl(admin),
  }).admin();
  await client.connect();
  try {
    const wanted = services.flatMap((service) => serviceAcls(service, topicPrefix)).flatMap(aclEntries);
    await client.createAcls({ acl: wanted });
    // The authorizer learns of new ACLs through the metadata log, a moment after they were accepted:
    // the broker lists them once it enforces them, so a service started next is not refused.
    const deadline = Date.now() + ACL_PROPAGATION_TIMEOUT_MS;
    for (;;) {
      const { resources } = await client.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ALLOW,
      });
      const present = new Set(resources.flatMap((resource) => resource.acls.map((acl) => aclKey({ ...resource, ...acl }))));
      const missing = wanted.filter((entry) => !present.has(aclKey(entry)));
      if (missing.length === 0) return;
      if (Date.now() > deadline) throw new Error(`Kafka ACLs not in force after ${ACL_PROPAGATION_TIMEOUT_MS} ms: ${missing.length} missing, e.g. ${aclKey(missing[0])}`);
      await sleep(100);
    }
  } finally {
    await client.disconnect();
  }
}

const ACL_PROPAGATION_TIMEOUT_MS = 10_000;

function aclKey(entry: Pick<AclEntry, 'resourceType' | 'resourceName' | 'resourcePatternType' | 'principal' | 'operation'>): string {
  return [entry.resourceType, entry.resourcePatternType, entry.resourceName, entry.principal, entry.operation].join(' ');
}
