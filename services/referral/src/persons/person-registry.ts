import { Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { issuePersonRef, type EventPayload } from '@relais/contracts';
import { EventPublisher } from '@relais/messaging';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, DomainError, NotFoundError, ValidationError } from '@relais/platform';
import { AuditLog } from '../audit/audit-log';
import type { ContactPreference } from '../referral-model/referral.entity';
import { awaitArrival } from '../shared/arrival';
import type { PersonDetailsDto, PersonRecordView, RegisterPersonDto } from './person.dto';
import { PersonVault, type PersonKey } from '@relais/privacy';

export type LinkVia = EventPayload<'fr.relais.referral.person.linked.v1'>['via'];

/** The direct identifiers of a person, sealed together as one JSON value under the person's key. */
export interface PersonDetails {
  firstName: string | null;
  lastName: string | null;
  birthDate: string | null;
  phone: string | null;
  email: string | null;
}

/** A person as a referral needs them: their reference, how to reach them, who they are, and their key. */
export interface ResolvedPerson {
  reference: string;
  contactPreference: ContactPreference;
  details: PersonDetails;
  /** The key their details were sealed with here: the referral seals its own copy with it, no second lookup. */
  key: PersonKey;
}

interface PersonRow {
  reference: string;
  contact_preference: ContactPreference | null;
  details_sealed: Buffer | null;
  created_at: Date;
  erased_at: Date | null;
}

const detailsContext = (reference: string) => `person:${reference}:details`;
const noDetails: PersonDetails = { firstName: null, lastName: null, birthDate: null, phone: null, email: null };

/**
 * Persons and the structures linked to them. Relais issues every reference (random, opaque): holding a
 * reference proves nothing, and a structure may use one only once it is linked to the person — it
 * registered them, sent or received one of their referrals, or ran their diagnostic. For anyone else a
 * reference answers exactly as one that does not exist.
 */
@Injectable()
export class PersonRegistry {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly vault: PersonVault,
    private readonly publisher: EventPublisher,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** POST /persons: a new person for the caller's structure, or the one its `externalId` already names. */
  @Transactional()
  async register(principal: Principal, dto: RegisterPersonDto): Promise<{ person: PersonRecordView; created: boolean }> {
    const structureId = structureOf(principal);
    const existing = dto.externalId ? await this.byExternalId(structureId, dto.externalId) : null;
    if (existing) return { person: await this.read(principal, existing), created: false };
    const { reference } = await this.create(structureId, dto, 'registered');
    await this.audit.record(principal, 'register', { personRef: reference }, presentFields(dto));
    return { person: await this.view(reference, structureId), created: true };
  }

  /**
   * The person a new referral is for. With a reference, the caller must be linked to it, and details
   * sent along update the registered ones; without, the details register a new person.
   */
  async resolveForReferral(structureId: string, dto: PersonDetailsDto & { reference?: string }): Promise<ResolvedPerson> {
    if (dto.reference === undefined) {
      const existing = dto.externalId ? await this.byExternalId(structureId, dto.externalId) : null;
      if (existing) return this.resolveLinked(existing, dto);
      const missing = (['firstName', 'lastName', 'contactPreference'] as const).filter((field) => dto[field] === undefined);
      if (missing.length > 0) {
        throw new ValidationError(
          missing.map((field) => ({ field: `person.${field}`, message: 'obligatoire pour une personne sans référence (ou donnez person.reference)' })),
          'Sans person.reference, la personne est enregistrée : son nom, son prénom et sa préférence de contact sont nécessaires.',
        );
      }
      const { reference, key } = await this.create(structureId, dto, 'referral-sent');
      return { reference, contactPreference: dto.contactPreference ?? 'none', details: detailsOf(dto), key };
    }
    if (!(await this.isLinked(dto.reference, structureId))) throw new NotFoundError('Personne');
    if (dto.externalId) await this.setExternalId(dto.reference, structureId, dto.externalId);
    return this.resolveLinked(dto.reference, dto);
  }

  /** Links a structure to a person if it is not yet; the diagnostic hears of it through `person.linked`. */
  async link(reference: string, structureId: string, via: LinkVia, externalId: string | null = null): Promise<void> {
    await this.linkAll(reference, [{ structureId, via, externalId }]);
  }

  /**
   * Links several structures at once (a referral's two sides), in one statement: each new link is announced
   * by its own `person.linked`, in the order given; a structure named twice is linked by its first entry.
   */
  async linkAll(reference: string, links: Array<{ structureId: string; via: LinkVia; externalId?: string | null }>): Promise<void> {
    const now = this.clock.now();
    const unique = links.filter((link, i) => links.findIndex((other) => other.structureId === link.structureId) === i);
    if (unique.length === 0) return;
    const inserted: Array<{ structure_id: string }> = await this.txHost.tx.query(
      `INSERT INTO person_links (person_ref, structure_id, via, external_id, linked_at)
       SELECT $1, l.structure_id, l.via, l.external_id, $2 FROM unnest($3::uuid[], $4::text[], $5::text[]) AS l(structure_id, via, external_id)
       ON CONFLICT (person_ref, structure_id) DO NOTHING RETURNING structure_id`,
      [reference, now, unique.map((l) => l.structureId), unique.map((l) => l.via), unique.map((l) => l.externalId ?? null)],
    );
    const linked = new Set(inserted.map((row) => row.structure_id.toLowerCase()));
    for (const { structureId, via } of unique) {
      if (!linked.has(structureId.toLowerCase())) continue;
      await this.publisher.publish('fr.relais.referral.person.linked.v1', { personRef: reference, structureId, via, at: now.toISOString() }, { time: now });
    }
  }

  /**
   * A diagnostic was run for a reference: the structure that ran it is linked. The diagnostic only
   * accepts references its caller is linked to, or issues a new one, so this can create a person
   * (known only through their diagnostic) but never attach a structure to someone else's person.
   */
  async linkFromAssessment(reference: string, structureId: string | null, at: Date): Promise<void> {
    const rows: Array<{ erased_at: Date | null }> = await this.txHost.tx.query(
      `INSERT INTO persons (reference, registered_by_structure_id, created_at, updated_at) VALUES ($1, $2, $3, $3)
       ON CONFLICT (reference) DO UPDATE SET reference = EXCLUDED.reference RETURNING erased_at`,
      [reference, structureId, at],
    );
    if (rows[0]?.erased_at || structureId === null) return;
    await this.link(reference, structureId, 'assessment');
  }

  /** Waits a moment for a link the diagnostic's event may still be bringing (shared/arrival.ts). */
  async awaitLinked(reference: string, structureId: string): Promise<void> {
    await awaitArrival(() => this.isLinked(reference, structureId));
  }

  async isLinked(reference: string, structureId: string): Promise<boolean> {
    const rows: unknown[] = await this.txHost.tx.query(
      `SELECT 1 FROM person_links l JOIN persons p ON p.reference = l.person_ref
       WHERE l.person_ref = $1 AND l.structure_id = $2 AND p.erased_at IS NULL`,
      [reference, structureId],
    );
    return rows.length > 0;
  }

  /** GET /persons/{ref}: the person's details, for a linked structure only; the read is audited. */
  @Transactional()
  async read(principal: Principal, reference: string): Promise<PersonRecordView> {
    const structureId = structureOf(principal);
    if (!(await this.isLinked(reference, structureId))) throw new NotFoundError('Personne');
    const view = await this.view(reference, structureId);
    const read = (['firstName', 'lastName', 'birthDate', 'phone', 'email'] as const).filter((field) => view[field] !== null);
    if (read.length > 0) await this.audit.record(principal, 'read-person', { personRef: reference }, read.map((field) => `person.${field}`));
    return view;
  }

  private async create(structureId: string, dto: PersonDetailsDto, via: LinkVia): Promise<{ reference: string; key: PersonKey }> {
    checkContactPreference(dto.contactPreference ?? 'none', detailsOf(dto), 'person', this.clock.now());
    const now = this.clock.now();
    const reference = issuePersonRef();
    const key = await this.vault.keyFor(reference);
    await this.txHost.tx.query(
      `INSERT INTO persons (reference, registered_by_structure_id, contact_preference, details_sealed, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5)`,
      [reference, structureId, dto.contactPreference ?? 'none', key.seal(JSON.stringify(detailsOf(dto)), detailsContext(reference)), now],
    );
    await this.link(reference, structureId, via, dto.externalId ?? null);
    return { reference, key };
  }

  /** The registered person, with whatever details the caller sent along written over the stored ones. */
  private async resolveLinked(reference: string, dto: PersonDetailsDto): Promise<ResolvedPerson> {
    const row = await this.row(reference, true);
    if (!row) throw new NotFoundError('Personne');
    const key = await this.vault.keyFor(reference);
    const stored = parseDetails(key.open(row.details_sealed, detailsContext(reference)));
    const sent = detailsOf(dto);
    const details: PersonDetails = {
      firstName: sent.firstName ?? stored.firstName,
      lastName: sent.lastName ?? stored.lastName,
      birthDate: sent.birthDate ?? stored.birthDate,
      phone: sent.phone ?? stored.phone,
      email: sent.email ?? stored.email,
    };
    const contactPreference = dto.contactPreference ?? row.contact_preference ?? 'none';
    checkContactPreference(contactPreference, details, 'person', this.clock.now());
    const changed = contactPreference !== row.contact_preference || (Object.keys(details) as Array<keyof PersonDetails>).some((f) => details[f] !== stored[f]);
    if (changed) {
      await this.txHost.tx.query(`UPDATE persons SET contact_preference = $2, details_sealed = $3, updated_at = $4 WHERE reference = $1`, [
        reference,
        contactPreference,
        key.seal(JSON.stringify(details), detailsContext(reference)),
        this.clock.now(),
      ]);
    }
    return { reference, contactPreference, details, key };
  }

  private async view(reference: string, structureId: string): Promise<PersonRecordView> {
    const row = await this.row(reference, false);
    const links: Array<{ via: string; external_id: string | null }> = await this.txHost.tx.query(
      `SELECT via, external_id FROM person_links WHERE person_ref = $1 AND structure_id = $2`,
      [reference, structureId],
    );
    if (!row || !links[0]) throw new NotFoundError('Personne');
    const key = await this.vault.find(reference);
    const details = parseDetails(key ? key.open(row.details_sealed, detailsContext(reference)) : null);
    return {
      reference,
      ...details,
      contactPreference: row.contact_preference ?? 'none',
      externalId: links[0].external_id,
      linkedVia: links[0].via,
      createdAt: row.created_at.toISOString(),
    };
  }

  private async row(reference: string, lock: boolean): Promise<PersonRow | null> {
    const rows: PersonRow[] = await this.txHost.tx.query(
      `SELECT reference, contact_preference, details_sealed, created_at, erased_at FROM persons WHERE reference = $1 AND erased_at IS NULL ${lock ? 'FOR UPDATE' : ''}`,
      [reference],
    );
    return rows[0] ?? null;
  }

  /**
   * The person a structure's own file number names. Two requests with one new file number at the same
   * instant would register two persons: the advisory lock makes the second one find the first.
   */
  private async byExternalId(structureId: string, externalId: string): Promise<string | null> {
    await this.txHost.tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`person-external-id:${structureId}:${externalId}`]);
    const rows: Array<{ person_ref: string }> = await this.txHost.tx.query(
      `SELECT l.person_ref FROM person_links l JOIN persons p ON p.reference = l.person_ref
       WHERE l.structure_id = $1 AND l.external_id = $2 AND p.erased_at IS NULL`,
      [structureId, externalId],
    );
    return rows[0]?.person_ref ?? null;
  }

  private async setExternalId(reference: string, structureId: string, externalId: string): Promise<void> {
    const other = await this.byExternalId(structureId, externalId);
    if (other !== null && other !== reference) {
      throw new DomainError('conflict', 'Ce numéro de dossier (externalId) désigne déjà une autre personne de votre structure.', {
        errors: [{ field: 'person.externalId', message: 'déjà utilisé pour une autre personne' }],
      });
    }
    await this.txHost.tx.query(`UPDATE person_links SET external_id = $3 WHERE person_ref = $1 AND structure_id = $2`, [reference, structureId, externalId]);
  }
}

function structureOf(principal: Principal): string {
  if (!principal.structureId) {
    throw new DomainError('forbidden', 'Seul un compte rattaché à une structure (agent ou logiciel de la structure) peut enregistrer ou consulter une personne.');
  }
  return principal.structureId;
}

function detailsOf(dto: PersonDetailsDto): PersonDetails {
  return {
    firstName: dto.firstName ?? null,
    lastName: dto.lastName ?? null,
    birthDate: dto.birthDate ?? null,
    phone: dto.phone ?? null,
    email: dto.email ?? null,
  };
}

function parseDetails(text: string | null): PersonDetails {
  if (!text) return noDetails;
  return { ...noDetails, ...(JSON.parse(text) as Partial<PersonDetails>) };
}

function presentFields(dto: PersonDetailsDto): string[] {
  return (['firstName', 'lastName', 'birthDate', 'phone', 'email'] as const).filter((field) => dto[field] !== undefined).map((field) => `person.${field}`);
}

/** A preference to be called, texted or e-mailed needs the number or the address to do it. */
export function checkContactPreference(preference: ContactPreference, details: PersonDetails, prefix: string, now: Date): void {
  if ((preference === 'phone' || preference === 'sms') && !details.phone) {
    throw new ValidationError([{ field: `${prefix}.phone`, message: `un numéro de téléphone est nécessaire pour la préférence « ${preference} »` }]);
  }
  if (preference === 'email' && !details.email) {
    throw new ValidationError([{ field: `${prefix}.email`, message: 'une adresse électronique est nécessaire pour la préférence « email »' }]);
  }
  if (details.birthDate && (details.birthDate < '1900-01-01' || Date.parse(details.birthDate) > now.getTime())) {
    throw new ValidationError([{ field: `${prefix}.birthDate`, message: 'la date de naissance doit être passée et postérieure à 1900' }]);
  }
}
