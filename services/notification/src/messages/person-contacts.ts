import type { PreferredChannel } from './channels/message-channel';

/** Where a person wants to hear about their referral, or null: they must get nothing. */
export interface PersonContact {
  channel: PreferredChannel;
  address: string;
}

/** Asks, at the moment there is something to tell, where the person of a referral wants to be told. */
export interface PersonContacts {
  find(referralId: string): Promise<PersonContact | null>;
}

export const PERSON_CONTACTS = Symbol('PERSON_CONTACTS');

export interface ReferralContactSettings {
  referralUrl: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
}

/**
 * The person's address never travels on Kafka (topics outlive erasure): the referral service holds it
 * sealed, checks consent and preference when asked, and audits the read (docs/security.md). This client
 * asks it with a client-credentials token of the `notifier` role, kept until shortly before it expires.
 * Any failure throws, so the consumer retries the event later instead of telling the person nothing.
 */
export class ReferralPersonContacts implements PersonContacts {
  private token: { value: string; until: number } | null = null;
  private tokenEndpoint: string | null = null;

  constructor(private readonly settings: ReferralContactSettings) {}

  async find(referralId: string): Promise<PersonContact | null> {
    const url = new URL(`internal/v1/referrals/${encodeURIComponent(referralId)}/notice-contact`, `${this.settings.referralUrl.replace(/\/+$/, '')}/`);
    let response = await this.ask(url, await this.accessToken());
    if (response.status === 401) {
      // A token revoked or signed by a rotated key: one fresh one, once.
      this.token = null;
      response = await this.ask(url, await this.accessToken());
    }
    // 404 too: the event names a referral the referral service must know, so an unknown one is a wrong
    // REFERRAL_API_URL (or a forged event), never a reason to stay silent.
    if (response.status !== 200) throw new Error(`le service d’orientation répond ${response.status} à la demande de contact`);
    const body = (await response.json()) as { channel?: unknown; address?: unknown };
    if ((body.channel === 'email' || body.channel === 'sms') && typeof body.address === 'string' && body.address.length > 0) {
      return { channel: body.channel, address: body.address };
    }
    return null;
  }

  private ask(url: URL, token: string): Promise<Response> {
    return fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000) });
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    this.tokenEndpoint ??= await this.discoverTokenEndpoint();
    const response = await fetch(this.tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(this.settings.clientId)}:${encodeURIComponent(this.settings.clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'relais' }),
      signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000),
    });
    if (!response.ok) throw new Error(`le fournisseur d’identité refuse le jeton du service de notification (${response.status})`);
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string') throw new Error('le fournisseur d’identité n’a pas rendu de jeton');
    const lifetimeS = typeof body.expires_in === 'number' ? body.expires_in : 300;
    this.token = { value: body.access_token, until: Date.now() + Math.max(lifetimeS - 60, 10) * 1000 };
    return body.access_token;
  }

  private async discoverTokenEndpoint(): Promise<string> {
    const response = await fetch(`${this.settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000) });
    if (!response.ok) throw new Error(`découverte du fournisseur d’identité impossible (${response.status})`);
    const body = (await response.json()) as { token_endpoint?: unknown };
    if (typeof body.token_endpoint !== 'string') throw new Error('le fournisseur d’identité ne publie pas de token_endpoint');
    return body.token_endpoint;
  }
}
