import type { ReactNode } from 'react';
import type { ReferralDetail } from '../api/referral';
import { formatDateTime, label, urgencyLabels } from '../labels';
import { termLabel, useVocabularies } from '../vocabularies';
import { ServiceName, StructureName } from './names';
import { Deadline } from './referral-table';

/** What a referral is about, as its two parties see it (the referral page, the action-link page); `children` adds facts. */
export function ReferralFacts({ referral, children }: { referral: ReferralDetail; children?: ReactNode }) {
  const vocabularies = useVocabularies();
  return (
    <dl className="relais-facts">
      <dt>Besoin</dt>
      <dd>{referral.needs.map((need) => termLabel(vocabularies.data?.thematiques, need)).join(', ') || '—'}</dd>
      <dt>Envoyée par</dt>
      <dd>
        <StructureName id={referral.sendingStructureId} /> le {formatDateTime(referral.createdAt)}
      </dd>
      <dt>Vers</dt>
      <dd>
        <ServiceName id={referral.receivingServiceId} />
      </dd>
      <dt>Échéance</dt>
      <dd>
        <Deadline referral={referral} />
      </dd>
      <dt>Urgence</dt>
      <dd>{label(urgencyLabels, referral.urgency)}</dd>
      {children}
    </dl>
  );
}
