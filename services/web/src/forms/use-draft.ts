import { useCallback, useEffect, useState } from 'react';

/**
 * A form's state kept in sessionStorage as it is typed: when the session expires and the agent signs in
 * again (a full-page redirect), the form comes back as it was, with the person still at the desk.
 */
export function useDraft<T extends object>(key: string, initial: T): [T, (next: T | ((previous: T) => T)) => void, () => void] {
  const storageKey = `relais:draft:${key}`;
  const [value, setValue] = useState<T>(() => {
    try {
      const stored = window.sessionStorage.getItem(storageKey);
      return stored ? { ...initial, ...(JSON.parse(stored) as Partial<T>) } : initial;
    } catch {
      return initial;
    }
  });
  useEffect(() => {
    try {
      window.sessionStorage.setItem(storageKey, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the form still works, it just will not survive a sign-in.
    }
  }, [storageKey, value]);
  const clear = useCallback(() => window.sessionStorage.removeItem(storageKey), [storageKey]);
  return [value, setValue, clear];
}
