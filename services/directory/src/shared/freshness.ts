import { publicAttribution, type ShowAttribution } from './attribution';
import type { DirectoryRecord } from './record';

export interface Freshness {
  lastVerifiedAt: string | null;
  lastVerifiedBy: string | null;
  stale: boolean;
}

/** Whether a record needs confirming: never verified, or verified longer ago than the configured age. */
export function isStale(lastVerifiedAt: Date | null, maxAgeDays: number, now: Date = new Date()): boolean {
  return !lastVerifiedAt || now.getTime() - lastVerifiedAt.getTime() > maxAgeDays * 86_400_000;
}

/** `show` decides how much of `last verified by` the reader sees (the public view by default). */
export function freshnessOf(record: DirectoryRecord, maxAgeDays: number, show: ShowAttribution = publicAttribution, now: Date = new Date()): Freshness {
  return {
    lastVerifiedAt: record.lastVerifiedAt ? record.lastVerifiedAt.toISOString() : null,
    lastVerifiedBy: show(record.lastVerifiedBy),
    stale: isStale(record.lastVerifiedAt, maxAgeDays, now),
  };
}
