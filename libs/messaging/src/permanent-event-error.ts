/**
 * Thrown by a handler when trying again cannot help (the event contradicts the state, refers to
 * something that will never exist…): the event goes straight to the dead-letter topic instead of
 * through the retries. Any other error counts as transient.
 */
export class PermanentEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentEventError';
  }
}
