import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { FieldCipher } from './field-cipher';

/** A person's data key, opened for the time of one operation. */
export interface PersonKey {
  seal(plaintext: string, context: string): Buffer;
  open(sealed: Buffer | null, context: string): string | null;
}

/** What runs SQL: the ambient transaction's manager, or a migration's query runner. */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The `person_keys` table of a service (`person_ref text PRIMARY KEY, wrapped_key bytea NOT NULL,
 * created_at timestamptz NOT NULL`), used through whatever runs SQL: a migration sealing existing rows
 * uses it as the vault does.
 */
export class PersonKeyStore {
  private readonly logger = new Logger(PersonKeyStore.name);

  constructor(private readonly cipher: FieldCipher) {}

  /** The person's key, created on first use (two concurrent first uses agree on one key). */
  async keyFor(db: Queryable, personRef: string): Promise<PersonKey> {
    const wrapped = this.cipher.wrapKey(this.cipher.newDataKey(), personRef);
    const inserted = (await db.query(
      `INSERT INTO person_keys (person_ref, wrapped_key, created_at) VALUES ($1, $2, now()) ON CONFLICT (person_ref) DO NOTHING RETURNING wrapped_key`,
      [personRef, wrapped],
    )) as Array<{ wrapped_key: Buffer }>;
    const key = inserted[0] ? this.open(inserted[0].wrapped_key, personRef) : await this.find(db, personRef);
    if (!key) throw new Error('person key vanished right after its creation');
    return key;
  }

  /** The person's key if it still exists (null once the person is erased). */
  async find(db: Queryable, personRef: string): Promise<PersonKey | null> {
    const rows = (await db.query(`SELECT wrapped_key FROM person_keys WHERE person_ref = $1`, [personRef])) as Array<{ wrapped_key: Buffer }>;
    const wrapped = rows[0]?.wrapped_key;
    return wrapped ? this.open(wrapped, personRef) : null;
  }

  /** Crypto-shredding: afterwards no sealed field of this person can be opened. */
  async destroy(db: Queryable, personRef: string): Promise<boolean> {
    const result = await db.query(`DELETE FROM person_keys WHERE person_ref = $1`, [personRef]);
    // TypeORM answers a DELETE with [rows, affected count].
    return Array.isArray(result) && typeof result[1] === 'number' && result[1] > 0;
  }

  private open(wrapped: Buffer, personRef: string): PersonKey {
    const dataKey = this.cipher.unwrapKey(wrapped, personRef);
    return {
      seal: (plaintext, context) => this.cipher.encrypt(dataKey, plaintext, context),
      open: (sealed, context) => {
        if (!sealed) return null;
        try {
          return this.cipher.decrypt(dataKey, sealed, context);
        } catch {
          // A value that does not open is shown as absent, never as garbage; the context says where.
          this.logger.error({ context }, 'sealed field failed to decrypt');
          return null;
        }
      },
    };
  }
}

/**
 * Keeps one data key per person (wrapped by the service's current master key) and opens it for sealing
 * or reading their fields, inside the ambient transaction. Deleting the key row is the erasure: nothing
 * sealed under it can be read again.
 */
@Injectable()
export class PersonVault {
  private readonly store: PersonKeyStore;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    cipher: FieldCipher,
  ) {
    this.store = new PersonKeyStore(cipher);
  }

  keyFor(personRef: string): Promise<PersonKey> {
    return this.store.keyFor(this.txHost.tx, personRef);
  }

  find(personRef: string): Promise<PersonKey | null> {
    return this.store.find(this.txHost.tx, personRef);
  }

  destroy(personRef: string): Promise<boolean> {
    return this.store.destroy(this.txHost.tx, personRef);
  }
}
