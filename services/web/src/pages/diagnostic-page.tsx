import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { questionnaireQuery, submitAssessment, type Answer, type Assessment, type Question, type Questionnaire } from '../api/diagnostic';
import { answersToSend, questionError } from '../forms/diagnostic-answers';
import { CheckboxField, SelectField, TextField } from '../forms/fields';
import { useDraft } from '../forms/use-draft';
import { consentMethodLabels, formatDate } from '../labels';
import { ErrorMessage, Loading, newIdempotencyKey, PageTitle } from '../ui';

interface DiagnosticDraft {
  started: boolean;
  personRef: string;
  communeCode: string;
  consentGiven: boolean;
  consentMethod: string;
  index: number;
  answers: Record<string, Answer>;
  idempotencyKey: string;
}

const emptyDraft = (): DiagnosticDraft => ({ started: false, personRef: '', communeCode: '', consentGiven: false, consentMethod: 'oral', index: 0, answers: {}, idempotencyKey: newIdempotencyKey() });

export function DiagnosticPage() {
  const questionnaire = useQuery(questionnaireQuery);
  if (questionnaire.isPending) return <Loading what="Chargement du questionnaire" />;
  if (questionnaire.isError)
    return (
      <>
        <PageTitle text="Diagnostic numérique" />
        <ErrorMessage error={questionnaire.error} />
      </>
    );
  return <DiagnosticRun questionnaire={questionnaire.data} />;
}

function DiagnosticRun({ questionnaire }: { questionnaire: Questionnaire }) {
  const [draft, setDraft, clearDraft] = useDraft<DiagnosticDraft>(`diagnostic:${questionnaire.version}`, emptyDraft());
  const [error, setError] = useState<string | null>(null);
  const [startErrors, setStartErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<Assessment | null>(null);
  const questions = questionnaire.sections.flatMap((section) => section.questions.map((question) => ({ section, question })));
  const submit = useMutation({
    mutationFn: () =>
      submitAssessment(
        {
          ...(draft.personRef.trim() ? { personRef: draft.personRef.trim() } : {}),
          communeCode: draft.communeCode.trim(),
          consent: { given: true, method: draft.consentMethod },
          answers: answersToSend(questions.map(({ question }) => question), draft.answers),
          questionnaireVersion: questionnaire.version,
        },
        draft.idempotencyKey,
      ),
    onSuccess: (assessment) => {
      clearDraft();
      setResult(assessment);
    },
  });

  if (result) return <DiagnosticResult assessment={result} onRestart={() => { setDraft(emptyDraft()); setResult(null); }} />;

  if (!draft.started) {
    const start = (event: FormEvent) => {
      event.preventDefault();
      const errors: Record<string, string> = {};
      if (!/^(\d{5}|2[AB]\d{3})$/.test(draft.communeCode.trim())) errors['communeCode'] = 'Indiquez le code INSEE de la commune de la personne (5 caractères, exemple : 56260 pour Vannes).';
      if (draft.personRef.trim() && !/^p-[a-z2-7]{26}$/.test(draft.personRef.trim())) errors['personRef'] = 'La référence commence par « p- » suivi de 26 lettres ou chiffres ; laissez vide pour une nouvelle personne.';
      if (!draft.consentGiven) errors['consentGiven'] = 'Sans l’accord de la personne, le diagnostic n’est pas enregistré.';
      setStartErrors(errors);
      const first = Object.keys(errors)[0];
      if (first) document.getElementById(first)?.focus();
      else setDraft((previous) => ({ ...previous, started: true }));
    };
    return (
      <>
        <PageTitle text="Diagnostic numérique" />
        {Object.keys(draft.answers).length > 0 && <Alert severity="info" small className="fr-mb-2w" description="Un diagnostic commencé a été retrouvé : il reprendra où il s’était arrêté." />}
        <p className="fr-text--lead">{questionnaire.introduction}</p>
        <form onSubmit={start} noValidate aria-label="Avant de commencer">
          <TextField id="communeCode" label="Commune de la personne (code INSEE)" hint="Exemple : 56260 (Vannes). Sert à trouver les services proches." value={draft.communeCode} onChange={(value) => setDraft((d) => ({ ...d, communeCode: value }))} error={startErrors['communeCode']} />
          <TextField id="personRef" label="Référence Relais de la personne (facultatif)" hint="Si elle est déjà connue de votre structure ; sinon une référence sera créée." value={draft.personRef} onChange={(value) => setDraft((d) => ({ ...d, personRef: value }))} error={startErrors['personRef']} autoComplete="off" />
          <SelectField id="consentMethod" label="Accord recueilli" value={draft.consentMethod} onChange={(value) => setDraft((d) => ({ ...d, consentMethod: value }))} options={Object.entries(consentMethodLabels).map(([value, label]) => ({ value, label }))} />
          <CheckboxField id="consentGiven" label="La personne accepte que ses réponses soient enregistrées pour l’orienter." checked={draft.consentGiven} onChange={(value) => setDraft((d) => ({ ...d, consentGiven: value }))} error={startErrors['consentGiven']} />
          <Button type="submit" className="fr-mt-2w">
            {Object.keys(draft.answers).length > 0 ? 'Reprendre le diagnostic' : 'Commencer'}
          </Button>
        </form>
      </>
    );
  }

  const index = Math.min(draft.index, questions.length - 1);
  const current = questions[index];
  if (!current) return null;
  const { section, question } = current;
  const answer = draft.answers[question.id];
  const setAnswer = (value: Answer) => {
    setError(null);
    setDraft((previous) => ({ ...previous, answers: { ...previous.answers, [question.id]: value } }));
  };
  const next = (event: FormEvent) => {
    event.preventDefault();
    const problem = questionError(question, answer);
    setError(problem);
    if (problem) {
      document.getElementById(`${question.id}-0`)?.focus();
      return;
    }
    if (index < questions.length - 1) setDraft((previous) => ({ ...previous, index: index + 1 }));
    else submit.mutate();
  };

  return (
    <>
      <PageTitle text="Diagnostic numérique" />
      <p className="fr-text--sm fr-mb-1v">
        Question {index + 1} sur {questions.length} — {section.title}
      </p>
      <progress className="relais-progress" max={questions.length} value={index + 1} aria-label={`Question ${index + 1} sur ${questions.length}`} />
      {submit.isError && <ErrorMessage error={submit.error} title="Le diagnostic n’a pas été enregistré" />}
      <form onSubmit={next} noValidate key={question.id}>
        <fieldset className={`fr-fieldset ${error ? 'fr-fieldset--error' : ''}`} aria-describedby={[`${question.id}-help`, error ? `${question.id}-error` : ''].filter(Boolean).join(' ')}>
          <legend className="fr-fieldset__legend fr-text--lg">{question.text}</legend>
          {question.help && (
            <p id={`${question.id}-help`} className="fr-fieldset__element fr-hint-text">
              Pour l’agent : {question.help}
            </p>
          )}
          <QuestionInput question={question} answer={answer} onChange={setAnswer} />
          {error && (
            <p id={`${question.id}-error`} className="fr-error-text fr-fieldset__element" role="alert">
              {error}
            </p>
          )}
        </fieldset>
        <div className="relais-actions">
          {index > 0 && (
            <Button type="button" priority="secondary" onClick={() => setDraft((previous) => ({ ...previous, index: index - 1 }))}>
              Question précédente
            </Button>
          )}
          <Button type="submit" disabled={submit.isPending}>
            {index < questions.length - 1 ? 'Question suivante' : submit.isPending ? 'Calcul…' : 'Voir le résultat'}
          </Button>
          <Link className="fr-btn fr-btn--tertiary" to="/">
            Interrompre (reprendre plus tard)
          </Link>
        </div>
      </form>
    </>
  );
}

function QuestionInput({ question, answer, onChange }: { question: Question; answer: Answer | undefined; onChange: (value: Answer) => void }) {
  if (question.kind === 'single') {
    return (
      <>
        {question.options.map((option, i) => (
          <div key={option.value} className="fr-fieldset__element">
            <div className="fr-radio-group">
              <input type="radio" id={`${question.id}-${i}`} name={question.id} checked={answer === option.value} onChange={() => onChange(option.value)} />
              <label className="fr-label" htmlFor={`${question.id}-${i}`}>
                {option.label}
              </label>
            </div>
          </div>
        ))}
      </>
    );
  }
  if (question.kind === 'multiple') {
    const values = (answer as string[] | undefined) ?? [];
    const toggle = (value: string, exclusive: boolean, checked: boolean) => {
      if (!checked) return onChange(values.filter((v) => v !== value));
      const exclusives = question.options.filter((o) => o.exclusive).map((o) => o.value);
      onChange(exclusive ? [value] : [...values.filter((v) => !exclusives.includes(v)), value]);
    };
    return (
      <>
        {question.options.map((option, i) => (
          <div key={option.value} className="fr-fieldset__element">
            <div className="fr-checkbox-group">
              <input type="checkbox" id={`${question.id}-${i}`} checked={values.includes(option.value)} onChange={(event) => toggle(option.value, option.exclusive ?? false, event.target.checked)} />
              <label className="fr-label" htmlFor={`${question.id}-${i}`}>
                {option.label}
              </label>
            </div>
          </div>
        ))}
      </>
    );
  }
  const procedures = (answer as Array<{ procedure: string; deadline: string | null }> | undefined) ?? [];
  const find = (value: string) => procedures.find((p) => p.procedure === value);
  return (
    <>
      {question.options.map((option, i) => {
        const chosen = find(option.value);
        return (
          <div key={option.value} className="fr-fieldset__element relais-procedure">
            <div className="fr-checkbox-group">
              <input
                type="checkbox"
                id={`${question.id}-${i}`}
                checked={Boolean(chosen)}
                onChange={(event) => onChange(event.target.checked ? [...procedures, { procedure: option.value, deadline: null }] : procedures.filter((p) => p.procedure !== option.value))}
              />
              <label className="fr-label" htmlFor={`${question.id}-${i}`}>
                {option.label}
              </label>
            </div>
            {chosen && (
              <div className="fr-input-group relais-deadline">
                <label className="fr-label" htmlFor={`${question.id}-${i}-deadline`}>
                  Date limite (si connue)
                </label>
                <input
                  type="date"
                  className="fr-input"
                  id={`${question.id}-${i}-deadline`}
                  value={chosen.deadline ?? ''}
                  onChange={(event) => onChange(procedures.map((p) => (p.procedure === option.value ? { ...p, deadline: event.target.value || null } : p)))}
                />
              </div>
            )}
          </div>
        );
      })}
    </>
  );
}

function DiagnosticResult({ assessment, onRestart }: { assessment: Assessment; onRestart: () => void }) {
  const orient = (serviceId: string) => `/orienter/${serviceId}?${new URLSearchParams({ ...(assessment.personRef ? { personne: assessment.personRef } : {}), diagnostic: assessment.assessmentId }).toString()}`;
  return (
    <>
      <PageTitle text="Résultat du diagnostic" />
      <p>
        Réalisé le {formatDate(assessment.completedAt)} à {assessment.communeName ?? assessment.communeCode}. Référence de la personne : <code>{assessment.personRef}</code>
        {assessment.personRef && (
          <>
            {' '}
            — <Link to={`/parcours/${assessment.personRef}`}>son parcours</Link>
          </>
        )}
      </p>
      <div className="relais-panel fr-mb-3w">
        <h2 className="fr-h4 fr-mb-1w">Niveau : {assessment.autonomy.label}</h2>
        <ul>
          {assessment.autonomy.explanation.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>
      {assessment.urgentProcedures.length > 0 && (
        <Alert
          severity="warning"
          title="Démarches urgentes"
          className="fr-mb-3w"
          description={
            <ul>
              {assessment.urgentProcedures.map((p) => (
                <li key={p.procedure}>
                  {p.label}
                  {p.deadline ? ` — avant le ${formatDate(p.deadline)}${p.daysLeft != null ? ` (${p.daysLeft} jours)` : ''}` : ''}
                </li>
              ))}
            </ul>
          }
        />
      )}
      <h2 className="fr-h5">Freins</h2>
      {assessment.barriers.length === 0 ? (
        <p>Aucun frein relevé.</p>
      ) : (
        <ul>
          {assessment.barriers.map((b) => (
            <li key={b.barrier}>
              <strong>{b.label}</strong> : {b.reason}
            </li>
          ))}
        </ul>
      )}
      <h2 className="fr-h5">Rôles recommandés</h2>
      <ol>
        {assessment.recommendedRoles.map((r) => (
          <li key={r.role}>
            <strong>{r.label}</strong> : {r.reason}
          </li>
        ))}
      </ol>
      <h2 className="fr-h5">Services proposés</h2>
      {assessment.candidates.length === 0 ? (
        <p>Aucun service à portée : cherchez dans l’annuaire avec un rayon plus large.</p>
      ) : (
        <ol className="relais-cards">
          {assessment.candidates.map((c) => (
            <li key={`${c.role}-${c.serviceId}`} className="relais-card">
              <h3 className="fr-h6 fr-mb-1v">
                <Link to={`/annuaire/services/${c.serviceId}`}>{c.serviceName}</Link>
              </h3>
              <p className="fr-text--sm fr-mb-1v">
                {c.structureName ?? ''}
                {c.distanceKm != null ? ` — ${c.distanceKm.toLocaleString('fr-FR')} km` : ''}
                {c.waitingDays != null ? ` — attente ${c.waitingDays} j` : ''}
              </p>
              <ul className="fr-text--xs relais-why">
                {/* The most important first (docs/diagnostic.md); the rest is on the service's page. */}
                {c.reasons.slice(0, 4).map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
              {c.acceptsRelaisReferrals ? (
                <Link className="fr-btn fr-btn--sm" to={orient(c.serviceId)}>
                  Orienter ici<span className="fr-sr-only"> : {c.serviceName}</span>
                </Link>
              ) : (
                <p className="fr-text--xs">Ne reçoit pas d’orientation par Relais.</p>
              )}
            </li>
          ))}
        </ol>
      )}
      <Button priority="secondary" className="fr-mt-3w" onClick={onRestart}>
        Nouveau diagnostic
      </Button>
    </>
  );
}
