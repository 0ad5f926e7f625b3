import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MoveForm, validateMove } from './move-form';

const roles = [{ value: 'formation', label: 'formation' }];

describe('MoveForm', () => {
  it('asks for a reason before a refusal, in the field’s words, and sends the code', async () => {
    const user = userEvent.setup();
    const onSubmit = jest.fn();
    render(<MoveForm from="received" to="rejected" roles={roles} submitting={false} onSubmit={onSubmit} onCancel={jest.fn()} />);
    expect(screen.getByRole('heading', { name: 'Refuser' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Confirmer : Refuser' }));
    expect(screen.getByText('Choisissez un motif.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Motif (obligatoire)'));
    expect(onSubmit).not.toHaveBeenCalled();
    await user.selectOptions(screen.getByLabelText('Motif (obligatoire)'), 'Autre (préciser en commentaire)');
    await user.click(screen.getByRole('button', { name: 'Confirmer : Refuser' }));
    expect(screen.getByText('Précisez le motif « autre » dans le commentaire.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Commentaire (obligatoire)'));
    await user.keyboard('La personne a déménagé hors du département{Tab}{Enter}');
    expect(onSubmit).toHaveBeenCalledWith({ status: 'rejected', reasonCode: 'autre', comment: 'La personne a déménagé hors du département' });
  });

  it('closes with an outcome, its summary and the next step', async () => {
    const user = userEvent.setup();
    const onSubmit = jest.fn();
    render(<MoveForm from="in-progress" to="completed" roles={roles} submitting={false} onSubmit={onSubmit} onCancel={jest.fn()} />);
    await user.click(screen.getByRole('button', { name: 'Confirmer : Clôturer' }));
    expect(screen.getByText('Indiquez l’autonomie gagnée par la personne.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Aucune autonomie gagnée'));
    await user.click(screen.getByLabelText('Autonomie partielle'));
    expect(screen.getByLabelText<HTMLInputElement>('Autonomie partielle').checked).toBe(true);
    await user.click(screen.getByLabelText(/Bilan pour la structure orienteuse/));
    await user.keyboard('Deux ateliers suivis');
    await user.selectOptions(screen.getByLabelText('Prochaine étape conseillée (facultatif)'), 'formation');
    await user.click(screen.getByRole('button', { name: 'Confirmer : Clôturer' }));
    expect(onSubmit).toHaveBeenCalledWith({ status: 'completed', outcome: { autonomyGained: 'partiel', summary: 'Deux ateliers suivis', nextStep: 'formation' } });
  });

  it('labels the moves with the field’s words', () => {
    render(<MoveForm from="on-hold" to="in-progress" roles={roles} submitting={false} onSubmit={jest.fn()} onCancel={jest.fn()} />);
    expect(screen.getByRole('heading', { name: 'Reprendre l’accompagnement' })).toBeTruthy();
  });
});

describe('validateMove', () => {
  const empty = { reasonCode: '', comment: '', redirectToServiceId: '', autonomyGained: '' };
  it('needs a new service to redirect, and no reason to acknowledge', () => {
    expect(validateMove('redirected', empty)).toEqual({ redirectToServiceId: 'Choisissez le service vers lequel réorienter.' });
    expect(validateMove('received', empty)).toEqual({});
    expect(validateMove('failed', empty)).toHaveProperty('reasonCode');
  });
});

describe('MoveForm with the API’s reason codes', () => {
  it('offers the codes the API lists and follows its « required »', async () => {
    const user = userEvent.setup();
    const onSubmit = jest.fn();
    render(<MoveForm from="in-progress" to="on-hold" roles={roles} reasons={{ status: 'on-hold', required: true, codes: ['attente-de-la-personne'] }} submitting={false} onSubmit={onSubmit} onCancel={jest.fn()} />);
    const select = screen.getByLabelText<HTMLSelectElement>('Motif (obligatoire)');
    expect([...select.options].map((option) => option.value)).toEqual(['', 'attente-de-la-personne']);
    await user.click(screen.getByRole('button', { name: 'Confirmer : Mettre en attente' }));
    expect(onSubmit).not.toHaveBeenCalled();
    await user.selectOptions(select, 'attente-de-la-personne');
    await user.click(screen.getByRole('button', { name: 'Confirmer : Mettre en attente' }));
    expect(onSubmit).toHaveBeenCalledWith({ status: 'on-hold', reasonCode: 'attente-de-la-personne' });
  });
});
