import { ApiError, messageOf, readableMessage } from './problem';

describe('problem+json → what the agent reads', () => {
  it('shows the problem’s own detail, and each field’s message of a 400', () => {
    const error = new ApiError(400, {
      type: 'urn:relais:problem:validation-error',
      title: 'Requête invalide',
      status: 400,
      detail: 'La requête contient des données invalides.',
      errors: [{ field: 'role', message: 'role : valeur inconnue' }, { property: 'reasonCode', constraints: { isIn: 'motif inconnu' } }],
    });
    expect(error.message).toBe('La requête contient des données invalides.');
    expect(error.fieldErrors).toEqual(['role : role : valeur inconnue', 'reasonCode : motif inconnu']);
  });

  it('falls back on a French sentence per status when the body says nothing', () => {
    expect(readableMessage(404, null)).toBe('Cet élément est introuvable, ou vous n’y avez pas accès.');
    expect(readableMessage(418, null)).toBe('Erreur inattendue (HTTP 418).');
    expect(messageOf(new TypeError('Failed to fetch'))).toContain('injoignable');
  });
});
