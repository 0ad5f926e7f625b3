import { Type } from '@sinclair/typebox';
import { CommuneCode, literalUnion, ServiceRole, strictObject, Timestamp, Uuid } from './common';
import { defineEvent } from './event-definition';
import * as dataInclusionV1 from './referentiels/data-inclusion-v1';

type ValuesOf<L extends readonly { value: string }[]> = readonly L[number]['value'][];
const valuesOf = <L extends readonly { value: string }[]>(list: L): ValuesOf<L> => list.map((entry) => entry.value);

/** data·inclusion v1's thématiques, publics and frais: the value sets of the service snapshot v2. */
export const thematiqueValues = valuesOf(dataInclusionV1.thematiques);
export const publicValues = valuesOf(dataInclusionV1.publics);
export const fraisValues = valuesOf(dataInclusionV1.frais);

export const modalities = ['sur-place', 'a-distance', 'a-domicile', 'itinerant'] as const;
export const serviceStatuses = ['active', 'suspended', 'closed'] as const;
export const serviceFees = ['gratuit', 'gratuit-sous-conditions', 'payant', 'adhesion', 'pass-numerique'] as const;
export const referralMethodKinds = ['relais', 'email', 'telephone', 'lien'] as const;

/**
 * Snapshots carry the whole record after each change (compacted topics keep the last per key), so a
 * consumer rebuilds its read model from the topic alone. `version` grows with every change: a consumer
 * ignores a snapshot older than the one it holds. `deleted: true` retires the record.
 */
const snapshotBase = {
  version: Type.Integer({ minimum: 1 }),
  deleted: Type.Boolean(),
  updatedAt: Timestamp,
  lastVerifiedAt: Type.Union([Timestamp, Type.Null()], { description: 'Dernière vérification des informations' }),
};

export const StructureSnapshot = strictObject(
  {
    structureId: Uuid,
    ...snapshotBase,
    name: Type.String({ minLength: 1 }),
    typology: Type.String({ description: 'CAF, CPAM, MSA, FT, CCAS, MAIRIE, CS, MEDIATHEQUE, FRANCE-SERVICES, ASSO, EPN, CNFS…' }),
    siret: Type.Union([Type.String({ pattern: '^\\d{14}$' }), Type.Null()]),
    parentStructureId: Type.Union([Uuid, Type.Null()]),
    labels: Type.Array(Type.String(), { description: 'france-services, aidants-connect, conseiller-numerique…' }),
    networkIds: Type.Array(Uuid),
    communeCode: Type.Union([CommuneCode, Type.Null()]),
    department: Type.String(),
    rna: Type.Optional(Type.Union([Type.String({ pattern: '^W[0-9A-Z]{9}$' }), Type.Null()])),
    lastVerifiedBy: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Compte (sub) ou import ayant confirmé les informations, jamais un nom' })),
    referralEmail: Type.Optional(
      Type.Union([Type.String({ format: 'email' }), Type.Null()], {
        description: 'Boîte fonctionnelle de la structure où les orientations reçues sont envoyées par courriel (jamais l’adresse d’une personne)',
      }),
    ),
  },
  'Une structure du réseau (CAF, CCAS, médiathèque, association…) telle que l’annuaire la connaît',
);

/** The properties of the service snapshot v1; v2 spreads them and overrides what changed. */
const serviceSnapshotV1Properties = {
    serviceId: Uuid,
    structureId: Uuid,
    ...snapshotBase,
    name: Type.String({ minLength: 1 }),
    roles: Type.Array(ServiceRole, { minItems: 1 }),
    thematiques: Type.Array(Type.String()),
    publics: Type.Array(Type.String()),
    languages: Type.Array(Type.String()),
    modalities: Type.Array(literalUnion(modalities)),
    acceptsRelaisReferrals: Type.Boolean(),
    status: literalUnion(serviceStatuses),
    suspendedUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
    networkIds: Type.Array(Uuid),
    lieux: Type.Array(
      strictObject({
        lieuId: Uuid,
        communeCode: CommuneCode,
        latitude: Type.Union([Type.Number({ minimum: -90, maximum: 90 }), Type.Null()]),
        longitude: Type.Union([Type.Number({ minimum: -180, maximum: 180 }), Type.Null()]),
        openingHours: Type.Union([Type.String(), Type.Null()], { description: 'Syntaxe OpenStreetMap opening_hours' }),
      }),
    ),
    capacity: strictObject({
      openSlotsPerWeek: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
      waitingDays: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
      updatedAt: Type.Union([Timestamp, Type.Null()]),
    }),
    fees: Type.Optional(Type.Array(literalUnion(serviceFees), { description: 'Frais à charge (data·inclusion `frais`)' })),
    referralMethods: Type.Optional(
      Type.Array(literalUnion(referralMethodKinds), { description: 'Comment orienter : par Relais, courriel, téléphone ou lien' }),
    ),
    accessibilityFeatures: Type.Optional(Type.Array(Type.String(), { description: 'Prises en charge spécifiques (surdité, handicap moteur…)' })),
    referralEmail: Type.Optional(
      Type.Union([Type.String({ format: 'email' }), Type.Null()], {
        description: 'Boîte fonctionnelle où les orientations vers ce service sont envoyées ; null : celle de la structure',
      }),
    ),
};

export const ServiceSnapshot = strictObject(
  serviceSnapshotV1Properties,
  'Un service (une offre) d’une structure, avec ses rôles, ses lieux, ses horaires et sa capacité (v1 : thématiques et publics non énumérés ; voir v2)',
);

/**
 * v2: thématiques, publics and frais are data·inclusion v1's référentiels, enumerated (v1 carried free
 * strings, then the directory's own list), and the fees' precision travels (`feesDetails`). Everything
 * else is v1's, spread, so a property added to v1 is v2's too.
 */
export const ServiceSnapshotV2 = strictObject(
  {
    ...serviceSnapshotV1Properties,
    thematiques: Type.Array(literalUnion(thematiqueValues), { description: 'Thématiques data·inclusion v1' }),
    publics: Type.Array(literalUnion(publicValues), { description: 'Publics data·inclusion v1' }),
    fees: Type.Optional(Type.Array(literalUnion(fraisValues), { description: 'Frais data·inclusion v1 (gratuit, payant)' })),
    feesDetails: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'Précisions sur les frais (data·inclusion `frais_precisions`)' })),
  },
  'Un service (une offre) d’une structure, avec ses rôles, ses lieux, ses horaires et sa capacité ; vocabulaires data·inclusion v1',
);

export const NetworkSnapshot = strictObject(
  {
    networkId: Uuid,
    ...snapshotBase,
    name: Type.String({ minLength: 1 }),
    department: Type.String(),
    communeCodes: Type.Array(CommuneCode),
    sla: strictObject({
      acknowledgeBusinessDays: Type.Integer({ minimum: 1 }),
      firstContactBusinessDays: Type.Integer({ minimum: 1 }),
      expireAfterDays: Type.Integer({ minimum: 1 }),
    }),
  },
  'Un réseau local (ses communes, ses délais de prise en charge)',
);

export const VerificationDue = strictObject(
  {
    structureId: Uuid,
    department: Type.String(),
    networkIds: Type.Array(Uuid),
    maxAgeDays: Type.Integer({ minimum: 1, description: 'Âge au-delà duquel une fiche est à revérifier' }),
    staleRecords: Type.Array(
      strictObject({
        kind: literalUnion(['structure', 'service', 'lieu'] as const),
        id: Uuid,
        lastVerifiedAt: Type.Union([Timestamp, Type.Null()]),
      }),
      { minItems: 1 },
    ),
    at: Timestamp,
  },
  'Les fiches d’une structure n’ont pas été vérifiées depuis trop longtemps : ses référents doivent les confirmer',
);

export const directoryEvents = {
  structureSnapshot: defineEvent({
    type: 'fr.relais.directory.structure.snapshot.v1',
    topic: 'relais.directory.structure.v1',
    schema: StructureSnapshot,
    key: (payload) => payload.structureId,
    publisher: 'directory',
    consumers: ['diagnostic', 'notification', 'referral', 'reporting'],
    summary: 'Une structure a été créée, modifiée, vérifiée ou retirée de l’annuaire : voici son état complet.',
  }),
  serviceSnapshot: defineEvent({
    type: 'fr.relais.directory.service.snapshot.v1',
    topic: 'relais.directory.service.v1',
    schema: ServiceSnapshot,
    key: (payload) => payload.serviceId,
    publisher: 'directory',
    consumers: ['notification', 'reporting'],
    summary:
      'Un service a changé (rôles, horaires, capacité, statut) : voici son état complet. Toujours publié, à côté de la v2, pour les consommateurs existants ; ' +
      'ses thématiques et publics sont désormais ceux de data·inclusion v1.',
  }),
  serviceSnapshotV2: defineEvent({
    type: 'fr.relais.directory.service.snapshot.v2',
    topic: 'relais.directory.service.v2',
    schema: ServiceSnapshotV2,
    key: (payload) => payload.serviceId,
    publisher: 'directory',
    consumers: ['diagnostic', 'referral', 'reporting'],
    summary: 'Un service a changé (rôles, horaires, capacité, statut) : voici son état complet, avec les vocabulaires data·inclusion v1.',
  }),
  networkSnapshot: defineEvent({
    type: 'fr.relais.directory.network.snapshot.v1',
    topic: 'relais.directory.network.v1',
    schema: NetworkSnapshot,
    key: (payload) => payload.networkId,
    publisher: 'directory',
    consumers: ['diagnostic', 'notification', 'referral', 'reporting'],
    summary: 'Un réseau local a changé (communes couvertes, délais) : voici son état complet.',
  }),
  verificationDue: defineEvent({
    type: 'fr.relais.directory.structure.verification-due.v1',
    topic: 'relais.directory.verification.v1',
    schema: VerificationDue,
    key: (payload) => payload.structureId,
    publisher: 'directory',
    consumers: ['reporting'],
    summary: 'Des informations d’une structure (fiche, services, lieux) n’ont pas été confirmées depuis trop longtemps : ses référents sont invités à les vérifier.',
  }),
};
