import { MessagingParkedKeys1765000000000, MessagingTables1732350000000 } from '@relais/messaging';
import { ActivityDaily1732360000000 } from './1732360000000-activity-daily';
import { ReportingProjections1765200000000 } from './1765200000000-reporting-projections';
import { ReportingTotals1765300000000 } from './1765300000000-reporting-totals';
import { ReplayedEvents1765300000001 } from './1765300000001-replayed-events';
import { DiagnosticCoveringIndex1796317373491 } from './1796317373491-diagnostic-covering-index';

/** Every migration of this service, in the order they apply. Never edit one that has shipped: add another. */
export const migrations: Function[] = [MessagingTables1732350000000, ActivityDaily1732360000000, MessagingParkedKeys1765000000000, ReportingProjections1765200000000, ReportingTotals1765300000000, ReplayedEvents1765300000001, DiagnosticCoveringIndex1796317373491];
