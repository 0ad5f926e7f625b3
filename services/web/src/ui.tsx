import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { useEffect, useRef, type ReactNode } from 'react';
import { messageOf, ApiError } from './api/problem';
import { label, statusLabels, statusSeverity, type ReferralStatus } from './labels';

/** A page's title: sets the document title too (RGAA: each page has a relevant title) and takes focus on arrival. */
export function PageTitle({ children, text }: { children?: ReactNode; text: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${text} — Relais`;
    ref.current?.focus();
  }, [text]);
  return (
    <h1 ref={ref} tabIndex={-1} className="relais-page-title">
      {children ?? text}
    </h1>
  );
}

export function Loading({ what = 'Chargement' }: { what?: string }) {
  return (
    <p role="status" aria-live="polite" className="relais-loading">
      <span className="fr-icon-refresh-line fr-mr-1w" aria-hidden="true" />
      {what}…
    </p>
  );
}

export function ErrorMessage({ error, title = 'Une erreur est survenue' }: { error: unknown; title?: string }) {
  const fieldErrors = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <Alert
      severity="error"
      title={title}
      className="fr-mb-3w"
      description={
        <>
          <span role="alert">{messageOf(error)}</span>
          {fieldErrors.length > 0 && (
            <ul>
              {fieldErrors.map((text) => (
                <li key={text}>{text}</li>
              ))}
            </ul>
          )}
        </>
      }
    />
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="fr-text--lg relais-empty">{children}</p>;
}

export function StatusBadge({ status }: { status: string }) {
  const known = status in statusLabels;
  return (
    <Badge as="span" small severity={known ? statusSeverity[status as ReferralStatus] : 'info'} noIcon>
      {label(statusLabels, status)}
    </Badge>
  );
}

/** A fresh key per submitted form: a retry of the same submission reuses it, a new submission gets another. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
