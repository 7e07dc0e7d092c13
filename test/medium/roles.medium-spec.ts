import {
  ALL_PERMISSION_CODES,
  type PermissionCode,
  RolesService,
  SchoolAccess,
} from '@schoolyard/rbac';
import { type RoleView } from '../../libs/rbac/dto/roles.dto';
import { factories } from '../support/factories';
import { createMediumTier, type MediumTier, refusal, type TestSchool } from '../support/medium';

let tier: MediumTier;
let school: TestSchool;
let make: ReturnType<typeof factories>;
let roles: RolesService;
let access: SchoolAccess;

beforeAll(async () => {
  tier = await createMediumTier();
  school = await tier.provision();
  make = factories(tier);
  roles = tier.get(RolesService);
  access = tier.get(SchoolAccess);
});

afterAll(() => tier?.close());

let named = 0;
const roleName = () => `Role ${++named}`;

const systemRole = async (key: string): Promise<RoleView> => {
  const all = await tier.inSchool(school, () => roles.list());
  const role = all.find((candidate) => candidate.systemKey === key);
  if (!role) throw new Error(`no system role ${key}`);
  return role;
};

/** What the permission guard would find `userId` may do, read through the grants cache. */
const permissionsOf = async (userId: string): Promise<PermissionCode[]> =>
  [...(await access.grantOf(school, userId)).permissions].sort();

describe('granting permissions', () => {
  it('gives a role the permissions asked, and its holders get them at once', async () => {
    const clerk = await make.makeMember(school, ['students.view']);
    expect(await permissionsOf(clerk)).toEqual(['students.view']);
    const [held] = (await access.grantOf(school, clerk)).roles;
    // Cached now; the change below must not be hidden by the cache.
    await tier.inSchool(school, () =>
      roles.replace(held.id, { name: held.name, permissions: ['students.view', 'staff.view'] }),
    );
    expect(await permissionsOf(clerk)).toEqual(['staff.view', 'students.view']);
  });

  it('takes permissions away when the role is taken away', async () => {
    const clerk = await make.makeMember(school, ['guardians.view']);
    const [held] = (await access.grantOf(school, clerk)).roles;
    await tier.inSchool(school, () => roles.unassign(held.id, clerk));
    expect(await permissionsOf(clerk)).toEqual([]);
  });

  it('refuses to hand out a permission the caller does not hold, naming it', async () => {
    const clerk = await make.makeMember(school, ['roles.create', 'students.view']);
    const refused = await refusal(
      tier.inSchool(
        school,
        () => roles.create({ name: roleName(), permissions: ['students.view', 'students.purge'] }),
        clerk,
      ),
    );
    expect(refused.code).toBe('FORBIDDEN');
    expect(JSON.stringify(refused.details)).toContain('students.purge');
    // What the caller holds they may hand out.
    const made = await tier.inSchool(
      school,
      () => roles.create({ name: roleName(), permissions: ['students.view'] }),
      clerk,
    );
    expect(made.permissions).toEqual(['students.view']);
  });

  it('refuses a name another role has', async () => {
    const name = roleName();
    await tier.inSchool(school, () => roles.create({ name, permissions: [] }));
    const refused = await refusal(
      tier.inSchool(school, () => roles.create({ name: ` ${name} `, permissions: [] })),
    );
    expect(refused.code).toBe('ROLE_NAME_TAKEN');
  });
});

describe('system roles', () => {
  it('keeps every permission on the Owner role, whatever is asked', async () => {
    const owner = await systemRole('owner');
    expect([...owner.permissions].sort()).toEqual([...ALL_PERMISSION_CODES].sort());
    const fewer = ALL_PERMISSION_CODES.filter((code) => code !== 'billing.manage');
    const refused = await refusal(
      tier.inSchool(school, () =>
        roles.replace(owner.id, { name: owner.name, permissions: fewer }),
      ),
    );
    expect(refused.code).toBe('OWNER_ROLE_PROTECTED');
  });

  it.each([
    ['renaming the Owner role', 'owner', 'rename', 'OWNER_ROLE_PROTECTED'],
    ['deleting the Owner role', 'owner', 'delete', 'OWNER_ROLE_PROTECTED'],
    ['renaming the Admin role', 'admin', 'rename', 'SYSTEM_ROLE_PROTECTED'],
    ['deleting the Admin role', 'admin', 'delete', 'SYSTEM_ROLE_PROTECTED'],
  ] as const)('refuses %s', async (_case, key, change, code) => {
    const role = await systemRole(key);
    const refused = await refusal(
      tier.inSchool(school, async () => {
        if (change === 'delete') await roles.remove(role.id);
        else
          await roles.replace(role.id, { name: 'Renamed', permissions: [...ALL_PERMISSION_CODES] });
      }),
    );
    expect(refused.code).toBe(code);
    expect((await systemRole(key)).name).toBe(role.name);
  });

  it("lets the Admin role's permissions change, keeping its name", async () => {
    const admin = await systemRole('admin');
    const changed = await tier.inSchool(school, () =>
      roles.replace(admin.id, { name: admin.name, permissions: ['students.view'] }),
    );
    expect(changed.permissions).toEqual(['students.view']);
  });

  it("refuses to take the Owner role from the school's last Owner", async () => {
    const owner = await systemRole('owner');
    const refused = await refusal(
      tier.inSchool(school, () => roles.unassign(owner.id, school.ownerUserId)),
    );
    expect(refused.code).toBe('LAST_OWNER');
  });

  it('lets only an Owner make Owners, even a caller holding every permission', async () => {
    const owner = await systemRole('owner');
    const deputy = await make.makeMember(school, [...ALL_PERMISSION_CODES]);
    const refused = await refusal(
      tier.inSchool(school, () => roles.assign(owner.id, deputy), deputy),
    );
    expect(refused.code).toBe('FORBIDDEN');
  });
});
