import { Controller, Get } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Route, type RouteDeclaration } from '@schoolyard/common';
import { ALL_PERMISSION_CODES, schoolRoutes } from '@schoolyard/rbac';
import { TenantMigrator } from '@schoolyard/fleet';
import {
  addMember,
  createTestApp,
  type Member,
  registerSchool,
  type RegisteredSchool,
  type SignedIn,
  signIn,
  type TestApp,
  withOwnerClient,
} from './support/test-app';
import { caller, type Method } from './support/caller';

/**
 * Deliberately declares no permission, which @Route's type forbids (hence the cast): the guard
 * must close it and the introspection must see it.
 */
@Controller('test/undeclared')
class UndeclaredProbeController {
  @Route({ at: 'school', access: {} } as unknown as RouteDeclaration)
  @Get()
  open(): { ok: true } {
    return { ok: true };
  }
}

interface RoleBody {
  id: string;
  name: string;
  systemKey: string | null;
  system: boolean;
  permissions: string[];
  activeHolders: number;
}

describe('role-based access control', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({}, [UndeclaredProbeController]);
  });
  afterAll(async () => {
    await t.close();
  });

  const call = caller(() => t);

  const rolesOf = async (school: RegisteredSchool, who: SignedIn) => {
    const response = await call(school, who, 'GET', '/api/roles');
    expect(response.statusCode).toBe(200);
    return response.json<RoleBody[]>();
  };

  const roleId = async (school: RegisteredSchool, who: SignedIn, key: string) =>
    (await rolesOf(school, who)).find((role) => role.systemKey === key)!.id;

  async function schoolWithOwner(): Promise<{ school: RegisteredSchool; owner: SignedIn }> {
    const school = await registerSchool(t.app);
    return { school, owner: await signIn(t.app, school.host, school.ownerUsername) };
  }

  async function memberWithRole(
    school: RegisteredSchool,
    owner: SignedIn,
    firstName: string,
    role: { id: string },
  ): Promise<{ member: Member; session: SignedIn }> {
    const member = await addMember(t, school, { firstName, lastName: 'Member' });
    const assigned = await call(school, owner, 'POST', `/api/roles/${role.id}/assignments`, {
      userId: member.userId,
    });
    expect(assigned.statusCode).toBe(201);
    return { member, session: await signIn(t.app, school.host, member.username, member.password) };
  }

  it('seeds the system roles in a fresh school, Owner with every permission', async () => {
    const { school, owner } = await schoolWithOwner();
    const roles = await rolesOf(school, owner);
    expect(roles.map((role) => [role.systemKey, role.name])).toEqual([
      ['owner', 'Owner'],
      ['admin', 'Admin'],
      ['instructor', 'Instructor'],
      ['student', 'Student'],
      ['guardian', 'Guardian'],
    ]);
    const byKey = Object.fromEntries(roles.map((role) => [role.systemKey, role]));
    expect(byKey.owner.permissions).toEqual([...ALL_PERMISSION_CODES].sort());
    expect(byKey.owner.activeHolders).toBe(1);
    expect(byKey.student.permissions).toEqual([
      'academics.view',
      'calendar.view',
      'coursework.submit',
      'coursework.view',
    ]);
    expect(byKey.admin.permissions).not.toContain('students.purge');

    const catalog = await call(school, owner, 'GET', '/api/roles/permissions');
    expect(catalog.statusCode).toBe(200);
    const modules = catalog.json<Array<{ module: string; permissions: Array<{ code: string }> }>>();
    expect(modules.map((group) => group.module)).toEqual([
      'School',
      'Students',
      'Staff',
      'Guardians',
      'Roles',
      'Academics',
      'Course content',
      'Calendar',
      'Attendance',
      'Exams',
      'Fees',
      'Communication',
      'Records',
      'Billing',
    ]);
    expect(modules.flatMap((group) => group.permissions.map((p) => p.code)).sort()).toEqual(
      [...ALL_PERMISSION_CODES].sort(),
    );
  });

  it("keeps one school's custom roles invisible and untouchable from another", async () => {
    const a = await schoolWithOwner();
    const b = await schoolWithOwner();
    const created = await call(a.school, a.owner, 'POST', '/api/roles', {
      name: 'Librarian',
      description: 'Runs the library',
      permissions: ['students.view'],
    });
    expect(created.statusCode).toBe(201);
    const librarian = created.json<RoleBody>();
    expect(librarian).toMatchObject({ name: 'Librarian', system: false, activeHolders: 0 });

    expect((await rolesOf(b.school, b.owner)).map((role) => role.name)).not.toContain('Librarian');
    const payload = { name: 'Hijacked', permissions: [] };
    expect(
      (await call(b.school, b.owner, 'PUT', `/api/roles/${librarian.id}`, payload)).json(),
    ).toMatchObject({ error: { code: 'ROLE_NOT_FOUND' } });
    expect((await call(b.school, b.owner, 'DELETE', `/api/roles/${librarian.id}`)).statusCode).toBe(
      404,
    );
    const stranger = await addMember(t, b.school, { firstName: 'Stella', lastName: 'Stranger' });
    expect(
      (
        await call(b.school, b.owner, 'POST', `/api/roles/${librarian.id}/assignments`, {
          userId: stranger.userId,
        })
      ).statusCode,
    ).toBe(404);
    // The same name is free in school B: roles belong to their school.
    expect(
      (
        await call(b.school, b.owner, 'POST', '/api/roles', {
          name: 'librarian',
          permissions: [],
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (await rolesOf(a.school, a.owner)).find((role) => role.id === librarian.id),
    ).toMatchObject({ name: 'Librarian', permissions: ['students.view'] });
  });

  it('lets one account be Teacher in school A and nothing in school B', async () => {
    const a = await schoolWithOwner();
    const b = await schoolWithOwner();
    const teacherRole = (
      await call(a.school, a.owner, 'POST', '/api/roles', {
        name: 'Teacher',
        permissions: ['students.view', 'coursework.grade'],
      })
    ).json<RoleBody>();
    const { member, session } = await memberWithRole(a.school, a.owner, 'Tess', teacherRole);
    await addMember(t, b.school, { firstName: 'Tess', lastName: 'Member', userId: member.userId });

    const inA = await call(a.school, session, 'GET', '/api/auth/me');
    expect(inA.json()).toMatchObject({
      roles: [{ id: teacherRole.id, name: 'Teacher', systemKey: null }],
      permissions: ['coursework.grade', 'students.view'],
    });
    const atB = await signIn(t.app, b.school.host, member.username, member.password);
    const inB = await call(b.school, atB, 'GET', '/api/auth/me');
    expect(inB.statusCode).toBe(200);
    expect(inB.json()).toMatchObject({ roles: [], permissions: [] });
    expect((await call(b.school, atB, 'GET', '/api/roles')).statusCode).toBe(403);
    // A's token is no key to B.
    expect((await call(b.school, session, 'GET', '/api/auth/me')).statusCode).toBe(401);
  });

  it('answers 403 naming the permission without it, 200 with it, and a removal counts on the next request', async () => {
    const { school, owner } = await schoolWithOwner();
    const clerk = (
      await call(school, owner, 'POST', '/api/roles', { name: 'Clerk', permissions: [] })
    ).json<RoleBody>();
    const { session } = await memberWithRole(school, owner, 'Cleo', clerk);

    const refused = await call(school, session, 'GET', '/api/roles');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      error: { code: 'FORBIDDEN', details: { missingPermissions: ['roles.view'] } },
    });
    expect(refused.json().error.message).toContain('roles.view');

    const grant = { name: 'Clerk', permissions: ['roles.view'] };
    expect((await call(school, owner, 'PUT', `/api/roles/${clerk.id}`, grant)).statusCode).toBe(
      200,
    );
    expect((await call(school, session, 'GET', '/api/roles')).statusCode).toBe(200);

    const revoke = { name: 'Clerk', permissions: [] };
    expect((await call(school, owner, 'PUT', `/api/roles/${clerk.id}`, revoke)).statusCode).toBe(
      200,
    );
    expect((await call(school, session, 'GET', '/api/roles')).statusCode).toBe(403);

    // PATCH /api/school needs school.update.
    const patch = await call(school, session, 'PATCH', '/api/school', { timezone: 'UTC' });
    expect(patch.json()).toMatchObject({
      error: { code: 'FORBIDDEN', details: { missingPermissions: ['school.update'] } },
    });
    expect(
      (await call(school, owner, 'PATCH', '/api/school', { timezone: 'UTC' })).statusCode,
    ).toBe(200);
  });

  it('tells other API instances of a role change through the database', async () => {
    const other = await createTestApp();
    try {
      const { school, owner } = await schoolWithOwner();
      const clerk = (
        await call(school, owner, 'POST', '/api/roles', {
          name: 'Clerk',
          permissions: ['roles.view'],
        })
      ).json<RoleBody>();
      const { session } = await memberWithRole(school, owner, 'Cora', clerk);
      const onOther = () =>
        other.app.inject({
          method: 'GET',
          url: '/api/roles',
          headers: { host: school.host, ...session.bearer },
        });
      expect((await onOther()).statusCode).toBe(200); // cached there now

      await call(school, owner, 'PUT', `/api/roles/${clerk.id}`, {
        name: 'Clerk',
        permissions: [],
      });
      let status = 200;
      for (let attempt = 0; attempt < 40 && status === 200; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (await onOther()).statusCode;
      }
      expect(status).toBe(403);
    } finally {
      await other.close();
    }
  });

  it('never lets the Owner role lose a permission, its name or its last holder', async () => {
    const { school, owner } = await schoolWithOwner();
    const ownerRole = await roleId(school, owner, 'owner');
    const stripped = await call(school, owner, 'PUT', `/api/roles/${ownerRole}`, {
      name: 'Owner',
      permissions: ALL_PERMISSION_CODES.filter((code) => code !== 'roles.view'),
    });
    expect(stripped.statusCode).toBe(409);
    expect(stripped.json()).toMatchObject({ error: { code: 'OWNER_ROLE_PROTECTED' } });
    const renamed = await call(school, owner, 'PUT', `/api/roles/${ownerRole}`, {
      name: 'Boss',
      permissions: ALL_PERMISSION_CODES,
    });
    expect(renamed.statusCode).toBe(409);
    expect((await call(school, owner, 'DELETE', `/api/roles/${ownerRole}`)).statusCode).toBe(409);
    const adminRole = await roleId(school, owner, 'admin');
    expect((await call(school, owner, 'DELETE', `/api/roles/${adminRole}`)).json()).toMatchObject({
      error: { code: 'SYSTEM_ROLE_PROTECTED' },
    });

    const last = await call(
      school,
      owner,
      'DELETE',
      `/api/roles/${ownerRole}/assignments/${school.ownerUserId}`,
    );
    expect(last.statusCode).toBe(409);
    expect(last.json()).toMatchObject({ error: { code: 'LAST_OWNER' } });

    // With a second Owner, the first may step down; then the second is the last.
    const { member: second } = await memberWithRole(school, owner, 'Otto', { id: ownerRole });
    expect(
      (
        await call(
          school,
          owner,
          'DELETE',
          `/api/roles/${ownerRole}/assignments/${school.ownerUserId}`,
        )
      ).statusCode,
    ).toBe(204);
    const secondSession = await signIn(t.app, school.host, second.username, second.password);
    expect(
      (
        await call(
          school,
          secondSession,
          'DELETE',
          `/api/roles/${ownerRole}/assignments/${second.userId}`,
        )
      ).json(),
    ).toMatchObject({ error: { code: 'LAST_OWNER' } });
    // The stepped-down owner holds nothing now.
    expect((await call(school, owner, 'GET', '/api/roles')).statusCode).toBe(403);
  });

  it('lets nobody hand out a permission they lack, or make an Owner unless they are one', async () => {
    const { school, owner } = await schoolWithOwner();
    const { session: admin, member } = await memberWithRole(school, owner, 'Ada', {
      id: await roleId(school, owner, 'admin'),
    });
    const escalate = await call(school, admin, 'POST', '/api/roles', {
      name: 'Purger',
      permissions: ['students.purge'],
    });
    expect(escalate.statusCode).toBe(403);
    expect(escalate.json()).toMatchObject({
      error: { details: { missingPermissions: ['students.purge'] } },
    });
    const ownerRole = await roleId(school, owner, 'owner');
    const selfPromotion = await call(school, admin, 'POST', `/api/roles/${ownerRole}/assignments`, {
      userId: member.userId,
    });
    expect(selfPromotion.statusCode).toBe(403);
    // What an Admin holds, an Admin may give.
    expect(
      (
        await call(school, admin, 'POST', '/api/roles', {
          name: 'Registrar',
          permissions: ['students.view', 'students.create'],
        })
      ).statusCode,
    ).toBe(201);
  });

  it('lets nobody change or take away a role whose permissions they lack', async () => {
    const { school, owner } = await schoolWithOwner();
    const editor = (
      await call(school, owner, 'POST', '/api/roles', {
        name: 'Role editor',
        permissions: ['roles.view', 'roles.update', 'roles.assign'],
      })
    ).json<RoleBody>();
    const { session } = await memberWithRole(school, owner, 'Eddie', editor);
    const adminRole = await roleId(school, owner, 'admin');
    const emptied = await call(school, session, 'PUT', `/api/roles/${adminRole}`, {
      name: 'Admin',
      permissions: [],
    });
    expect(emptied.statusCode).toBe(403);
    const ownerRole = await roleId(school, owner, 'owner');
    const retitled = await call(school, session, 'PUT', `/api/roles/${ownerRole}`, {
      name: 'Owner',
      description: 'mine now',
      permissions: ALL_PERMISSION_CODES,
    });
    expect(retitled.statusCode).toBe(403);
    const { member: admin } = await memberWithRole(school, owner, 'Adele', { id: adminRole });
    expect(
      (await call(school, session, 'DELETE', `/api/roles/${adminRole}/assignments/${admin.userId}`))
        .statusCode,
    ).toBe(403);
    const roles = Object.fromEntries((await rolesOf(school, owner)).map((r) => [r.id, r]));
    expect(roles[adminRole].permissions.length).toBeGreaterThan(10);
    expect(roles[adminRole].activeHolders).toBe(1);
  });

  it('answers 404, never 500, when a role is deleted while it is being given', async () => {
    const { school, owner } = await schoolWithOwner();
    const people = await Promise.all(
      ['Una', 'Vic', 'Wes', 'Xia'].map((firstName) =>
        addMember(t, school, { firstName, lastName: 'Racer' }),
      ),
    );
    for (let attempt = 0; attempt < 4; attempt++) {
      const role = (
        await call(school, owner, 'POST', '/api/roles', {
          name: `Fleeting ${attempt}`,
          permissions: [],
        })
      ).json<RoleBody>();
      const answers = await Promise.all([
        ...people.map((person) =>
          call(school, owner, 'POST', `/api/roles/${role.id}/assignments`, {
            userId: person.userId,
          }),
        ),
        call(school, owner, 'DELETE', `/api/roles/${role.id}`),
      ]);
      for (const answer of answers) expect([201, 204, 404]).toContain(answer.statusCode);
    }
  });

  it('makes the owner of a school that predates roles its Owner when tenants migrate runs', async () => {
    const { school } = await schoolWithOwner();
    const schema = `school_${school.slug}`;
    await withOwnerClient(async (db) => {
      await db.query(`DROP TABLE "${schema}".user_roles, "${schema}".role_permissions,
                        "${schema}".roles, "${schema}".permissions`);
      await db.query(`DROP FUNCTION "${schema}".access_changed()`);
      await db.query(
        `DELETE FROM "${schema}".school_migrations WHERE name LIKE 'RolesAndPermissions%'`,
      );
      await db.query(
        // The version it really had before roles existed (an unknown name would mean "ahead").
        `UPDATE tenant_migration_ledger SET last_migration = 'SchoolBasics1763900000100'
          WHERE organization_id = $1`,
        [school.id],
      );
    });
    const summary = await t.app
      .get(TenantMigrator)
      .migrateFleet({ concurrency: 1, slugs: [school.slug] });
    expect(summary.failed).toEqual([]);
    const owner = await signIn(t.app, school.host, school.ownerUsername);
    expect((await call(school, owner, 'GET', '/api/auth/me')).json()).toMatchObject({
      roles: [{ systemKey: 'owner' }],
    });
  });

  describe('refusing bad input', () => {
    let school: RegisteredSchool;
    let owner: SignedIn;
    beforeAll(async () => ({ school, owner } = await schoolWithOwner()));

    it.each<[string, Method, string, object]>([
      [
        'an unknown permission',
        'POST',
        '/api/roles',
        { name: 'Odd', permissions: ['students.view', 'students.fly'] },
      ],
      ['a role id that is no UUID', 'PUT', '/api/roles/not-a-uuid', { name: 'x', permissions: [] }],
      ['a blank name', 'POST', '/api/roles', { name: '   ', permissions: [] }],
      [
        'a NUL in the description',
        'POST',
        '/api/roles',
        { name: 'Nul', description: 'a\u0000b', permissions: [] },
      ],
    ])(
      'refuses %s with the shared error shape, changing nothing',
      async (_case, method, url, payload) => {
        const before = await rolesOf(school, owner);
        const refused = await call(school, owner, method, url, payload);
        expect(refused.statusCode).toBe(400);
        expect(refused.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
        expect(await rolesOf(school, owner)).toEqual(before);
      },
    );
  });

  it('refuses a taken name, a missing person and a role not held, and changes nothing', async () => {
    const { school, owner } = await schoolWithOwner();
    const taken = await call(school, owner, 'POST', '/api/roles', {
      name: 'ADMIN',
      permissions: [],
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: { code: 'ROLE_NAME_TAKEN' } });
    const nobody = await call(
      school,
      owner,
      'POST',
      `/api/roles/${await roleId(school, owner, 'admin')}/assignments`,
      { userId: '00000000-0000-4000-8000-000000000000' },
    );
    expect(nobody.json()).toMatchObject({ error: { code: 'PERSON_NOT_FOUND' } });
    const notHeld = await call(
      school,
      owner,
      'DELETE',
      `/api/roles/${await roleId(school, owner, 'admin')}/assignments/${school.ownerUserId}`,
    );
    expect(notHeld.statusCode).toBe(404);
    expect(notHeld.json()).toMatchObject({ error: { code: 'ASSIGNMENT_NOT_FOUND' } });
    expect((await rolesOf(school, owner)).map((role) => role.name)).toEqual([
      'Owner',
      'Admin',
      'Instructor',
      'Student',
      'Guardian',
    ]);
  });

  it('declares a permission on every signed-in school route', () => {
    const routes = schoolRoutes(t.app.get(ModulesContainer));
    const undeclared = routes.filter((route) => route.declaration === undefined);
    // The probe mounted by this test is the only one allowed to be caught here.
    expect(undeclared.map((route) => route.route)).toEqual(['GET /test/undeclared']);
    expect(routes.find((route) => route.route === 'GET /api/roles')?.declaration).toEqual([
      'roles.view',
    ]);
    expect(routes.length).toBeGreaterThan(8);
  });

  it('closes an undeclared route to everyone, the Owner included', async () => {
    const { school, owner } = await schoolWithOwner();
    const response = await call(school, owner, 'GET', '/test/undeclared');
    expect(response.statusCode).toBe(403);
  });

  it('brings a new catalog permission to existing schools through tenants migrate', async () => {
    const { school, owner } = await schoolWithOwner();
    const instructorRole = await roleId(school, owner, 'instructor');
    // The school customised Instructor: no students.view.
    const customised = ['coursework.view', 'coursework.grade'];
    await call(school, owner, 'PUT', `/api/roles/${instructorRole}`, {
      name: 'Instructor',
      permissions: customised,
    });
    // Pretend coursework.manage is new in code: the school has never heard of it.
    const schema = `school_${school.slug}`;
    await withOwnerClient(async (db) => {
      await db.query(`DELETE FROM "${schema}".permissions WHERE code = 'coursework.manage'`);
      await db.query(
        `UPDATE tenant_migration_ledger SET schema_version = 'older' WHERE organization_id = $1`,
        [school.id],
      );
    });
    const summary = await t.app
      .get(TenantMigrator)
      .migrateFleet({ concurrency: 2, slugs: [school.slug] });
    expect(summary.migrated).toEqual([school.slug]);
    const roles = Object.fromEntries(
      (await rolesOf(school, owner)).map((role) => [role.systemKey, role.permissions]),
    );
    // The new permission reached the roles whose defaults include it, and only it was added.
    expect(roles.instructor).toEqual([...customised, 'coursework.manage'].sort());
    expect(roles.admin).toContain('coursework.manage');
    expect(roles.owner).toEqual([...ALL_PERMISSION_CODES].sort());
    expect(roles.student).not.toContain('coursework.manage');
    const again = await t.app
      .get(TenantMigrator)
      .migrateFleet({ concurrency: 2, slugs: [school.slug] });
    expect(again.migrated).toEqual([]);
  });
});
