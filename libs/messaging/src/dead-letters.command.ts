import type { INestApplicationContext } from '@nestjs/common';
import { DeadLetters, type DeadLetter, type ListDeadLettersOptions, type RedriveSelection } from './dead-letters';

export const deadLettersUsage = [
  'usage:',
  '  dead-letters list [--topic <catalog topic>] [--limit <n>] [--include-redriven]',
  '  dead-letters redrive --all [--topic <catalog topic>]',
  '  dead-letters redrive <id> [<id>…]',
].join('\n');

export class DeadLettersUsageError extends Error {
  constructor(problem: string) {
    super(`${problem}\n${deadLettersUsage}`);
    this.name = 'DeadLettersUsageError';
  }
}

export type DeadLettersCommand = { action: 'list'; options: ListDeadLettersOptions } | { action: 'redrive'; selection: RedriveSelection };

/** Reads the arguments that follow `dead-letters` on the service's command line. */
export function parseDeadLettersCommand(args: string[]): DeadLettersCommand {
  const [action, ...rest] = args;
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] ?? '';
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (name === 'all' || name === 'include-redriven') {
      flags.set(name, true);
      continue;
    }
    if (name !== 'topic' && name !== 'limit') throw new DeadLettersUsageError(`unknown option ${arg}`);
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new DeadLettersUsageError(`${arg} needs a value`);
    flags.set(name, value);
    i += 1;
  }
  const topic = flags.get('topic');
  const topicOption = typeof topic === 'string' ? { topic } : {};
  switch (action) {
    case 'list': {
      if (positional.length > 0 || flags.has('all')) throw new DeadLettersUsageError(`list takes no ids`);
      const limitText = flags.get('limit');
      const limit = typeof limitText === 'string' ? Number(limitText) : 50;
      if (!Number.isInteger(limit) || limit < 1) throw new DeadLettersUsageError(`--limit must be a positive integer`);
      return { action: 'list', options: { ...topicOption, limit, includeRedriven: flags.has('include-redriven') } };
    }
    case 'redrive': {
      if (flags.has('limit') || flags.has('include-redriven')) throw new DeadLettersUsageError('redrive takes --all or ids');
      if (flags.has('all') === positional.length > 0) throw new DeadLettersUsageError('redrive needs either --all or ids, not both');
      return { action: 'redrive', selection: flags.has('all') ? { all: true, ...topicOption } : { ids: positional, ...topicOption } };
    }
    default:
      throw new DeadLettersUsageError(action ? `unknown action ${action}` : 'missing action');
  }
}

/**
 * Runs `dead-letters list|redrive …` against a service's application context (built with
 * MessagingModule.forCommands, so no consumer joins the group) and returns what to print:
 * one JSON line per dead letter, or the redrive outcome.
 */
export async function runDeadLettersCommand(app: INestApplicationContext, args: string[]): Promise<string> {
  const command = parseDeadLettersCommand(args);
  const deadLetters = app.get(DeadLetters);
  switch (command.action) {
    case 'list': {
      const letters = await deadLetters.list(command.options);
      return letters.length === 0 ? 'no dead letters' : letters.map((letter) => JSON.stringify(printable(letter))).join('\n');
    }
    case 'redrive': {
      const result = await deadLetters.redrive(command.selection);
      const lines = [`redriven: ${result.redriven.length}`, ...result.redriven.map((id) => `  ${id}`)];
      if (result.skipped.length > 0) lines.push(`skipped: ${result.skipped.length}`, ...result.skipped.map((skip) => `  ${skip.id}: ${skip.reason}`));
      return lines.join('\n');
    }
  }
}

function printable(letter: DeadLetter): Record<string, unknown> {
  return { ...letter, deadAt: letter.deadAt?.toISOString(), redrivenAt: letter.redrivenAt?.toISOString() ?? null };
}
