/**
 * Where an event travels, by the conventions of the design: the catalog topic, a retry topic per
 * consuming service (so one consumer's backlog of retries never delays another's) and one dead-letter
 * topic per catalog topic (its messages name the consumer that gave up). Every Kafka name gets the
 * prefix, so two prefixes share nothing on one cluster.
 */
export class TopicNames {
  constructor(
    readonly prefix: string,
    readonly service: string,
  ) {}

  /** The Kafka name of a catalog topic. */
  main(topic: string): string {
    return `${this.prefix}${topic}`;
  }

  retry(topic: string): string {
    return `${this.prefix}${topic}.retry.${this.service}`;
  }

  deadLetter(topic: string): string {
    return `${this.prefix}${topic}.dlt`;
  }

  /** The consumer group: named after the service only, no suffix added behind its back. */
  groupId(): string {
    return `${this.prefix}relais-${this.service}`;
  }

  /**
   * A replay's own group (a projection rebuilt from the beginning of the topics): beside the live group,
   * whose offsets it never moves. `name` tells two replays apart (e.g. the projection version).
   */
  replayGroupId(name: string): string {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`replay name "${name}" must be lowercase letters, digits and dashes`);
    return `${this.groupId()}.replay.${name}`;
  }

  /** The catalog topic behind a Kafka name (main, retry or dead-letter), or undefined if it is not ours. */
  catalogTopicOf(kafkaTopic: string): { topic: string; kind: 'main' | 'retry' | 'dead-letter' } | undefined {
    if (!kafkaTopic.startsWith(this.prefix)) return undefined;
    const name = kafkaTopic.slice(this.prefix.length);
    const retrySuffix = `.retry.${this.service}`;
    if (name.endsWith(retrySuffix)) return { topic: name.slice(0, -retrySuffix.length), kind: 'retry' };
    if (name.endsWith('.dlt')) return { topic: name.slice(0, -'.dlt'.length), kind: 'dead-letter' };
    return { topic: name, kind: 'main' };
  }
}
