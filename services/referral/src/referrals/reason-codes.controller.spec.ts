import { reasonCodes, reasonProblem } from './reason-codes';
import { ReasonCodesController } from './reason-codes.controller';

describe('GET /v1/reason-codes', () => {
  const { moves } = new ReasonCodesController().list();

  it('lists exactly the codes the transitions endpoint accepts, per move', () => {
    expect(Object.fromEntries(moves.map((move) => [move.status, move.codes]))).toEqual(reasonCodes);
    for (const move of moves) {
      for (const code of move.codes) expect(reasonProblem(move.status, code, 'précision')).toBeNull();
    }
  });

  it('says which moves need a reason, as the endpoint enforces', () => {
    for (const move of moves) {
      expect(move.required).toBe(reasonProblem(move.status, undefined, undefined) !== null);
    }
    expect(moves.filter((move) => move.required).map((move) => move.status).sort()).toEqual(['failed', 'rejected']);
  });
});
