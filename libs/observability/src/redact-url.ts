/**
 * Paths that carry a credential (the action links' tokens, `/links/<token>`), as logs and traces may keep
 * them: the token replaced by a marker. Whoever reads the logs must not be able to act on a referral.
 */
export function redactUrl(url: string): string {
  return url.replace(/\/links\/[^/?#]+/g, '/links/[jeton]');
}
