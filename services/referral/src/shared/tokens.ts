/** The service's validated config, injectable where a provider needs one of its values. */
export const REFERRAL_CONFIG = Symbol('REFERRAL_CONFIG');
