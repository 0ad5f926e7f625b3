import { Injectable } from '@nestjs/common';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock } from '@relais/platform';
import { NO_NETWORK } from '../projections/rollups';
import { suppress } from './suppression';

export const openDataIndicators = ['orientations', 'diagnostics'] as const;

export interface OpenDataRow {
  mois: string;
  reseau: string;
  commune: string;
  indicateur: string;
  valeur: number | null;
  secret: boolean;
}

export const openDataColumns = ['mois', 'reseau', 'commune', 'indicateur', 'valeur', 'secret'] as const;

/** The Table Schema (Frictionless) of the file, as data.gouv.fr and validata read it. */
export const referralsMonthlySchema = {
  $schema: 'https://specs.frictionlessdata.io/schemas/table-schema.json',
  name: 'relais-orientations-mensuelles',
  title: 'Orientations et diagnostics par mois, réseau local et commune',
  description:
    "Format long. Une ligne par mois, réseau local, commune et indicateur ; la commune vide désigne le total du réseau. Les valeurs de 1 à 4 sont masquées (valeur vide, secret vrai), ainsi que d'autres choisies pour qu'aucune valeur masquée ne puisse être recalculée à partir des totaux. Seuls les mois terminés sont publiés.",
  licenses: [{ name: 'etalab-2.0', title: 'Licence Ouverte / Open Licence version 2.0', path: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence' }],
  missingValues: [''],
  fields: [
    { name: 'mois', type: 'yearmonth', description: 'Mois civil (AAAA-MM), heure de Paris', constraints: { required: true } },
    { name: 'reseau', type: 'string', description: 'Nom du réseau local (les orientations comptent pour le réseau du service destinataire)', constraints: { required: true } },
    {
      name: 'commune',
      type: 'string',
      description: "Code INSEE de la commune : de la structure qui oriente (orientations), de la personne (diagnostics) ; vide pour le total du réseau ; « inconnue » si la structure n'a pas de commune",
      constraints: { pattern: '^(\\d{5}|2[AB]\\d{3}|inconnue)?$' },
    },
    { name: 'indicateur', type: 'string', description: 'orientations : orientations envoyées ; diagnostics : diagnostics terminés', constraints: { required: true, enum: [...openDataIndicators] } },
    { name: 'valeur', type: 'integer', description: 'Nombre ; vide quand la cellule est soumise au secret statistique', constraints: { minimum: 0 } },
    { name: 'secret', type: 'boolean', description: 'Vrai quand la valeur est masquée (secret statistique)', constraints: { required: true } },
  ],
  primaryKey: ['mois', 'reseau', 'commune', 'indicateur'],
} as const;

/**
 * The monthly open data: counts per network and commune for the months that are over (a month still running
 * would let two downloads be subtracted), with primary and secondary suppression (suppression.ts).
 */
@Injectable()
export class OpenDataService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly clock: Clock,
  ) {}

  async referralsMonthly(): Promise<OpenDataRow[]> {
    const rows = await this.txHost.tx.query<Array<{ month: string; network: string; commune_code: string; indicator: string; n: string }>>(
      `SELECT to_char(c.month, 'YYYY-MM') AS month, n.name AS network, c.commune_code, c.indicator, c.n
         FROM commune_monthly c JOIN directory_networks n ON n.network_id = c.network_id
        WHERE c.month < date_trunc('month', ($1::timestamptz AT TIME ZONE 'Europe/Paris')) AND c.network_id <> $2 AND c.n > 0
          AND c.indicator = ANY($3::text[])
        ORDER BY 1, 2, 4, 3`,
      [this.clock.now(), NO_NETWORK, [...openDataIndicators]],
    );
    const cells: Array<{ group: string; isTotal: boolean; value: number; row: Omit<OpenDataRow, 'valeur' | 'secret'> }> = [];
    const totals = new Map<string, { value: number; row: Omit<OpenDataRow, 'valeur' | 'secret'> }>();
    for (const row of rows) {
      const group = `${row.month}|${row.network}|${row.indicator}`;
      const value = Number(row.n);
      cells.push({ group, isTotal: false, value, row: { mois: row.month, reseau: row.network, commune: row.commune_code, indicateur: row.indicator } });
      const total = totals.get(group) ?? { value: 0, row: { mois: row.month, reseau: row.network, commune: '', indicateur: row.indicator } };
      total.value += value;
      totals.set(group, total);
    }
    for (const [group, total] of totals) cells.push({ group, isTotal: true, value: total.value, row: total.row });
    return suppress(cells)
      .map((cell) => ({ ...cell.row, valeur: cell.secret ? null : cell.value, secret: cell.secret }))
      .sort((a, b) => a.mois.localeCompare(b.mois) || a.reseau.localeCompare(b.reseau) || a.indicateur.localeCompare(b.indicateur) || a.commune.localeCompare(b.commune));
  }
}

/** RFC 4180 CSV, comma-separated, UTF-8, a header line; fields quoted when they need it. */
export function toCsv(rows: OpenDataRow[]): string {
  const quote = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const lines = [openDataColumns.join(',')];
  for (const row of rows) {
    lines.push([row.mois, row.reseau, row.commune, row.indicateur, row.valeur === null ? '' : String(row.valeur), row.secret ? 'true' : 'false'].map(quote).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
