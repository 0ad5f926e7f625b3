import type { NewReferral } from '../api/referral';

/** The send-a-referral form, as typed (kept as a draft while it is filled). */
export interface ReferralDraft {
  personMode: 'existing' | 'new';
  personReference: string;
  firstName: string;
  lastName: string;
  birthDate: string;
  phone: string;
  email: string;
  contactPreference: string;
  need: string;
  reason: string;
  urgency: 'normal' | 'urgent';
  assessmentId: string;
  shareContact: boolean;
  shareReason: boolean;
  shareAssessment: boolean;
  shareJourney: boolean;
  shareWithRedirects: boolean;
  consentMethod: string;
  consentExpiresAt: string;
  consentRead: boolean;
}

export const emptyReferralDraft: ReferralDraft = {
  personMode: 'new',
  personReference: '',
  firstName: '',
  lastName: '',
  birthDate: '',
  phone: '',
  email: '',
  contactPreference: 'phone',
  need: '',
  reason: '',
  urgency: 'normal',
  assessmentId: '',
  shareContact: true,
  shareReason: true,
  shareAssessment: true,
  shareJourney: false,
  shareWithRedirects: false,
  consentMethod: 'oral',
  consentExpiresAt: '',
  consentRead: false,
};

export const PERSON_REFERENCE = /^p-[a-z2-7]{26}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 .()-]{6,20}$/;

export type ReferralStep = 'person' | 'need' | 'consent';

/** Messages per field for one step of the form (French, what the agent must fix); empty when the step is complete. */
export function validateReferralStep(step: ReferralStep, draft: ReferralDraft, today = new Date()): Record<string, string> {
  const errors: Record<string, string> = {};
  if (step === 'person') {
    if (draft.personMode === 'existing') {
      if (!PERSON_REFERENCE.test(draft.personReference.trim())) errors['personReference'] = 'La référence commence par « p- » suivi de 26 lettres ou chiffres (elle figure sur la fiche de la personne).';
    } else {
      if (!draft.firstName.trim()) errors['firstName'] = 'Indiquez le prénom.';
      if (!draft.lastName.trim()) errors['lastName'] = 'Indiquez le nom.';
      if (draft.birthDate && (Number.isNaN(Date.parse(draft.birthDate)) || new Date(draft.birthDate) > today)) errors['birthDate'] = 'La date de naissance doit être une date passée.';
      if (draft.phone && !PHONE.test(draft.phone.trim())) errors['phone'] = 'Le numéro de téléphone n’est pas valide (exemple : 06 12 34 56 78).';
      if (draft.email && !EMAIL.test(draft.email.trim())) errors['email'] = 'L’adresse électronique n’est pas valide (exemple : nom@domaine.fr).';
      if (draft.contactPreference === 'phone' && !draft.phone.trim()) errors['phone'] = 'Pour un contact par téléphone, indiquez le numéro.';
      if (draft.contactPreference === 'sms' && !draft.phone.trim()) errors['phone'] = 'Pour un contact par SMS, indiquez le numéro.';
      if (draft.contactPreference === 'email' && !draft.email.trim()) errors['email'] = 'Pour un contact par courriel, indiquez l’adresse.';
    }
  }
  if (step === 'need') {
    if (!draft.need) errors['need'] = 'Choisissez le besoin de la personne.';
    if (draft.reason.trim().length < 10) errors['reason'] = 'Décrivez le motif en une phrase au moins (10 caractères).';
  }
  if (step === 'consent') {
    if (!draft.consentRead) errors['consentRead'] = 'Lisez ce texte à la personne et cochez la case quand elle a donné son accord.';
    if (!draft.shareContact && draft.contactPreference !== 'none' && draft.personMode === 'new') errors['shareContact'] = 'Sans ses coordonnées, la structure ne pourra pas contacter la personne : partagez-les ou choisissez « Ne pas contacter ».';
    if (draft.consentExpiresAt && new Date(draft.consentExpiresAt) <= today) errors['consentExpiresAt'] = 'La date de fin doit être dans le futur.';
  }
  return errors;
}

export function toNewReferral(serviceId: string, draft: ReferralDraft, now = new Date()): NewReferral {
  const scope = [draft.shareContact && 'contact', draft.shareReason && 'reason', draft.shareAssessment && draft.assessmentId && 'assessment', draft.shareJourney && 'journey'].filter((s): s is string => Boolean(s));
  const optional = (value: string) => (value.trim() ? value.trim() : undefined);
  return {
    receivingServiceId: serviceId,
    person:
      draft.personMode === 'existing'
        ? { reference: draft.personReference.trim() }
        : {
            firstName: draft.firstName.trim(),
            lastName: draft.lastName.trim(),
            contactPreference: draft.contactPreference,
            ...(optional(draft.birthDate) ? { birthDate: draft.birthDate } : {}),
            ...(optional(draft.phone) ? { phone: draft.phone.trim() } : {}),
            ...(optional(draft.email) ? { email: draft.email.trim() } : {}),
          },
    reason: draft.reason.trim(),
    needs: [draft.need],
    urgency: draft.urgency,
    ...(draft.assessmentId ? { assessmentId: draft.assessmentId } : {}),
    consent: {
      scope,
      method: draft.consentMethod,
      obtainedAt: now.toISOString(),
      ...(draft.consentExpiresAt ? { expiresAt: new Date(`${draft.consentExpiresAt}T23:59:59`).toISOString() } : {}),
      sharedWith: draft.shareWithRedirects ? 'receiver-and-redirects' : 'receiver',
    },
  };
}
