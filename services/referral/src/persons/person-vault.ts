import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock } from '../shared/clock';
import { FieldCipher } from './field-cipher';

/** A person's data key, opened for the time of one operation. */
export interface PersonKey {
  seal(plaintext: string, context: string): Buffer;
  open(sealed: Buffer | null, context: string): string | null;
}

/**
 * Keeps one data key per person (wrapped by the master key) and opens it for sealing or reading
 * their fields. Deleting the key row is the erasure: nothing sealed under it can be read again.
 */
@Injectable()
export class PersonVault {
  private readonly logger = new Logger(PersonVault.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly cipher: FieldCipher,
    private readonly clock: Clock,
  ) {}

  /** The person's key, created on first use (two concurrent first uses agree on one key). */
  async keyFor(personRef: string): Promise<PersonKey> {
    const wrapped = this.cipher.wrapKey(this.cipher.newDataKey(), personRef);
    const inserted: Array<{ wrapped_key: Buffer }> = await this.txHost.tx.query(
      `INSERT INTO person_keys (person_ref, wrapped_key, created_at) VALUES ($1, $2, $3) ON CONFLICT (person_ref) DO NOTHING RETURNING wrapped_key`,
      [personRef, wrapped, this.clock.now()],
    );
    const key = inserted[0] ? this.open(inserted[0].wrapped_key, personRef) : await this.find(personRef);
    if (!key) throw new Error('person key vanished right after its creation');
    return key;
  }

  /** The person's key if it still exists (null once the person is erased). */
  async find(personRef: string): Promise<PersonKey | null> {
    const rows: Array<{ wrapped_key: Buffer }> = await this.txHost.tx.query(`SELECT wrapped_key FROM person_keys WHERE person_ref = $1`, [personRef]);
    const wrapped = rows[0]?.wrapped_key;
    return wrapped ? this.open(wrapped, personRef) : null;
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

  /** Crypto-shredding: afterwards no sealed field of this person can be opened. */
  async destroy(personRef: string): Promise<boolean> {
    const result: [unknown[], number] = await this.txHost.tx.query(`DELETE FROM person_keys WHERE person_ref = $1`, [personRef]);
    return result[1] > 0;
  }
}
