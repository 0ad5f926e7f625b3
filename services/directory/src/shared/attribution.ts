import { callerKey, hasRole, type Principal } from '@relais/auth';

/**
 * Who changed or confirmed a directory record, as stored in `last_verified_by` and `capacity_updated_by`:
 *
 * - the caller's {@link callerKey}: `user:<structureId or ->:<sub>` for a person's token, scoped by the
 *   structure the person acts for, so two accounts never share an attribution and one person acting for two
 *   structures is two actors; `client:<clientId>` for a client-credentials token (an agency's software). A
 *   person's token carries the web app's `client_id` too: `client_id` alone never identifies the caller;
 * - `import:<format>:<actor>` for an import, `<actor>` being one of the above or `cli`;
 * - `seed`, `system` for the platform itself.
 *
 * The account part (`<sub>`, `<clientId>`) names someone's account: it is kept for those who answer for
 * the record (see {@link attributionFor}) and cut off everywhere else, events included.
 */
export type Attribution = string;

/** What an import records: the importer's actor (or `cli` for the command line) under the file's format. */
export function importAttribution(format: string, importer: Principal | 'cli'): Attribution {
  return `import:${format}:${importer === 'cli' ? 'cli' : callerKey(importer)}`;
}

type Parsed =
  | { kind: 'user'; structureId: string | null; actor: string }
  | { kind: 'client'; actor: string }
  | { kind: 'import'; format: string; inner: Parsed | null }
  | { kind: 'other'; value: string };

const STRUCTURE_SCOPED_USER = /^user:([0-9a-fA-F-]{36}|-):(.+)$/;

function parse(stored: string): Parsed {
  const imported = /^import:([^:]+)(?::(.+))?$/.exec(stored);
  if (imported?.[1]) return { kind: 'import', format: imported[1], inner: imported[2] ? parse(imported[2]) : null };
  const scoped = STRUCTURE_SCOPED_USER.exec(stored);
  if (scoped?.[1]) return { kind: 'user', structureId: scoped[1] === '-' ? null : scoped[1], actor: stored };
  // Written before attributions were scoped: `user:<sub>`, and `client:<id>` for people too (the web app's id).
  if (stored.startsWith('user:')) return { kind: 'user', structureId: null, actor: stored };
  if (stored.startsWith('client:')) return { kind: 'client', actor: stored };
  return { kind: 'other', value: stored };
}

function redact(parsed: Parsed): string {
  switch (parsed.kind) {
    case 'user':
      return parsed.structureId ? `user:${parsed.structureId}` : 'user';
    case 'client':
      return 'client';
    case 'import':
      return `import:${parsed.format}`;
    case 'other':
      // Only the platform's own words pass whole; anything else might name an account.
      return /^[a-z-]+$/.test(parsed.value) ? parsed.value : 'inconnu';
  }
}

/** The attribution as anyone may read it: the kind of actor and, for a person, the structure it acted for. */
export function publicAttribution(stored: Attribution | null): string | null {
  return stored === null ? null : redact(parse(stored));
}

/** The record an attribution is shown on: whose it is and which networks it belongs to. */
export interface AttributedRecord {
  structureId: string | null;
  networkIds: readonly string[];
}

/**
 * The attribution as `viewer` may read it. Whole for those who answer for the record (the admin, the
 * coordinators of one of its networks) and for the viewer's own actions and its own structure's accounts;
 * otherwise as {@link publicAttribution}, so no structure learns another structure's account ids.
 */
export function attributionFor(stored: Attribution | null, viewer: Principal | null, record: AttributedRecord): string | null {
  if (stored === null) return null;
  if (viewer === null) return publicAttribution(stored);
  if (hasRole(viewer, 'admin')) return stored;
  if (hasRole(viewer, 'coordinator') && record.networkIds.some((id) => viewer.networkIds.includes(id))) return stored;
  const parsed = parse(stored);
  const actor = parsed.kind === 'import' ? parsed.inner : parsed;
  if ((actor?.kind === 'user' || actor?.kind === 'client') && actor.actor === callerKey(viewer)) return stored;
  if (actor?.kind === 'user' && actor.structureId !== null && actor.structureId === viewer.structureId) return stored;
  return redact(parsed);
}

/** How a view shows attributions: bound to one viewer and one record. */
export type ShowAttribution = (stored: Attribution | null) => string | null;

export function showTo(viewer: Principal | null, record: AttributedRecord): ShowAttribution {
  return (stored) => attributionFor(stored, viewer, record);
}
