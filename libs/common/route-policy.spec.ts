import { Body, Controller, Get, HttpStatus, Param, Post } from '@nestjs/common';
import { AppError } from './app-error';
import { policyOfHandler, resolvePolicy, Route, type RouteDeclaration } from './route-policy';
import { GUARD_REFUSALS, impliedRefusals, refusalOf } from './route-refusals';

const studentNotFound = () =>
  new AppError(HttpStatus.NOT_FOUND, 'STUDENT_NOT_FOUND', 'There is no such student');
const taken = (name: string) =>
  new AppError(HttpStatus.CONFLICT, 'NAME_TAKEN', `"${name}" is taken`);

class StudentBody {
  name!: string;
}

@Controller('students')
class StudentsProbe {
  @Route({
    at: 'school',
    access: { permissions: ['students.update'] },
    errors: [studentNotFound, taken('Ada')],
  })
  @Post(':id')
  update(@Param('id') _id: string, @Body() _body: StudentBody): void {}

  @Route({ at: 'school', access: 'public' })
  @Get('branding')
  branding(): void {}

  @Route({ at: 'school', access: { signedIn: 'the token proves it', optional: true } })
  @Post('accept')
  accept(): void {}

  @Route({
    at: 'school-or-platform',
    access: { signedIn: 'anyone signed in reads their own account' },
    transaction: 'manual',
    allowedDuringPasswordChange: true,
  })
  @Get('me')
  me(): void {}
}

// Where @nestjs/swagger keeps what its decorators declare (its constants are not exported).
const API_RESPONSE = 'swagger/apiResponse';
const API_SECURITY = 'swagger/apiSecurity';

type Responses = Record<string, { description: string; examples: Record<string, unknown> }>;
const responsesOf = (handler: object) => Reflect.getMetadata(API_RESPONSE, handler) as Responses;
const securityOf = (handler: object) =>
  Reflect.getMetadata(API_SECURITY, handler) as Array<Record<string, string[]>>;
const codesOf = (responses: Responses, status: number) =>
  Object.keys(responses[String(status)]?.examples ?? {});

describe('@Route', () => {
  const handlers = StudentsProbe.prototype;

  it('stores one resolved policy per handler, read from one place', () => {
    expect(policyOfHandler(handlers.update)).toEqual({
      scope: 'school',
      signIn: 'required',
      permissions: ['students.update'],
      noPermissionReason: undefined,
      platformAdminOnly: false,
      requestTransaction: true,
      allowedDuringPasswordChange: false,
      revealsSecrets: false,
    });
    expect(policyOfHandler(handlers.me)).toMatchObject({
      signIn: 'required',
      permissions: [],
      noPermissionReason: 'anyone signed in reads their own account',
      requestTransaction: false,
      allowedDuringPasswordChange: true,
    });
    expect(policyOfHandler(handlers.branding)).toMatchObject({ signIn: 'none', permissions: [] });
    // The same object every time: the guards ask on every request.
    expect(policyOfHandler(handlers.update)).toBe(policyOfHandler(handlers.update));
    expect(policyOfHandler(() => undefined)).toBeUndefined();
  });

  it("documents the handler's own refusals beside the guards', one response per status", () => {
    const responses = responsesOf(handlers.update);
    expect(codesOf(responses, 404)).toEqual(['SCHOOL_NOT_FOUND', 'STUDENT_NOT_FOUND']);
    expect(codesOf(responses, 409)).toEqual(['NAME_TAKEN']);
    expect(codesOf(responses, 401)).toContain('AUTHENTICATION_REQUIRED');
    expect(codesOf(responses, 403)).toEqual(
      expect.arrayContaining(['FORBIDDEN', 'CSRF_TOKEN_INVALID', 'PASSWORD_CHANGE_REQUIRED']),
    );
    expect(codesOf(responses, 400)).toEqual(['VALIDATION_FAILED', 'MALFORMED_JSON']);
    expect(codesOf(responses, 429)).toEqual(['RATE_LIMITED']);
    expect(responses['409'].description).toBe('`NAME_TAKEN`: "Ada" is taken');
    expect(securityOf(handlers.update)).toEqual([{ bearer: [] }, { 'access-cookie': [] }]);
  });

  it('gives a public route no security and no sign-in refusals', () => {
    const responses = responsesOf(handlers.branding);
    expect(securityOf(handlers.branding)).toBeUndefined();
    expect(responses['401']).toBeUndefined();
    expect(codesOf(responses, 403)).toEqual(['SCHOOL_SUSPENDED', 'SCHOOL_ARCHIVED']);
    expect(responses['400']).toBeUndefined(); // nothing to validate
  });

  it('lets an optional sign-in route be called with no credentials', () => {
    expect(securityOf(handlers.accept)).toEqual([{ bearer: [] }, { 'access-cookie': [] }, {}]);
    const codes = codesOf(responsesOf(handlers.accept), 401);
    expect(codes).not.toContain('AUTHENTICATION_REQUIRED');
    expect(codes).toContain('INVALID_TOKEN');
  });

  it('leaves out what a route cannot answer: CSRF on a read, password change where allowed', () => {
    const codes = Object.values(responsesOf(handlers.me)).flatMap((r) => Object.keys(r.examples));
    expect(codes).not.toContain('CSRF_TOKEN_INVALID');
    expect(codes).not.toContain('PASSWORD_CHANGE_REQUIRED');
    expect(codes).not.toContain('FORBIDDEN');
  });

  it('must be written above the verb, whose method it reads', () => {
    expect(() => {
      class Misplaced {
        @Get()
        @Route({ at: 'school', access: 'public' })
        read(): void {}
      }
      return Misplaced;
    }).toThrow(/above @Get/);
  });

  it('closes a signed-in route that declares nothing (only reachable by a cast)', () => {
    const undeclared = resolvePolicy({ at: 'school' } as unknown as RouteDeclaration);
    expect(undeclared.permissions).toBeUndefined();
    expect(undeclared.signIn).toBe('required');
    const platform = resolvePolicy({ at: 'platform', access: 'platform-admin' });
    expect(platform).toMatchObject({ platformAdminOnly: true, requestTransaction: false });
  });

  it('refuses by type a signed-in school route without permissions or a reason', () => {
    const declarations: RouteDeclaration[] = [
      // @ts-expect-error: signed in, but neither permissions nor a reason
      { at: 'school', access: {} },
      // @ts-expect-error: the list of permissions cannot be empty
      { at: 'school', access: { permissions: [] } },
      // @ts-expect-error: platform admins exist only at the platform's address
      { at: 'school', access: 'platform-admin' },
      // @ts-expect-error: a route served anywhere is public
      { at: 'anywhere', access: { signedIn: 'why' } },
      // @ts-expect-error: no school, no school transaction to hold
      { at: 'platform', access: 'public', transaction: 'manual' },
    ];
    expect(declarations).toHaveLength(5);
  });
});

describe('the refusal catalogue', () => {
  it("reads a factory's status, code and message, or those of the error it made", () => {
    expect(refusalOf(studentNotFound)).toEqual({
      status: 404,
      code: 'STUDENT_NOT_FOUND',
      message: 'There is no such student',
    });
    expect(refusalOf(taken('Ada'))).toMatchObject({ status: 409, code: 'NAME_TAKEN' });
  });

  it('adds the platform-admin refusal where a signed-in route meets no school', () => {
    const admin = resolvePolicy({ at: 'platform', access: 'platform-admin' });
    const input = { body: false, queryOrPath: false, changes: false };
    expect(impliedRefusals(admin, input)).toContain(GUARD_REFUSALS.platformAdminRequired);
    const ownAccount = resolvePolicy({ at: 'platform', access: { signedIn: 'own account' } });
    expect(impliedRefusals(ownAccount, input)).not.toContain(GUARD_REFUSALS.platformAdminRequired);
    expect(impliedRefusals(ownAccount, input)).toContain(GUARD_REFUSALS.platformOnly);
    const health = resolvePolicy({ at: 'anywhere', access: 'public' });
    expect(impliedRefusals(health, input)).toEqual([]);
  });
});
