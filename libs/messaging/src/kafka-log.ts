import { Logger } from '@nestjs/common';
import { logLevel, type logCreator } from 'kafkajs';

/**
 * Warnings kafkajs repeats for choices made on purpose. Bounded producer retries: an unbounded idempotent
 * producer never gives up while the broker is away, so the relay could not stop; after a failure the
 * producer is replaced and the inbox absorbs any duplicate.
 */
const expectedWarnings = [/Limiting retries for the idempotent producer/];

/** kafkajs logs go to the service's logger (JSON lines with trace ids) instead of the console. */
export const kafkaLogCreator: logCreator = () => {
  const logger = new Logger('Kafka');
  return ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = log as { message: string; timestamp: string; logger?: unknown } & Record<string, unknown>;
    if (level === logLevel.WARN && expectedWarnings.some((pattern) => pattern.test(message))) return;
    const details = Object.entries(extra)
      .filter(([, value]) => value !== undefined && typeof value !== 'object')
      .map(([key, value]) => `${key}=${String(value as string | number | boolean)}`)
      .join(' ');
    const line = `${namespace}: ${message}${details ? ` (${details})` : ''}`;
    // kafkajs logs every error response of a connection, including those it retries (a coordinator
    // still loading, a leader moving): an operator needs them as warnings, the failures that remain
    // reach the service as thrown errors.
    const effective = level === logLevel.ERROR && namespace === 'Connection' ? logLevel.WARN : level;
    switch (effective) {
      case logLevel.ERROR:
        logger.error(line);
        break;
      case logLevel.WARN:
        logger.warn(line);
        break;
      case logLevel.INFO:
        logger.log(line);
        break;
      case logLevel.DEBUG:
      case logLevel.NOTHING:
        logger.debug(line);
        break;
    }
  };
};
