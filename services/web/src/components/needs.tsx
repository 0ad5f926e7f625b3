import { termLabel, useVocabularies } from '../vocabularies';

/** A referral's needs with the directory's labels (data·inclusion v1 thématiques), never their codes. */
export function Needs({ needs, empty = '—' }: { needs: string[]; empty?: string }) {
  const vocabularies = useVocabularies();
  return <>{needs.map((need) => termLabel(vocabularies.data?.thematiques, need)).join(', ') || empty}</>;
}
