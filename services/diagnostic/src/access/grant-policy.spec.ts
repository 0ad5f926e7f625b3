import { DEMO_STRUCTURES } from '@relais/demo';
import { grantRefusal } from './grant-policy';

const runner = DEMO_STRUCTURES.mediathequePloermel.id;
const holder = DEMO_STRUCTURES.franceServicesMauron.id;
const stranger = DEMO_STRUCTURES.cafVannes.id;

describe('grantRefusal', () => {
  const assessment = { personRef: 'p-aaaaaaaaaaaaaaaaaaaaaaaaaa', structureId: runner, senderHoldsGrant: false };

  it('lets the structure that ran the assessment share it with the person’s consent', () => {
    expect(grantRefusal({ personRef: assessment.personRef, sendingStructureId: runner }, assessment)).toBeNull();
  });

  it('lets a structure that was given the assessment by an earlier referral share it on', () => {
    expect(grantRefusal({ personRef: assessment.personRef, sendingStructureId: holder }, { ...assessment, senderHoldsGrant: true })).toBeNull();
  });

  it('refuses a sender that neither ran it nor holds a grant, another person’s assessment, or an unknown one', () => {
    expect(grantRefusal({ personRef: assessment.personRef, sendingStructureId: stranger }, assessment)).toBe('sender-may-not-share');
    expect(grantRefusal({ personRef: 'p-bbbbbbbbbbbbbbbbbbbbbbbbbb', sendingStructureId: runner }, assessment)).toBe('other-person');
    expect(grantRefusal({ personRef: 'p-bbbbbbbbbbbbbbbbbbbbbbbbbb', sendingStructureId: holder }, { ...assessment, senderHoldsGrant: true })).toBe('other-person');
    expect(grantRefusal({ personRef: assessment.personRef, sendingStructureId: runner }, null)).toBe('unknown-assessment');
  });
});
