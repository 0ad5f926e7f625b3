import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { SendReferralForm } from './send-referral-form';
import { emptyReferralDraft, toNewReferral, validateReferralStep, type ReferralDraft } from './referral-form';

const thematiques = [
  { value: 'numerique', label: 'Numérique' },
  { value: 'numerique--acceder-a-des-services-en-ligne', label: 'Accéder à des services en ligne', parent: 'numerique' },
  { value: 'famille', label: 'Famille' },
  { value: 'famille--garde-denfants', label: 'Garde d’enfants', parent: 'famille' },
];

function Harness({ onSubmit, initial = emptyReferralDraft }: { onSubmit: (draft: ReferralDraft) => void; initial?: ReferralDraft }) {
  const [draft, setDraft] = useState(initial);
  return <SendReferralForm draft={draft} setDraft={setDraft} serviceName="Point numérique" structureName="Centre social de Kercado" thematiques={thematiques} submitting={false} onSubmit={() => onSubmit(draft)} />;
}

describe('SendReferralForm', () => {
  it('says what is missing on each step, next to the field, and focuses the first one', async () => {
    const user = userEvent.setup();
    const onSubmit = jest.fn<void, [ReferralDraft]>();
    render(<Harness onSubmit={onSubmit} />);
    await user.click(screen.getByRole('button', { name: 'Continuer' }));
    expect(screen.getByRole('alert').textContent).toBe('3 champs sont à corriger.');
    expect(screen.getByText('Indiquez le prénom.')).toBeTruthy();
    expect(screen.getByText('Pour un contact par téléphone, indiquez le numéro.')).toBeTruthy();
    const firstName = screen.getByLabelText('Prénom');
    expect(document.activeElement).toBe(firstName);
    expect(firstName.getAttribute('aria-invalid')).toBe('true');
    expect(firstName.getAttribute('aria-describedby')).toBe('firstName-error');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('is filled and sent with the keyboard alone, the consent read before sending', async () => {
    const user = userEvent.setup();
    const onSubmit = jest.fn<void, [ReferralDraft]>();
    render(<Harness onSubmit={onSubmit} />);
    await user.click(screen.getByLabelText('Prénom'));
    await user.keyboard('Anne');
    await user.tab();
    await user.keyboard('Le Gall');
    await user.tab(); // birth date
    await user.tab();
    await user.keyboard('06 12 34 56 78{Enter}');
    // Step 2: the need, by keyboard in the select, then the reason.
    expect(screen.getByText('Le besoin')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Besoin (thématique)'));
    await user.selectOptions(screen.getByLabelText('Besoin (thématique)'), 'famille--garde-denfants');
    await user.click(screen.getByLabelText(/Motif de l’orientation/));
    await user.keyboard('Dossier de prestations familiales à refaire');
    await user.keyboard('{Tab}{Tab}{Tab}{Enter}');
    // Step 3: the text to read says what is shared and with whom; sending needs the box ticked.
    expect(screen.getByText('À lire à la personne')).toBeTruthy();
    expect(screen.getByText(/Point numérique/, { selector: 'strong' })).toBeTruthy();
    expect(screen.getByText(/ses coordonnées \(nom, téléphone, courriel\), le motif de l’orientation/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Envoyer l’orientation' }));
    expect(screen.getByText(/Lisez ce texte à la personne/)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('J’ai lu ce texte à la personne et elle est d’accord.'));
    await user.keyboard(' ');
    await user.click(screen.getByRole('button', { name: 'Envoyer l’orientation' }));
    expect(onSubmit).toHaveBeenCalledTimes(1);
    const submitted = onSubmit.mock.calls[0]?.[0];
    if (!submitted) throw new Error('nothing submitted');
    const sent = toNewReferral('service-1', submitted, new Date('2026-12-03T10:00:00Z'));
    expect(sent).toEqual({
      receivingServiceId: 'service-1',
      person: { firstName: 'Anne', lastName: 'Le Gall', contactPreference: 'phone', phone: '06 12 34 56 78' },
      reason: 'Dossier de prestations familiales à refaire',
      needs: ['famille--garde-denfants'],
      urgency: 'normal',
      consent: { scope: ['contact', 'reason'], method: 'oral', obtainedAt: '2026-12-03T10:00:00.000Z', sharedWith: 'receiver' },
    });
  });

  it('goes back a step without losing what was typed', async () => {
    const user = userEvent.setup();
    render(<Harness onSubmit={jest.fn()} initial={{ ...emptyReferralDraft, personMode: 'existing', personReference: `p-${'a'.repeat(26)}` }} />);
    await user.click(screen.getByRole('button', { name: 'Continuer' }));
    await act(async () => {
      await user.click(screen.getByRole('button', { name: 'Étape précédente' }));
    });
    expect(screen.getByLabelText<HTMLInputElement>(/Référence de la personne/).value).toBe(`p-${'a'.repeat(26)}`);
  });
});

describe('validateReferralStep', () => {
  const today = new Date('2026-12-03T12:00:00Z');
  it('refuses a reference that Relais could not have issued', () => {
    expect(validateReferralStep('person', { ...emptyReferralDraft, personMode: 'existing', personReference: 'P-123' }, today)).toHaveProperty('personReference');
    expect(validateReferralStep('person', { ...emptyReferralDraft, personMode: 'existing', personReference: `p-${'b'.repeat(26)}` }, today)).toEqual({});
  });
  it('checks contact details against the preferred way of contact', () => {
    const draft = { ...emptyReferralDraft, firstName: 'A', lastName: 'B', contactPreference: 'email', email: 'pas-une-adresse' };
    expect(validateReferralStep('person', draft, today)['email']).toContain('n’est pas valide');
    expect(validateReferralStep('person', { ...draft, birthDate: '2030-01-01', email: 'a@b.fr' }, today)).toEqual({ birthDate: 'La date de naissance doit être une date passée.' });
  });
  it('asks for contact details to be shared when the person wants to be contacted, and a future end date', () => {
    const errors = validateReferralStep('consent', { ...emptyReferralDraft, consentRead: true, shareContact: false, consentExpiresAt: '2026-12-01' }, today);
    expect(Object.keys(errors).sort()).toEqual(['consentExpiresAt', 'shareContact']);
  });
});
