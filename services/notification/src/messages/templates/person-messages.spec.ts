import { personAccepted, personRedirected } from './person-messages';

describe('the person’s messages', () => {
  it('say who will contact the person and how, and nothing of the need, the reason or a link', () => {
    const accepted = personAccepted({ structureName: 'Association <Lorient>', serviceName: 'Ateliers numériques', channel: 'sms' });
    expect(accepted.subject).toBe('Association <Lorient> va vous contacter');
    for (const part of [accepted.text, accepted.html]) {
      expect(part).toContain('par SMS, à ce numéro');
      expect(part).not.toMatch(/https?:\/\//);
    }
    expect(accepted.html).toContain('Association &lt;Lorient&gt;');
    expect(accepted.sms).toBe('Relais : Association <Lorient> accepte de vous accompagner et va vous contacter dans les prochains jours.');
    expect(personAccepted({ structureName: 'CCAS', serviceName: 'Accueil', channel: 'email' }).text).toContain('par courriel, à cette adresse');
  });

  it('tell a redirected person that another service will contact them', () => {
    const redirected = personRedirected({ structureName: 'CCAS de Vannes', serviceName: 'Accueil' });
    expect(redirected.text).toContain('CCAS de Vannes a transmis votre demande à un autre service');
    expect(redirected.sms).not.toMatch(/https?:\/\//);
  });
});
