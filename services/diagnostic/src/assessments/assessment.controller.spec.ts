import { AssessmentController, readerRoles } from './assessment.controller';

/** The roles guard reads this metadata (libs/auth `Roles`): without it, any valid token would read. */
const requiredRoles = (method: keyof AssessmentController): unknown => Reflect.getMetadata('relais:roles', AssessmentController.prototype[method]);

describe('AssessmentController', () => {
  it('lets only agents and integrations run an assessment', () => {
    expect(requiredRoles('create')).toEqual(['agent', 'integration']);
  });

  it('requires a role for every read of a person’s assessments', () => {
    expect(readerRoles).toEqual(['agent', 'integration', 'coordinator', 'admin']);
    expect(requiredRoles('get')).toEqual(readerRoles);
    expect(requiredRoles('history')).toEqual(readerRoles);
  });
});
