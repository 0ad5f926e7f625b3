import { Button } from '@codegouvfr/react-dsfr/Button';
import { Stepper } from '@codegouvfr/react-dsfr/Stepper';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { consentMethodLabels, consentScopeLabels, contactLabels } from '../labels';
import type { Term } from '../vocabularies';
import { CheckboxField, SelectField, TextField } from './fields';
import { validateReferralStep, type ReferralDraft, type ReferralStep } from './referral-form';

const steps: Array<{ id: ReferralStep; title: string }> = [
  { id: 'person', title: 'La personne' },
  { id: 'need', title: 'Le besoin' },
  { id: 'consent', title: 'L’accord de la personne' },
];

export interface SendReferralFormProps {
  draft: ReferralDraft;
  setDraft: (update: (previous: ReferralDraft) => ReferralDraft) => void;
  serviceName: string;
  structureName: string;
  thematiques: Term[];
  submitting: boolean;
  onSubmit: () => void;
}

/**
 * Sending a referral in three steps: the person, the need, then the consent text the agent reads to the
 * person (what is shared, with whom, until when, how the accord is obtained). Nothing is sent before the
 * last step; each step says what is missing, and focus goes to the first field to fix.
 */
export function SendReferralForm({ draft, setDraft, serviceName, structureName, thematiques, submitting, onSubmit }: SendReferralFormProps) {
  const [stepIndex, setStepIndex] = useState(0);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const moved = useRef(false);
  // On a new step (not on first display), the first field takes focus: keyboard and screen-reader users start there.
  useEffect(() => {
    if (moved.current) formRef.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, [stepIndex]);
  const step = steps[Math.min(stepIndex, steps.length - 1)] ?? { id: 'person' as const, title: 'La personne' };
  const set = <K extends keyof ReferralDraft>(key: K) => (value: ReferralDraft[K]) => setDraft((previous) => ({ ...previous, [key]: value }));

  const next = (event: FormEvent) => {
    event.preventDefault();
    const found = validateReferralStep(step.id, draft);
    setErrors(found);
    const first = Object.keys(found)[0];
    if (first) {
      formRef.current?.querySelector<HTMLElement>(`#${first}`)?.focus();
      return;
    }
    if (stepIndex < steps.length - 1) {
      moved.current = true;
      setStepIndex(stepIndex + 1);
    } else {
      onSubmit();
    }
  };

  const shared = [draft.shareContact && 'contact', draft.shareReason && 'reason', draft.shareAssessment && draft.assessmentId && 'assessment', draft.shareJourney && 'journey'].filter((s): s is string => Boolean(s));

  return (
    <form ref={formRef} onSubmit={next} noValidate aria-label="Orienter la personne">
      <Stepper currentStep={stepIndex + 1} stepCount={steps.length} title={step.title} nextTitle={steps[stepIndex + 1]?.title} />
      {Object.keys(errors).length > 0 && (
        <p className="fr-error-text fr-mb-2w" role="alert">
          {Object.keys(errors).length === 1 ? 'Un champ est à corriger.' : `${Object.keys(errors).length} champs sont à corriger.`}
        </p>
      )}

      {step.id === 'person' && (
        <>
          <fieldset className="fr-fieldset">
            <legend className="fr-fieldset__legend">La personne est-elle déjà connue de Relais ?</legend>
            {(['new', 'existing'] as const).map((mode) => (
              <div key={mode} className="fr-fieldset__element">
                <div className="fr-radio-group">
                  <input type="radio" id={`personMode-${mode}`} name="personMode" checked={draft.personMode === mode} onChange={() => set('personMode')(mode)} />
                  <label className="fr-label" htmlFor={`personMode-${mode}`}>
                    {mode === 'new' ? 'Non, je la saisis' : 'Oui, j’ai sa référence Relais'}
                  </label>
                </div>
              </div>
            ))}
          </fieldset>
          {draft.personMode === 'existing' ? (
            <TextField id="personReference" label="Référence de la personne" hint="Exemple : p-abcdefghijklmnopqrstuvwxyz" value={draft.personReference} onChange={set('personReference')} error={errors['personReference']} autoComplete="off" />
          ) : (
            <div className="fr-grid-row fr-grid-row--gutters">
              <div className="fr-col-12 fr-col-md-6">
                <TextField id="firstName" label="Prénom" value={draft.firstName} onChange={set('firstName')} error={errors['firstName']} autoComplete="off" required />
              </div>
              <div className="fr-col-12 fr-col-md-6">
                <TextField id="lastName" label="Nom" value={draft.lastName} onChange={set('lastName')} error={errors['lastName']} autoComplete="off" required />
              </div>
              <div className="fr-col-12 fr-col-md-4">
                <TextField id="birthDate" type="date" label="Date de naissance (facultatif)" value={draft.birthDate} onChange={set('birthDate')} error={errors['birthDate']} />
              </div>
              <div className="fr-col-12 fr-col-md-4">
                <TextField id="phone" type="tel" label="Téléphone" hint="Exemple : 06 12 34 56 78" value={draft.phone} onChange={set('phone')} error={errors['phone']} autoComplete="off" />
              </div>
              <div className="fr-col-12 fr-col-md-4">
                <TextField id="email" type="email" label="Courriel" hint="Exemple : nom@domaine.fr" value={draft.email} onChange={set('email')} error={errors['email']} autoComplete="off" />
              </div>
              <div className="fr-col-12">
                <SelectField id="contactPreference" label="Comment préfère-t-elle être contactée ?" value={draft.contactPreference} onChange={set('contactPreference')} options={Object.entries(contactLabels).map(([value, text]) => ({ value, label: text }))} />
              </div>
            </div>
          )}
        </>
      )}

      {step.id === 'need' && (
        <>
          <SelectField id="need" label="Besoin (thématique)" placeholder="Choisir un besoin" value={draft.need} onChange={set('need')} error={errors['need']} options={needOptions(thematiques)} />
          <TextField id="reason" multiline label="Motif de l’orientation" hint="Ce que la personne attend, ce qui a déjà été fait. Visible de la structure destinataire si la personne l’accepte." value={draft.reason} onChange={set('reason')} error={errors['reason']} />
          <fieldset className="fr-fieldset">
            <legend className="fr-fieldset__legend">Urgence</legend>
            {(['normal', 'urgent'] as const).map((urgency) => (
              <div key={urgency} className="fr-fieldset__element fr-fieldset__element--inline">
                <div className="fr-radio-group">
                  <input type="radio" id={`urgency-${urgency}`} name="urgency" checked={draft.urgency === urgency} onChange={() => set('urgency')(urgency)} />
                  <label className="fr-label" htmlFor={`urgency-${urgency}`}>
                    {urgency === 'normal' ? 'Normale' : 'Urgente (une échéance proche)'}
                  </label>
                </div>
              </div>
            ))}
          </fieldset>
          {draft.assessmentId && <p className="fr-text--sm">Le diagnostic réalisé sera joint à l’orientation si la personne l’accepte.</p>}
        </>
      )}

      {step.id === 'consent' && (
        <>
          <div className="fr-callout relais-consent-text">
            <h3 className="fr-callout__title fr-h5">À lire à la personne</h3>
            <p className="fr-callout__text">
              « Je vous propose d’être accompagné·e par <strong>{serviceName}</strong> ({structureName}). Pour qu’ils puissent vous aider, je vais leur transmettre{' '}
              {shared.length > 0 ? shared.map((scope) => consentScopeLabels[scope]).join(', ') : 'uniquement votre référence, sans votre nom'}.
              {' '}Ces informations ne seront partagées qu’avec {draft.shareWithRedirects ? 'ce service et ceux vers qui il pourrait vous réorienter' : 'ce service'}
              {draft.consentExpiresAt ? `, jusqu’au ${new Date(draft.consentExpiresAt).toLocaleDateString('fr-FR')}` : ', le temps de votre accompagnement'}.
              {' '}Vous pouvez retirer votre accord à tout moment, auprès de nous ou d’eux. Êtes-vous d’accord ? »
            </p>
          </div>
          <fieldset className="fr-fieldset">
            <legend className="fr-fieldset__legend">Ce qui est partagé avec la structure destinataire</legend>
            <div className="fr-fieldset__element">
              <CheckboxField id="shareContact" label="Ses coordonnées" checked={draft.shareContact} onChange={set('shareContact')} error={errors['shareContact']} />
            </div>
            <div className="fr-fieldset__element">
              <CheckboxField id="shareReason" label="Le motif de l’orientation" checked={draft.shareReason} onChange={set('shareReason')} />
            </div>
            {draft.assessmentId && (
              <div className="fr-fieldset__element">
                <CheckboxField id="shareAssessment" label="Le résultat de son diagnostic" checked={draft.shareAssessment} onChange={set('shareAssessment')} />
              </div>
            )}
            <div className="fr-fieldset__element">
              <CheckboxField id="shareJourney" label="Cette étape dans son parcours, visible de ses autres aidants" checked={draft.shareJourney} onChange={set('shareJourney')} />
            </div>
            <div className="fr-fieldset__element">
              <CheckboxField id="shareWithRedirects" label="Aussi avec les structures vers qui elle serait réorientée" checked={draft.shareWithRedirects} onChange={set('shareWithRedirects')} />
            </div>
          </fieldset>
          <div className="fr-grid-row fr-grid-row--gutters">
            <div className="fr-col-12 fr-col-md-6">
              <SelectField id="consentMethod" label="Accord recueilli" value={draft.consentMethod} onChange={set('consentMethod')} options={Object.entries(consentMethodLabels).map(([value, text]) => ({ value, label: text }))} />
            </div>
            <div className="fr-col-12 fr-col-md-6">
              <TextField id="consentExpiresAt" type="date" label="Jusqu’au (facultatif)" value={draft.consentExpiresAt} onChange={set('consentExpiresAt')} error={errors['consentExpiresAt']} />
            </div>
          </div>
          <CheckboxField id="consentRead" label="J’ai lu ce texte à la personne et elle est d’accord." checked={draft.consentRead} onChange={set('consentRead')} error={errors['consentRead']} />
        </>
      )}

      <div className="relais-actions fr-mt-3w">
        {stepIndex > 0 && (
          <Button type="button" priority="secondary" onClick={() => { setErrors({}); moved.current = true; setStepIndex(stepIndex - 1); }}>
            Étape précédente
          </Button>
        )}
        <Button type="submit" disabled={submitting}>
          {stepIndex < steps.length - 1 ? 'Continuer' : submitting ? 'Envoi…' : 'Envoyer l’orientation'}
        </Button>
      </div>
    </form>
  );
}

/** A referral's need is one thématique (not a category): each under its category's name. */
function needOptions(thematiques: Term[]): Array<{ value: string; label: string; group?: string }> {
  const categories = new Map(thematiques.filter((term) => !term.parent).map((term) => [term.value, term.label]));
  return thematiques.filter((term) => term.parent).map((term) => ({ value: term.value, label: term.label, group: categories.get(term.parent ?? '') ?? term.parent }));
}
