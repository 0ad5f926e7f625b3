import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState, type FormEvent } from 'react';
import type { MoveReasons, TransitionBody } from '../api/referral';
import { autonomyLabels, label, moveLabel, reasonCodesByMove, reasonLabels, reasonRequired } from '../labels';
import type { Term } from '../vocabularies';
import { ServicePicker } from './service-picker';

export interface MoveFormProps {
  from: string;
  to: string;
  roles: Term[];
  /** The reasons of this move from the API; absent (older API, still loading), the documented lists. */
  reasons?: MoveReasons | undefined;
  submitting: boolean;
  onSubmit: (body: TransitionBody) => void;
  onCancel: () => void;
}

/** What one move needs before it is sent: a reason (required for a refusal or a failure), a comment, the outcome, the new service. */
export function validateMove(to: string, values: { reasonCode: string; comment: string; redirectToServiceId: string; autonomyGained: string }, required = reasonRequired.has(to)): Record<string, string> {
  const errors: Record<string, string> = {};
  if (required && !values.reasonCode) errors['reasonCode'] = 'Choisissez un motif.';
  if (values.reasonCode === 'autre' && !values.comment.trim()) errors['comment'] = 'Précisez le motif « autre » dans le commentaire.';
  if (to === 'redirected' && !values.redirectToServiceId) errors['redirectToServiceId'] = 'Choisissez le service vers lequel réorienter.';
  if (to === 'completed' && !values.autonomyGained) errors['autonomyGained'] = 'Indiquez l’autonomie gagnée par la personne.';
  return errors;
}

export function MoveForm({ from, to, roles, reasons: fromApi, submitting, onSubmit, onCancel }: MoveFormProps) {
  const [values, setValues] = useState({ reasonCode: '', comment: '', redirectToServiceId: '', autonomyGained: '', summary: '', nextStep: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const reasons = fromApi?.codes ?? reasonCodesByMove[to] ?? [];
  const required = fromApi?.required ?? reasonRequired.has(to);
  const set = (key: keyof typeof values) => (value: string) => setValues((previous) => ({ ...previous, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateMove(to, values, required);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      document.getElementById(`move-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    onSubmit({
      status: to,
      ...(values.reasonCode ? { reasonCode: values.reasonCode } : {}),
      ...(values.comment.trim() ? { comment: values.comment.trim() } : {}),
      ...(to === 'redirected' ? { redirectToServiceId: values.redirectToServiceId } : {}),
      ...(to === 'completed'
        ? { outcome: { autonomyGained: values.autonomyGained, ...(values.summary.trim() ? { summary: values.summary.trim() } : {}), ...(values.nextStep ? { nextStep: values.nextStep } : {}) } }
        : {}),
    });
  };

  return (
    <form className="relais-move-form" onSubmit={submit} noValidate aria-labelledby="move-title">
      <h3 id="move-title" className="fr-h5">
        {moveLabel(from, to)}
      </h3>
      {reasons.length > 0 && (
        <div className={`fr-select-group ${errors['reasonCode'] ? 'fr-select-group--error' : ''}`}>
          <label className="fr-label" htmlFor="move-reasonCode">
            Motif {required ? '(obligatoire)' : '(facultatif)'}
          </label>
          <select id="move-reasonCode" className="fr-select" value={values.reasonCode} onChange={(event) => set('reasonCode')(event.target.value)} aria-describedby={errors['reasonCode'] ? 'move-reasonCode-error' : undefined}>
            <option value="">Choisir un motif</option>
            {reasons.map((code) => (
              <option key={code} value={code}>
                {label(reasonLabels, code)}
              </option>
            ))}
          </select>
          {errors['reasonCode'] && (
            <p id="move-reasonCode-error" className="fr-error-text">
              {errors['reasonCode']}
            </p>
          )}
        </div>
      )}
      {to === 'redirected' && (
        <ServicePicker id="move-redirectToServiceId" value={values.redirectToServiceId} onChange={set('redirectToServiceId')} error={errors['redirectToServiceId']} />
      )}
      {to === 'completed' && (
        <>
          <fieldset className={`fr-fieldset ${errors['autonomyGained'] ? 'fr-fieldset--error' : ''}`} aria-describedby={errors['autonomyGained'] ? 'move-autonomyGained-error' : undefined}>
            <legend className="fr-fieldset__legend">Autonomie gagnée par la personne</legend>
            {Object.entries(autonomyLabels).map(([code, text], index) => (
              <div key={code} className="fr-fieldset__element">
                <div className="fr-radio-group">
                  <input type="radio" id={index === 0 ? 'move-autonomyGained' : `move-autonomy-${code}`} name="autonomyGained" value={code} checked={values.autonomyGained === code} onChange={() => set('autonomyGained')(code)} />
                  <label className="fr-label" htmlFor={index === 0 ? 'move-autonomyGained' : `move-autonomy-${code}`}>
                    {text}
                  </label>
                </div>
              </div>
            ))}
            {errors['autonomyGained'] && (
              <p id="move-autonomyGained-error" className="fr-error-text">
                {errors['autonomyGained']}
              </p>
            )}
          </fieldset>
          <div className="fr-input-group">
            <label className="fr-label" htmlFor="move-summary">
              Bilan pour la structure orienteuse <span className="fr-hint-text">Ce qui a été fait ; visible de la structure qui a orienté.</span>
            </label>
            <textarea id="move-summary" className="fr-input" rows={3} maxLength={2000} value={values.summary} onChange={(event) => set('summary')(event.target.value)} />
          </div>
          <div className="fr-select-group">
            <label className="fr-label" htmlFor="move-nextStep">
              Prochaine étape conseillée (facultatif)
            </label>
            <select id="move-nextStep" className="fr-select" value={values.nextStep} onChange={(event) => set('nextStep')(event.target.value)}>
              <option value="">Aucune</option>
              {roles.map((role) => (
                <option key={role.value} value={role.value}>
                  {role.label}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      <div className={`fr-input-group ${errors['comment'] ? 'fr-input-group--error' : ''}`}>
        <label className="fr-label" htmlFor="move-comment">
          Commentaire {values.reasonCode === 'autre' ? '(obligatoire)' : '(facultatif)'}
        </label>
        <textarea id="move-comment" className="fr-input" rows={2} maxLength={2000} value={values.comment} onChange={(event) => set('comment')(event.target.value)} aria-describedby={errors['comment'] ? 'move-comment-error' : undefined} />
        {errors['comment'] && (
          <p id="move-comment-error" className="fr-error-text">
            {errors['comment']}
          </p>
        )}
      </div>
      <div className="relais-actions">
        <Button type="submit" disabled={submitting}>
          {submitting ? 'Envoi…' : `Confirmer : ${moveLabel(from, to)}`}
        </Button>
        <Button type="button" priority="secondary" onClick={onCancel}>
          Revenir
        </Button>
      </div>
    </form>
  );
}
