import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@relais/auth';
import { serviceRoles } from '@relais/contracts';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock, DomainError, ValidationError } from '@relais/platform';
import { communePositions, distanceKm } from '../coverage/commune-positions';
import { DirectoryReadModel } from '../directory-read-model/directory-read-model';
import { REPORTING_CONFIG, type ReportingConfig } from '../config';
import { quantileHours } from '../projections/delay-histogram';
import { splitPeriod } from './period-split';
import type { CoverageQuery, CoverageView, ContinuityView, DelayFigures, DelaysView, DiagnosticQuery, DiagnosticView, FunnelQuery, FunnelView, PeriodQuery, StructureFigures, StructuresView } from './indicators.dto';
import { rate, ReportingAccess, shownCount, shownFigure, type ReportingScope } from './reporting-access';

const MAX_DAYS = 366;
const STRUCTURE_AND_ROLE = '($2::uuid IS NULL OR structure_id = $2) AND ($3::text IS NULL OR role = $3)';
/** `network_*` and `structure_*`: the totals without structure and role, or without role (ADR 0007, "Totals"). */
type Rollup = 'referral_stage' | 'referral_theme' | 'delay' | 'journey' | 'network_stage' | 'network_delay' | 'network_journey' | 'structure_stage' | 'structure_acknowledgement';
const STRUCTURE_ONLY = '($2::uuid IS NULL OR structure_id = $2)';
export const funnelStages = ['requested', 'received', 'accepted', 'in-progress', 'completed', 'rejected', 'redirected', 'cancelled', 'expired', 'failed'] as const;
const dropOffSteps = ['requested', 'received', 'accepted', 'in-progress'] as const;
const breakKinds = ['expired', 'failed', 'redirect-not-picked-up', 'next-step-not-referred', 'rejected-without-follow-up'] as const;

/** Sums of the rollup tables for one network, a period and filters, as the caller may see them. */
@Injectable()
export class IndicatorsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: ReportingAccess,
    private readonly directory: DirectoryReadModel,
    private readonly clock: Clock,
    @Inject(REPORTING_CONFIG) private readonly config: ReportingConfig,
  ) {}

  async funnel(networkId: string, query: FunnelQuery, principal: Principal): Promise<FunnelView> {
    checkPeriod(query.from, query.to);
    const scope = await this.access.scope(principal, networkId, query.structure);
    const byTheme = query.thematique !== undefined || query.senderNetwork !== undefined;
    if (byTheme && (scope.structureId !== null || query.role !== undefined)) {
      throw new DomainError('invalid-query', 'Les filtres « thematique » et « senderNetwork » ne se combinent pas avec « structure » ni « role ».');
    }
    const rows = byTheme
      ? await this.sums<{ stage: string; n: string }>('referral_theme', 'stage', networkId, query, '($2::text IS NULL OR thematique = $2) AND ($3::uuid IS NULL OR sender_network_id = $3)', [
          query.thematique ?? null,
          query.senderNetwork ?? null,
        ])
      : await this.stageSums(scope, query);
    const counts = new Map(rows.map((row) => [row.stage, Number(row.n)]));
    const stages = Object.fromEntries(funnelStages.map((stage) => [stage, shownCount(counts.get(stage) ?? 0, scope)])) as Record<(typeof funnelStages)[number], number | null>;
    return { networkId, from: query.from, to: query.to, stages };
  }

  async delays(networkId: string, query: PeriodQuery, principal: Principal): Promise<DelaysView> {
    checkPeriod(query.from, query.to);
    const scope = await this.access.scope(principal, networkId, query.structure);
    type DelayRow = { measure: string; within_sla: boolean; bucket: number; n: string };
    // The histograms and the overdue count are independent: both at once, on two connections of the pool.
    const [rows, overdue] = await Promise.all([
      scope.structureId === null && query.role === undefined
        ? this.sums<DelayRow>('network_delay', 'measure, within_sla, bucket', networkId, query, 'TRUE', [])
        : this.sums<DelayRow>('delay', 'measure, within_sla, bucket', networkId, query, STRUCTURE_AND_ROLE, [scope.structureId, query.role ?? null]),
      this.txHost.tx.query<Array<{ n: string }>>(
        `SELECT count(*) AS n FROM referral_state
          WHERE network_ids @> ARRAY[$1::uuid] AND status IN ('requested', 'received', 'accepted')
            AND ((status = 'requested' AND acknowledge_due_at < $2) OR (status IN ('received', 'accepted') AND first_contact_due_at < $2))
            AND ($3::uuid IS NULL OR structure_id = $3) AND ($4::text IS NULL OR role = $4)`,
        [networkId, this.clock.now(), scope.structureId, query.role ?? null],
      ),
    ]);
    const figures = (measure: string, hasSla: boolean): DelayFigures => {
      const histogram = new Map<number, number>();
      let within = 0;
      let count = 0;
      for (const row of rows.filter((r) => r.measure === measure)) {
        const n = Number(row.n);
        histogram.set(row.bucket, (histogram.get(row.bucket) ?? 0) + n);
        count += n;
        if (row.within_sla) within += n;
      }
      return {
        count: shownCount(count, scope),
        p50Hours: shownFigure(quantileHours(histogram, 0.5), count, scope),
        p90Hours: shownFigure(quantileHours(histogram, 0.9), count, scope),
        withinSlaShare: hasSla ? shownFigure(rate(within, count), count, scope) : null,
      };
    };
    return {
      networkId,
      from: query.from,
      to: query.to,
      measures: {
        acknowledgement: figures('acknowledgement', true),
        acceptance: figures('acceptance', false),
        firstContact: figures('first-contact', true),
        completion: figures('completion', false),
      },
      overdueNow: shownCount(Number(overdue[0]?.n ?? 0), scope),
    };
  }

  async continuity(networkId: string, query: PeriodQuery, principal: Principal): Promise<ContinuityView> {
    checkPeriod(query.from, query.to);
    const scope = await this.access.scope(principal, networkId, query.structure);
    const filters = [scope.structureId, query.role ?? null];
    const filtered = scope.structureId !== null || query.role !== undefined;
    type Fact = { fact: string; detail: string; n: string };
    type Stage = { structure_id: string; stage: string; n: string };
    // Three independent sums, at once on three connections of the pool.
    const [facts, stages, perStructure] = await Promise.all([
      filtered
        ? this.sums<Fact>('journey', 'fact, detail', networkId, query, STRUCTURE_AND_ROLE, filters)
        : this.sums<Fact>('network_journey', 'fact, detail', networkId, query, 'TRUE', []),
      filtered
        ? this.sums<{ stage: string; n: string }>('referral_stage', 'stage', networkId, query, STRUCTURE_AND_ROLE, filters)
        : this.sums<{ stage: string; n: string }>('network_stage', 'stage', networkId, query, 'TRUE', []),
      // Per structure: referrals received ('requested'), completed, and those that left at any step ('exit', completions included).
      filtered
        ? Promise.all([
            this.sums<Stage>('referral_stage', 'structure_id, stage', networkId, query, `stage IN ('requested', 'completed') AND ${STRUCTURE_AND_ROLE}`, filters),
            this.sums<{ structure_id: string; fact: string; n: string }>('journey', 'structure_id, fact', networkId, query, `fact = 'exit' AND ${STRUCTURE_AND_ROLE}`, filters),
          ]).then(([reached, exits]): Stage[] => [...reached, ...exits.map((row) => ({ structure_id: row.structure_id, stage: 'exit', n: row.n }))])
        : this.sums<Stage>('structure_stage', 'structure_id, stage', networkId, query, `stage IN ('requested', 'completed', 'exit')`, []),
    ]);
    const total = (fact: string, detail?: string): number =>
      facts.filter((f) => f.fact === fact && (detail === undefined || f.detail === detail)).reduce((sum, f) => sum + Number(f.n), 0);
    const reached = (stage: string): number => stages.filter((s) => s.stage === stage).reduce((sum, s) => sum + Number(s.n), 0);
    const breaks: Record<(typeof breakKinds)[number], number> = {
      expired: total('break', 'expired'),
      failed: total('break', 'failed'),
      'redirect-not-picked-up': Math.max(0, total('redirect') - total('redirect-picked-up')),
      'next-step-not-referred': Math.max(0, total('next-step-proposed') - total('next-step-followed')),
      'rejected-without-follow-up': Math.max(0, total('rejected') - total('rejected-followed')),
    };
    const breakTotal = breakKinds.reduce((sum, kind) => sum + breaks[kind], 0);
    // The network's answer rate, on every answered referral: shown when the base reaches 5, even if the refusals alone do not.
    const answered = reached('accepted') + reached('rejected');
    // The projection records every end as an `exit` from the step before it, completions included: a completion
    // (always from in-progress) is no drop-off, so it is taken out here, per step and per structure.
    const countOf = (structureId: string, stage: string): number => perStructure.filter((s) => s.structure_id === structureId && s.stage === stage).reduce((sum, s) => sum + Number(s.n), 0);
    const completedIn = (structureId?: string): number => (structureId === undefined ? reached('completed') : countOf(structureId, 'completed'));
    const dropOff = dropOffSteps.map((step) => {
      const r = reached(step);
      const left = Math.max(0, total('exit', step) - (step === 'in-progress' ? completedIn() : 0));
      return { step, reached: shownCount(r, scope), left: shownCount(left, scope), rate: shownFigure(rate(left, r), r, scope) };
    });
    const structureIds = [...new Set(perStructure.map((s) => s.structure_id))];
    const names = await this.directory.structureNames(structureIds);
    const byStructure = structureIds
      .map((structureId) => {
        const received = countOf(structureId, 'requested');
        const left = Math.max(0, countOf(structureId, 'exit') - completedIn(structureId));
        return { structureId, name: names.get(structureId) ?? null, received: shownCount(received, scope), left: shownCount(left, scope), rate: shownFigure(rate(left, received), received, scope) };
      })
      .sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1));
    const detailCounts = (fact: string): Record<string, number | null> =>
      Object.fromEntries([...new Set(facts.filter((f) => f.fact === fact).map((f) => f.detail))].sort().map((detail) => [detail, shownCount(total(fact, detail), scope)]));
    return {
      networkId,
      from: query.from,
      to: query.to,
      breaks: { ...mapValues(breaks, (n) => shownCount(n, scope)), total: shownCount(breakTotal, scope) },
      acceptanceRate: shownFigure(rate(reached('accepted'), answered), answered, scope),
      dropOff,
      byStructure,
      autonomy: detailCounts('autonomy'),
      refusalReasons: detailCounts('rejection-reason'),
    };
  }

  async structures(networkId: string, query: PeriodQuery, principal: Principal): Promise<StructuresView> {
    const days = checkPeriod(query.from, query.to);
    const scope = await this.access.scope(principal, networkId, query.structure);
    const byRole = query.role !== undefined;
    // The stages, the acknowledgement histograms and the directory's services are independent: all three at once.
    const [stages, acknowledgements, networkServices] = await Promise.all([
      this.sums<{ structure_id: string; stage: string; n: string }>(
        byRole ? 'referral_stage' : 'structure_stage',
        'structure_id, stage',
        networkId,
        query,
        `stage IN ('requested', 'accepted', 'rejected') AND ${byRole ? STRUCTURE_AND_ROLE : STRUCTURE_ONLY}`,
        byRole ? [scope.structureId, query.role ?? null] : [scope.structureId],
      ),
      this.sums<{ structure_id: string; bucket: number; n: string }>(
        byRole ? 'delay' : 'structure_acknowledgement',
        'structure_id, bucket',
        networkId,
        query,
        byRole ? `measure = 'acknowledgement' AND ${STRUCTURE_AND_ROLE}` : STRUCTURE_ONLY,
        byRole ? [scope.structureId, query.role ?? null] : [scope.structureId],
      ),
      this.directory.servicesOfNetwork(networkId),
    ]);
    const services = networkServices.filter(
      (s) => (scope.structureId === null || s.structureId === scope.structureId) && (query.role === undefined || s.roles.includes(query.role)),
    );
    const structureIds = [...new Set([...stages.map((s) => s.structure_id), ...services.map((s) => s.structureId)])];
    const names = await this.directory.structureNames(structureIds);
    const structures: StructureFigures[] = structureIds.map((structureId) => {
      const count = (stage: string): number => stages.filter((s) => s.structure_id === structureId && s.stage === stage).reduce((sum, s) => sum + Number(s.n), 0);
      const received = count('requested');
      const accepted = count('accepted');
      const rejected = count('rejected');
      const histogram = new Map<number, number>();
      let acknowledged = 0;
      for (const row of acknowledgements.filter((a) => a.structure_id === structureId)) {
        histogram.set(row.bucket, Number(row.n));
        acknowledged += Number(row.n);
      }
      const own = services.filter((s) => s.structureId === structureId && s.active);
      const declared = own.filter((s) => s.openSlotsPerWeek !== null);
      const openSlotsPerWeek = declared.length > 0 ? declared.reduce((sum, s) => sum + (s.openSlotsPerWeek ?? 0), 0) : null;
      const capacityInPeriod = openSlotsPerWeek === null ? null : Math.round((openSlotsPerWeek * days) / 7);
      const waiting = own.map((s) => s.waitingDays).filter((d): d is number => d !== null);
      return {
        structureId,
        name: names.get(structureId) ?? null,
        received: shownCount(received, scope),
        accepted: shownCount(accepted, scope),
        rejected: shownCount(rejected, scope),
        acceptanceRate: shownFigure(rate(accepted, accepted + rejected), accepted + rejected, scope),
        acknowledgementP50Hours: shownFigure(quantileHours(histogram, 0.5), acknowledged, scope),
        openSlotsPerWeek,
        capacityInPeriod,
        waitingDays: waiting.length > 0 ? Math.max(...waiting) : null,
        overCapacity: capacityInPeriod === null ? null : received > capacityInPeriod,
      };
    });
    structures.sort((a, b) => (b.received ?? 0) - (a.received ?? 0) || (a.name ?? '').localeCompare(b.name ?? ''));
    return { networkId, from: query.from, to: query.to, structures };
  }

  async coverage(networkId: string, query: CoverageQuery, principal: Principal): Promise<CoverageView> {
    checkPeriod(query.from, query.to);
    const scope = await this.access.scope(principal, networkId, undefined);
    const [network, services] = await Promise.all([this.directory.network(networkId), this.directory.servicesOfNetwork(networkId)]);
    const communeCodes = network?.communeCodes ?? [];
    const positions = communePositions();
    const places = services.filter((s) => s.active).flatMap((s) => s.places.map((p) => ({ roles: s.roles, ...p })));
    const demand = await this.txHost.tx.query<Array<{ commune_code: string; indicator: string; n: string }>>(
      `SELECT commune_code, indicator, sum(n) AS n FROM commune_monthly
        WHERE commune_code = ANY($1::text[]) AND month BETWEEN date_trunc('month', $2::date) AND $3::date
          AND ((indicator = 'orientations' AND network_id = $4) OR indicator = 'diagnostics')
        GROUP BY commune_code, indicator`,
      [communeCodes, query.from, query.to, networkId],
    );
    const roles = query.role === undefined ? [...serviceRoles] : [query.role];
    const communes = communeCodes.map((communeCode) => {
      const position = positions.get(communeCode);
      const origin = position?.latitude != null && position.longitude != null ? { latitude: position.latitude, longitude: position.longitude } : null;
      return {
        communeCode,
        name: position?.name ?? null,
        roles: roles.map((role) => {
          let nearest: number | null = null;
          for (const place of places.filter((p) => p.roles.includes(role))) {
            const km =
              place.communeCode === communeCode
                ? 0
                : origin && place.latitude !== null && place.longitude !== null
                  ? distanceKm(origin, { latitude: place.latitude, longitude: place.longitude })
                  : null;
            if (km !== null && (nearest === null || km < nearest)) nearest = km;
          }
          return { role, reachable: nearest !== null && nearest <= this.config.REPORTING_COVERAGE_RADIUS_KM, nearestKm: nearest === null ? null : Math.round(nearest * 10) / 10 };
        }),
        diagnostics: shownCount(sumWhere(demand, communeCode, 'diagnostics'), scope),
        referrals: shownCount(sumWhere(demand, communeCode, 'orientations'), scope),
      };
    });
    return { networkId, from: query.from, to: query.to, radiusKm: this.config.REPORTING_COVERAGE_RADIUS_KM, communes };
  }

  async diagnostic(networkId: string, query: DiagnosticQuery, principal: Principal): Promise<DiagnosticView> {
    checkPeriod(query.from, query.to);
    const scope = await this.access.scope(principal, networkId, undefined);
    const rows = await this.txHost.tx.query<Array<{ commune_code: string; dimension: string; value: string; n: string }>>(
      `SELECT commune_code, dimension, value, sum(n) AS n FROM assessment_daily
        WHERE network_id = $1 AND day BETWEEN $2 AND $3 AND ($4::text IS NULL OR commune_code = $4)
        GROUP BY commune_code, dimension, value`,
      [networkId, query.from, query.to, query.commune ?? null],
    );
    const sum = (dimension: string, value?: string, commune?: string): number =>
      rows
        .filter((r) => r.dimension === dimension && (value === undefined || r.value === value) && (commune === undefined || r.commune_code === commune))
        .reduce((total, r) => total + Number(r.n), 0);
    const valuesOf = (dimension: string): string[] => [...new Set(rows.filter((r) => r.dimension === dimension).map((r) => r.value))].sort();
    const positions = communePositions();
    const communes = [...new Set(rows.map((r) => r.commune_code))].sort();
    return {
      networkId,
      from: query.from,
      to: query.to,
      diagnostics: shownCount(sum('count'), scope),
      levels: Object.fromEntries(valuesOf('level').map((level) => [level, shownCount(sum('level', level), scope)])),
      barriers: Object.fromEntries(valuesOf('barrier').map((barrier) => [barrier, shownCount(sum('barrier', barrier), scope)])),
      byCommune: communes.map((communeCode) => ({
        communeCode,
        name: positions.get(communeCode)?.name ?? null,
        diagnostics: shownCount(sum('count', undefined, communeCode), scope),
        levels: Object.fromEntries(valuesOf('level').map((level) => [level, shownCount(sum('level', level, communeCode), scope)])),
      })),
    };
  }

  private stageSums(scope: ReportingScope, query: PeriodQuery): Promise<Array<{ stage: string; n: string }>> {
    if (scope.structureId === null && query.role === undefined) return this.sums<{ stage: string; n: string }>('network_stage', 'stage', scope.networkId, query, 'TRUE', []);
    return this.sums<{ stage: string; n: string }>('referral_stage', 'stage', scope.networkId, query, STRUCTURE_AND_ROLE, [scope.structureId, query.role ?? null]);
  }

  /**
   * Sums of one rollup for a network and a period: its whole months from `<rollup>_monthly`, the days around them
   * from `<rollup>_daily` (both have the same columns, `month` standing for `day`). `filters` use $2 and after.
   * Only the ranges the period has are queried (a whole month is one branch): each branch costs its planning.
   */
  private sums<T>(rollup: Rollup, columns: string, networkId: string, period: { from: string; to: string }, filters: string, params: unknown[]): Promise<T[]> {
    const split = splitPeriod(period.from, period.to);
    const values: unknown[] = [networkId, ...params];
    const branch = (table: string, column: string, from: string, to: string): string => {
      values.push(from, to);
      // One range per branch: an OR of two ranges is a bitmap scan that visits the heap, a range alone an index-only scan.
      return `SELECT * FROM ${table} WHERE network_id = $1 AND ${column} BETWEEN $${values.length - 1} AND $${values.length}`;
    };
    const branches = [
      ...(split.headFrom <= split.headTo ? [branch(`${rollup}_daily`, 'day', split.headFrom, split.headTo)] : []),
      ...(split.tailFrom <= split.tailTo ? [branch(`${rollup}_daily`, 'day', split.tailFrom, split.tailTo)] : []),
      ...(split.monthFrom <= split.monthTo ? [branch(`${rollup}_monthly`, 'month', split.monthFrom, split.monthTo)] : []),
    ];
    return this.txHost.tx.query<T[]>(`SELECT ${columns}, sum(n) AS n FROM (${branches.join(' UNION ALL ')}) AS rollup WHERE ${filters} GROUP BY ${columns}`, values);
  }
}

/** The number of days of a period (both ends included); 400 when reversed or longer than a year. */
export function checkPeriod(from: string, to: string): number {
  const unreal = [{ field: 'from', value: from }, { field: 'to', value: to }].filter(({ value }) => {
    const time = Date.parse(`${value}T00:00:00Z`);
    return Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value;
  });
  if (unreal.length > 0) throw new ValidationError(unreal.map(({ field }) => ({ field, message: 'doit être une date qui existe' })));
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (days < 1) throw new DomainError('invalid-query', '« from » doit précéder « to ».');
  if (days > MAX_DAYS) throw new DomainError('invalid-query', `La période est limitée à ${MAX_DAYS} jours.`);
  return days;
}

function sumWhere(rows: Array<{ commune_code: string; indicator: string; n: string }>, communeCode: string, indicator: string): number {
  return rows.filter((r) => r.commune_code === communeCode && r.indicator === indicator).reduce((sum, r) => sum + Number(r.n), 0);
}

function mapValues<K extends string, V, W>(record: Record<K, V>, fn: (value: V) => W): Record<K, W> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value as V)])) as Record<K, W>;
}
