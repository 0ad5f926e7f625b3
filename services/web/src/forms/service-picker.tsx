import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { searchServices } from '../api/directory';

/** Finds a service that receives referrals through Relais, by words of its name or structure. */
export function ServicePicker({ id, value, onChange, error }: { id: string; value: string; onChange: (serviceId: string) => void; error?: string | undefined }) {
  const [text, setText] = useState('');
  const results = useQuery({
    queryKey: ['service-picker', text],
    queryFn: () => searchServices({ q: text, acceptsReferrals: true }, null),
    enabled: text.trim().length >= 3,
  });
  return (
    <fieldset className={`fr-fieldset ${error ? 'fr-fieldset--error' : ''}`}>
      <legend className="fr-fieldset__legend">Nouveau service destinataire</legend>
      <div className="fr-fieldset__element fr-input-group">
        <label className="fr-label" htmlFor={id}>
          Chercher par nom (3 lettres au moins)
        </label>
        <input id={id} className="fr-input" type="search" value={text} onChange={(event) => setText(event.target.value)} aria-describedby={error ? `${id}-error` : undefined} />
      </div>
      {results.data && results.data.items.length === 0 && <p className="fr-fieldset__element">Aucun service trouvé.</p>}
      {results.data?.items.map((service) => (
        <div key={service.id} className="fr-fieldset__element">
          <div className="fr-radio-group">
            <input type="radio" id={`${id}-${service.id}`} name={id} checked={value === service.id} onChange={() => onChange(service.id)} />
            <label className="fr-label" htmlFor={`${id}-${service.id}`}>
              {service.name} — {service.structureName}
            </label>
          </div>
        </div>
      ))}
      {error && (
        <p id={`${id}-error`} className="fr-error-text fr-fieldset__element">
          {error}
        </p>
      )}
    </fieldset>
  );
}
