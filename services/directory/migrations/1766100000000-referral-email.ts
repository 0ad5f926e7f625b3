import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where a structure, or one of its services, receives referrals by email (issue 12): a functional mailbox
 * the notification service writes to when the receiver has no software of its own. A service's address,
 * when set, wins over its structure's.
 */
export class ReferralEmail1766100000000 implements MigrationInterface {
  name = 'ReferralEmail1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE structure ADD COLUMN referral_email text`);
    await queryRunner.query(`ALTER TABLE offer ADD COLUMN referral_email text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE offer DROP COLUMN referral_email`);
    await queryRunner.query(`ALTER TABLE structure DROP COLUMN referral_email`);
  }
}
