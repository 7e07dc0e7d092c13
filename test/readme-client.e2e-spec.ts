import { type AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import {
  authControllerChangePassword,
  authControllerLogin,
  authControllerMe,
  organizationsControllerCheckDomain,
  organizationsControllerRegister,
  schoolControllerGet,
  schoolControllerUpdate,
  studentsControllerActivate,
  studentsControllerEnroll,
  studentsControllerList,
  studentsControllerSlips,
} from '../clients/typescript/src';
import { type Client, createClient, createConfig } from '../clients/typescript/src/client';
import { loopbackFetch } from './support/loopback-fetch';
import { createTestApp, type TestApp, uniqueSubdomain } from './support/test-app';

/** What every generated SDK function resolves to: the body on success, the error otherwise. */
type Outcome<T> = ({ data: T; error: undefined } | { data: undefined; error: unknown }) & {
  response: Response;
};

/** The body of an answer that must have `status`; otherwise fails with what came back. */
async function expectStatus<T>(call: Promise<Outcome<T>>, status: number): Promise<T> {
  const outcome = await call;
  if (outcome.response.status !== status || outcome.error !== undefined) {
    throw new Error(
      `expected ${status}, got ${outcome.response.status}: ${JSON.stringify(outcome.error)}`,
    );
  }
  return outcome.data as T;
}

/**
 * The README's "Try it", step by step, through the TypeScript client generated from
 * docs/openapi.json, against the API listening on a real socket: if the document and the
 * server disagree on a path, a body or a credential, a step fails here.
 */
describe("the README's Try it, through the generated client", () => {
  let t: TestApp;
  let port: number;
  /** A client as a program would make one: the address it calls, and a bearer token or not. */
  let clientAt: (host: string, accessToken?: string) => Client;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    clientAt = (host, accessToken) =>
      createClient(
        createConfig({
          baseUrl: `http://${host}:${port}`,
          fetch: loopbackFetch(port),
          auth: accessToken,
        }),
      );
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves at /docs-json the document published in docs/openapi.json', async () => {
    const served = await loopbackFetch(port)(`http://localhost:${port}/docs-json`);
    expect(served.status).toBe(200);
    const published = JSON.parse(await readFile('docs/openapi.json', 'utf8')) as unknown;
    expect(await served.json()).toEqual(published);
  });

  it('registers two schools, signs the owner in, enrols and activates a student', async () => {
    const platform = clientAt('localhost');
    const oxford = uniqueSubdomain('oxford');
    const cambridge = uniqueSubdomain('cambridge');
    const password = 'a long password';
    const register = (subdomain: string, name: string, firstName: string, lastName: string) =>
      expectStatus(
        organizationsControllerRegister({
          client: platform,
          body: {
            name,
            subdomain,
            owner: { firstName, lastName, email: `${firstName}@${subdomain}.example`, password },
          },
        }),
        201,
      );
    const oxfordHigh = await register(oxford, 'Oxford High', 'Alice', 'Jones');
    const cambridgePrep = await register(cambridge, 'Cambridge Prep', 'Bob', 'Lee');
    expect(oxfordHigh.owner.username).toBe('alicejones');
    expect(cambridgePrep.owner.username).toBe('boblee');

    // Each school is served at its own host name.
    const atOxford = oxfordHigh.organization.host;
    expect(atOxford).toBe(`${oxford}.localhost`);
    const school = (host: string) =>
      expectStatus(schoolControllerGet({ client: clientAt(host) }), 200);
    expect((await school(atOxford)).displayName).toBe('Oxford High');
    expect((await school(cambridgePrep.organization.host)).displayName).toBe('Cambridge Prep');
    const taken = await expectStatus(
      organizationsControllerCheckDomain({ client: platform, query: { subdomain: oxford } }),
      200,
    );
    expect(taken).toMatchObject({ subdomain: oxford, available: false, reason: 'TAKEN' });

    // The owner signs in at the school's address with the school-local username.
    const signedIn = await expectStatus(
      authControllerLogin({
        client: clientAt(atOxford),
        body: { username: 'alicejones', password },
      }),
      200,
    );
    expect(signedIn).toMatchObject({ mustChangePassword: false, school: { slug: oxford } });
    const alice = clientAt(atOxford, signedIn.accessToken);
    const me = await expectStatus(authControllerMe({ client: alice }), 200);
    expect(me.school).toMatchObject({ slug: oxford, name: 'Oxford High' });
    expect(me.school?.id).toBe(oxfordHigh.organization.id);
    const settings = await expectStatus(
      schoolControllerUpdate({ client: alice, body: { timezone: 'Europe/London' } }),
      200,
    );
    expect(settings.timezone).toBe('Europe/London');
    // Typed as the strings the server sends, not as objects: a colour, when set, is #rrggbb.
    expect(settings.primaryColor?.startsWith('#') ?? true).toBe(true);

    // Enrol a student, give them a portal account, print their slip.
    const jose = await expectStatus(
      studentsControllerEnroll({
        client: alice,
        body: { firstName: 'José', lastName: 'Núñez', admissionNumber: 'A-1' },
      }),
      201,
    );
    const activation = await expectStatus(
      studentsControllerActivate({ client: alice, body: { studentIds: [jose.id] } }),
      200,
    );
    expect(activation.activated).toEqual([
      expect.objectContaining({ profileId: jose.id, username: 'josenunez' }),
    ]);
    const slips = await expectStatus(studentsControllerSlips({ client: alice }), 200);
    const slip = slips.find((one) => one.profileId === jose.id);
    expect(slip).toMatchObject({ username: 'josenunez' });
    const listed = await expectStatus(studentsControllerList({ client: alice }), 200);
    expect(listed.data.map((student) => student.id)).toEqual([jose.id]);
    expect(listed.data[0]).toMatchObject({ middleName: null, dateOfBirth: null, gender: null });
    expect(listed.data[0]?.account?.username).toBe('josenunez');

    // José signs in with the temporary password and must choose his own.
    const first = await expectStatus(
      authControllerLogin({
        client: clientAt(atOxford),
        body: { username: 'josenunez', password: slip?.temporaryPassword ?? '' },
      }),
      200,
    );
    expect(first.mustChangePassword).toBe(true);
    const changed = await expectStatus(
      authControllerChangePassword({
        client: clientAt(atOxford, first.accessToken),
        body: {
          currentPassword: slip?.temporaryPassword ?? '',
          newPassword: 'José picks a passphrase of his own',
        },
      }),
      200,
    );
    expect(changed.mustChangePassword).toBe(false);

    // Cambridge's owner sees none of it.
    const bob = await expectStatus(
      authControllerLogin({
        client: clientAt(cambridgePrep.organization.host),
        body: { username: 'boblee', password },
      }),
      200,
    );
    const theirs = await expectStatus(
      studentsControllerList({
        client: clientAt(cambridgePrep.organization.host, bob.accessToken),
      }),
      200,
    );
    expect(theirs.data).toEqual([]);
  });
});
