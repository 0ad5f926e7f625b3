/** An RFC 9457 problem as the services answer it (libs/platform), with the fields the workspace reads. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ field?: string; message?: string; property?: string; constraints?: Record<string, string> } | string>;
  [member: string]: unknown;
}

const byStatus: Record<number, string> = {
  400: 'La demande est incomplète ou mal formée.',
  401: 'Votre session a expiré : reconnectez-vous.',
  403: 'Votre compte ne permet pas cette action.',
  404: 'Cet élément est introuvable, ou vous n’y avez pas accès.',
  409: 'Cette action n’est plus possible : la situation a changé entre-temps.',
  422: 'La demande ne peut pas être traitée telle quelle.',
  429: 'Trop de demandes en peu de temps : réessayez dans un instant.',
  502: 'Un service de Relais ne répond pas : réessayez dans un instant.',
  503: 'Relais est momentanément indisponible : réessayez dans un instant.',
};

/** The error the workspace shows: the problem's own words first (its detail and each field's message). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(readableMessage(status, problem));
    this.name = 'ApiError';
  }

  /** Per-field messages of a 400, when the service listed them. */
  get fieldErrors(): string[] {
    return (this.problem?.errors ?? []).map(errorText).filter((text) => text !== '');
  }
}

function errorText(error: NonNullable<Problem['errors']>[number]): string {
  if (typeof error === 'string') return error;
  const field = error.field ?? error.property;
  const message = error.message ?? Object.values(error.constraints ?? {}).join(', ');
  return field ? `${field} : ${message}` : message;
}

export function readableMessage(status: number, problem: Problem | null): string {
  const detail = problem?.detail?.trim() || problem?.title?.trim();
  return detail || byStatus[status] || `Erreur inattendue (HTTP ${status}).`;
}

/** What to show for any error thrown while loading or sending. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'Relais est injoignable : vérifiez la connexion réseau puis réessayez.';
  return error instanceof Error ? error.message : 'Erreur inattendue.';
}
