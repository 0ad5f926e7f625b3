import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useDraft } from './use-draft';

function Form() {
  const [draft, setDraft, clear] = useDraft('essai', { motif: '' });
  return (
    <>
      <label htmlFor="motif">Motif</label>
      <input id="motif" value={draft.motif} onChange={(event) => setDraft({ motif: event.target.value })} />
      <button type="button" onClick={clear}>
        Envoyé
      </button>
    </>
  );
}

describe('useDraft: a form survives signing in again', () => {
  beforeEach(() => window.sessionStorage.clear());

  it('gives back what was typed after the page is left and loaded again (the sign-in redirect)', async () => {
    const user = userEvent.setup();
    const first = render(<Form />);
    await user.type(screen.getByLabelText('Motif'), 'Déclaration trimestrielle');
    first.unmount();
    render(<Form />);
    expect(screen.getByLabelText<HTMLInputElement>('Motif').value).toBe('Déclaration trimestrielle');
  });

  it('forgets the draft once the form is sent', async () => {
    const user = userEvent.setup();
    const first = render(<Form />);
    await user.type(screen.getByLabelText('Motif'), 'x');
    await act(async () => {
      await user.click(screen.getByRole('button', { name: 'Envoyé' }));
    });
    first.unmount();
    render(<Form />);
    expect(screen.getByLabelText<HTMLInputElement>('Motif').value).toBe('');
  });
});
