import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The referral service's own tables.
 *
 * Personal data lives only in `*_sealed` columns, encrypted under the person's data key
 * (`person_keys`); erasing a person deletes that key and clears those columns. `person_ref` is the
 * pseudonymous reference agencies share and is kept, so journeys and counts stay whole.
 * `audit_log` is append-only: a trigger refuses UPDATE, DELETE and TRUNCATE.
 */
export class ReferralSchema1763900000000 implements MigrationInterface {
  name = 'ReferralSchema1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Read model of the directory, fed by its snapshot events (the newest version wins).
    await queryRunner.query(`
      CREATE TABLE directory_structures (
        structure_id uuid PRIMARY KEY,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        network_ids uuid[] NOT NULL DEFAULT '{}',
        department text,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE directory_services (
        service_id uuid PRIMARY KEY,
        structure_id uuid NOT NULL,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        status text NOT NULL,
        accepts_relais_referrals boolean NOT NULL,
        suspended_until date,
        roles text[] NOT NULL DEFAULT '{}',
        thematiques text[] NOT NULL DEFAULT '{}',
        network_ids uuid[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE directory_networks (
        network_id uuid PRIMARY KEY,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        department text NOT NULL,
        acknowledge_business_days integer NOT NULL,
        first_contact_business_days integer NOT NULL,
        expire_after_days integer NOT NULL,
        updated_at timestamptz NOT NULL
      )`);

    // Diagnostic results, from the diagnostic's completed events: journeys start with them.
    await queryRunner.query(`
      CREATE TABLE assessments (
        assessment_id uuid PRIMARY KEY,
        person_ref text NOT NULL,
        level text NOT NULL,
        barriers text[] NOT NULL DEFAULT '{}',
        recommended_roles text[] NOT NULL DEFAULT '{}',
        network_id uuid,
        structure_id uuid,
        completed_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX assessments_person ON assessments (person_ref, completed_at)`);

    await queryRunner.query(`
      CREATE TABLE person_keys (
        person_ref text PRIMARY KEY,
        wrapped_key bytea NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE person_erasures (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        person_ref text NOT NULL,
        referral_count integer NOT NULL,
        actor_subject text NOT NULL,
        erased_at timestamptz NOT NULL
      )`);

    await queryRunner.query(`
      CREATE TABLE referrals (
        id uuid PRIMARY KEY,
        person_ref text NOT NULL,
        previous_referral_id uuid REFERENCES referrals (id),
        status text NOT NULL,
        sending_structure_id uuid NOT NULL,
        sender_subject text NOT NULL,
        sender_role text NOT NULL,
        receiving_service_id uuid NOT NULL,
        receiving_structure_id uuid NOT NULL,
        network_id uuid,
        network_ids uuid[] NOT NULL DEFAULT '{}',
        needs text[] NOT NULL,
        urgency text NOT NULL,
        assessment_id uuid,
        contact_preference text NOT NULL,
        person_sealed bytea,
        reason_sealed bytea,
        consent_scope text[] NOT NULL,
        consent_method text NOT NULL,
        consent_shared_with text NOT NULL,
        consent_obtained_at timestamptz NOT NULL,
        consent_obtained_by text NOT NULL,
        consent_expires_at timestamptz,
        consent_revoked_at timestamptz,
        consent_revoked_by text,
        outcome_summary_sealed bytea,
        outcome_autonomy_gained text,
        outcome_next_step text,
        acknowledge_due_at timestamptz NOT NULL,
        first_contact_due_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        first_contact_at timestamptz,
        closed_at timestamptz,
        person_erased_at timestamptz,
        created_at timestamptz NOT NULL,
        status_changed_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX referrals_received ON referrals (receiving_structure_id, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX referrals_sent ON referrals (sending_structure_id, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX referrals_person ON referrals (person_ref, created_at)`);
    await queryRunner.query(`CREATE INDEX referrals_networks ON referrals USING gin (network_ids)`);
    await queryRunner.query(`CREATE INDEX referrals_previous ON referrals (previous_referral_id) WHERE previous_referral_id IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE referral_transitions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referrals (id),
        from_status text NOT NULL,
        to_status text NOT NULL,
        actor_party text NOT NULL,
        actor_role text NOT NULL,
        actor_structure_id uuid,
        actor_subject text NOT NULL,
        reason_code text,
        comment_sealed bytea,
        redirected_to_referral_id uuid,
        at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX referral_transitions_referral ON referral_transitions (referral_id, id)`);

    // SLA timers: stored so that a restart loses none; the sweeper fires the due ones.
    await queryRunner.query(`
      CREATE TABLE referral_timers (
        referral_id uuid NOT NULL REFERENCES referrals (id),
        kind text NOT NULL,
        due_at timestamptz NOT NULL,
        fired_at timestamptz,
        PRIMARY KEY (referral_id, kind)
      )`);
    await queryRunner.query(`CREATE INDEX referral_timers_due ON referral_timers (due_at) WHERE fired_at IS NULL`);

    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        owner text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        referral_id uuid,
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (owner, key)
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`);

    await queryRunner.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        action text NOT NULL,
        actor_subject text NOT NULL,
        actor_client_id text,
        actor_roles text[] NOT NULL,
        actor_structure_id uuid,
        referral_id uuid,
        person_ref text,
        fields text[] NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_referral ON audit_log (referral_id, id)`);
    await queryRunner.query(`CREATE INDEX audit_log_person ON audit_log (person_ref, id)`);
    await queryRunner.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'idempotency_keys',
      'referral_timers',
      'referral_transitions',
      'referrals',
      'person_erasures',
      'person_keys',
      'assessments',
      'directory_networks',
      'directory_services',
      'directory_structures',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION audit_log_append_only()`);
  }
}
