import { needWords, receiverRequested, senderMoved } from './referral-messages';

describe('the referral messages', () => {
  const requested = receiverRequested({
    senderName: 'CCAS de Vannes',
    serviceName: 'Ateliers <numériques>',
    needs: ['numerique--prendre-en-main-un-ordinateur', 'demarches--logement'],
    urgency: 'urgent',
    acknowledgeDueAt: '2026-12-07T16:00:00Z',
    firstContactDueAt: '2026-12-11T16:00:00Z',
    actionUrl: 'https://relais.example/orientations/lien/k1.abc.def',
    actionExpiresAt: '2027-01-02T10:00:00Z',
  });

  it('tells the receiver who sends, the need, the urgency, the deadlines and the action link, in text and HTML', () => {
    expect(requested.subject).toBe('[Urgent] Nouvelle orientation de CCAS de Vannes vers « Ateliers <numériques> »');
    for (const part of [requested.text, requested.html]) {
      expect(part).toContain('CCAS de Vannes');
      expect(part).toContain('prendre en main un ordinateur, démarches : logement');
      expect(part).toContain('urgente');
      expect(part).toContain('lundi 7 décembre 2026');
      expect(part).toContain('https://relais.example/orientations/lien/k1.abc.def');
    }
    expect(requested.html).toContain('Ateliers &lt;numériques&gt;');
    expect(requested.html).not.toContain('<numériques>');
    expect(requested.sms).toContain('https://relais.example/orientations/lien/k1.abc.def');
  });

  it('tells the sender the move, the reason code and the outcome, never free text', () => {
    const rejected = senderMoved({ to: 'rejected', receiverName: 'Médiathèque de Vannes', serviceName: 'Ateliers', reasonCode: 'hors-public', outcome: null, workspaceUrl: 'https://relais.example/orientations/1' });
    expect(rejected.subject).toBe('Médiathèque de Vannes refuse votre orientation');
    expect(rejected.text).toContain('Motif : hors-public');
  });

  it('reads thématique codes as words', () => {
    expect(needWords('numerique--acceder-a-du-materiel')).toBe('acceder a du materiel');
    expect(needWords('autre-chose')).toBe('autre chose');
  });
});
