import { affinityKeyOf } from './school-connection';
import { type School } from './school';

describe('affinityKeyOf', () => {
  const school: School = {
    id: 'a1',
    slug: 'oxford',
    name: 'Oxford',
    status: 'active',
    schemaName: 'school_oxford',
    dbRole: 'school_oxford_role',
  };

  it("is a school's schema, and none for the platform's work in the public schema", () => {
    expect(affinityKeyOf(school)).toBe('school_oxford');
    expect(affinityKeyOf({ ...school, schemaName: 'public', id: 'platform:a1' })).toBeUndefined();
  });
});
