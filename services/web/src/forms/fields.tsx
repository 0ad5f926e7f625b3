import type { ReactNode } from 'react';

/** A DSFR text input with its label, hint and error wired for screen readers (aria-describedby, aria-invalid). */
export function TextField({ id, label, hint, error, value, onChange, type = 'text', autoComplete, required, multiline }: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  autoComplete?: string;
  required?: boolean;
  multiline?: boolean;
}) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, className: `fr-input ${error ? 'fr-input--error' : ''}`, value, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, required };
  return (
    <div className={`fr-input-group ${error ? 'fr-input-group--error' : ''}`}>
      <label className="fr-label" htmlFor={id}>
        {label}
        {hint && (
          <span id={`${id}-hint`} className="fr-hint-text">
            {hint}
          </span>
        )}
      </label>
      {multiline ? (
        <textarea {...common} rows={4} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input {...common} type={type} autoComplete={autoComplete} onChange={(event) => onChange(event.target.value)} />
      )}
      {error && (
        <p id={`${id}-error`} className="fr-error-text">
          {error}
        </p>
      )}
    </div>
  );
}

export function SelectField({ id, label, error, value, onChange, options, placeholder }: {
  id: string;
  label: string;
  error?: string | undefined;
  value: string;
  onChange: (value: string) => void;
  /** With `group`, consecutive options of one group go under an optgroup of that name. */
  options: Array<{ value: string; label: string; group?: string }>;
  placeholder?: string;
}) {
  const option = (item: { value: string; label: string }) => (
    <option key={item.value} value={item.value}>
      {item.label}
    </option>
  );
  const groups: Array<{ name: string | undefined; items: typeof options }> = [];
  for (const item of options) {
    const last = groups[groups.length - 1];
    if (last && last.name === item.group) last.items.push(item);
    else groups.push({ name: item.group, items: [item] });
  }
  return (
    <div className={`fr-select-group ${error ? 'fr-select-group--error' : ''}`}>
      <label className="fr-label" htmlFor={id}>
        {label}
      </label>
      <select id={id} className={`fr-select ${error ? 'fr-select--error' : ''}`} value={value} onChange={(event) => onChange(event.target.value)} aria-describedby={error ? `${id}-error` : undefined} aria-invalid={error ? true : undefined}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {groups.map((group, index) =>
          group.name === undefined ? (
            group.items.map(option)
          ) : (
            <optgroup key={`${group.name}-${index}`} label={group.name}>
              {group.items.map(option)}
            </optgroup>
          ),
        )}
      </select>
      {error && (
        <p id={`${id}-error`} className="fr-error-text">
          {error}
        </p>
      )}
    </div>
  );
}

export function CheckboxField({ id, label, hint, checked, onChange, error }: { id: string; label: ReactNode; hint?: string; checked: boolean; onChange: (checked: boolean) => void; error?: string | undefined }) {
  return (
    <div className={`fr-checkbox-group ${error ? 'fr-checkbox-group--error' : ''}`}>
      <input type="checkbox" id={id} checked={checked} onChange={(event) => onChange(event.target.checked)} aria-describedby={error ? `${id}-error` : undefined} />
      <label className="fr-label" htmlFor={id}>
        {label}
        {hint && <span className="fr-hint-text">{hint}</span>}
      </label>
      {error && (
        <p id={`${id}-error`} className="fr-error-text">
          {error}
        </p>
      )}
    </div>
  );
}
