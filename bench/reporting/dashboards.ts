/**
 * What the coordinators' dashboards send (services/web/src/pages/pilotage): each page's requests at once, as the
 * browser does, for a period of a month (last month, whole) or a year (the "12 derniers mois" choice: the first of
 * the month eleven months ago to today), by coordinators of distinct networks in a closed loop; and the floor of
 * the same run: `/health` through the same service and `SELECT 1` on the same database, under the same concurrency.
 */
import { Pool } from 'pg';
import { summarize, type LatencySummary } from '../shared/stats';

type Indicator = 'funnel' | 'delays' | 'continuity' | 'structures' | 'coverage' | 'diagnostic';
type PeriodKind = 'month' | 'year';

/** Each page's reporting requests for the period chosen (`page`), the layout's probe (a funnel) included. */
export const dashboardPages: Record<string, Array<{ indicator: Indicator; period: 'page' | 'this-month' }>> = {
  overview: [
    { indicator: 'funnel', period: 'page' },
    { indicator: 'delays', period: 'page' },
    { indicator: 'continuity', period: 'page' },
    // The overview's "breaks this month" card.
    { indicator: 'continuity', period: 'this-month' },
  ],
  structures: [
    { indicator: 'funnel', period: 'page' },
    { indicator: 'structures', period: 'page' },
    { indicator: 'continuity', period: 'page' },
  ],
  coverage: [
    { indicator: 'funnel', period: 'page' },
    { indicator: 'coverage', period: 'page' },
  ],
  breaks: [
    { indicator: 'funnel', period: 'page' },
    { indicator: 'continuity', period: 'page' },
  ],
  diagnostic: [
    { indicator: 'funnel', period: 'page' },
    { indicator: 'diagnostic', period: 'page' },
  ],
};

const iso = (date: Date): string => date.toISOString().slice(0, 10);

/** The dashboards' period choices (services/web/src/pages/pilotage/period.ts), on today's date. */
export function periods(today: Date): Record<PeriodKind | 'this-month', { from: string; to: string }> {
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth();
  return {
    month: { from: iso(new Date(Date.UTC(year, month - 1, 1))), to: iso(new Date(Date.UTC(year, month, 0))) },
    year: { from: iso(new Date(Date.UTC(year, month - 11, 1))), to: iso(today) },
    'this-month': { from: iso(new Date(Date.UTC(year, month, 1))), to: iso(today) },
  };
}

export interface DashboardFigures {
  /** Every reporting answer. */
  all: LatencySummary;
  /** Per query shape: `indicator@month` or `indicator@year`. */
  byQuery: Record<string, LatencySummary>;
  /** A whole page (its requests at once): from the first sent to the last answered. */
  byPage: Record<string, LatencySummary>;
  errors: number;
  /** The answers other than 200, by status (503: the service's admission control shed the request). */
  statuses: Record<string, number>;
}

export interface Coordinator {
  token: string;
  networkId: string;
}

/**
 * `coordinators` in a closed loop for `seconds`: each loads the pages in turn, the month on even rounds and the year
 * on odd ones, starting at a different page and period than its neighbours.
 */
export async function loadDashboards(base: string, coordinators: Coordinator[], seconds: number): Promise<DashboardFigures> {
  const samples = new Map<string, number[]>();
  const pages = new Map<string, number[]>();
  const record = (map: Map<string, number[]>, key: string, ms: number): void => {
    const list = map.get(key) ?? [];
    list.push(ms);
    map.set(key, list);
  };
  let errors = 0;
  const statuses: Record<string, number> = {};
  const chosen = periods(new Date());
  const pageNames = Object.keys(dashboardPages);
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    coordinators.map(async ({ token, networkId }, index) => {
      for (let round = index; performance.now() < deadline; round++) {
        const page = pageNames[round % pageNames.length] ?? 'overview';
        const kind: PeriodKind = Math.floor(round / pageNames.length) % 2 === 0 ? 'month' : 'year';
        const pageStarted = performance.now();
        await Promise.all(
          (dashboardPages[page] ?? []).map(async ({ indicator, period }) => {
            const range = chosen[period === 'this-month' ? 'this-month' : kind];
            const started = performance.now();
            const response = await fetch(`${base}/v1/networks/${networkId}/${indicator}?from=${range.from}&to=${range.to}`, { headers: { authorization: `Bearer ${token}` } });
            await response.arrayBuffer();
            if (response.status !== 200) {
              errors++;
              statuses[response.status] = (statuses[response.status] ?? 0) + 1;
            }
            else record(samples, `${indicator}@${period === 'this-month' ? 'this-month' : kind}`, performance.now() - started);
          }),
        );
        record(pages, `${page}@${kind}`, performance.now() - pageStarted);
      }
    }),
  );
  const summaries = (map: Map<string, number[]>): Record<string, LatencySummary> => Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, list]) => [key, summarize(list)]));
  return { all: summarize([...samples.values()].flat()), byQuery: summaries(samples), byPage: summaries(pages), errors, statuses };
}

export interface Floor {
  /** `GET /health` of the reporting service: HTTP and the event loop, no query. */
  health: LatencySummary;
  /** `SELECT 1` on the bench's database through a pool of as many connections as there are clients. */
  selectOne: LatencySummary;
}

/** The floor under the same concurrency, measured just before the dashboards: what any answer costs on this machine now. */
export async function measureFloor(base: string, databaseUrl: string, clients: number, seconds: number): Promise<Floor> {
  const loop = async (work: () => Promise<void>): Promise<LatencySummary> => {
    const samples: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) {
          const started = performance.now();
          await work();
          samples.push(performance.now() - started);
        }
      }),
    );
    return summarize(samples);
  };
  const health = await loop(async () => {
    await (await fetch(`${base}/health`)).arrayBuffer();
  });
  const pool = new Pool({ connectionString: databaseUrl, max: clients });
  pool.on('error', () => undefined);
  try {
    const selectOne = await loop(async () => {
      await pool.query('SELECT 1');
    });
    return { health, selectOne };
  } finally {
    await pool.end();
  }
}
