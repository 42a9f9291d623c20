// Access decisions against memberships answered by a real local HTTP server (the fake GitHub).
import { strict as assert } from 'node:assert';
import { CachedMemberships, decideAccess, githubRuleOf, MEMBERSHIP_TTL_MS } from '../../../flow/access-rules';
import { GithubApiError, GithubRestMemberships, githubApiBase } from '../../../protocol/github-memberships';
import { startFakeGithub, type FakeGithub } from '../../support/fake-github';

describe('GitHub access rules', () => {
  let github: FakeGithub;
  before(async () => {
    github = await startFakeGithub({
      tokens: { 'tok-alice': 'alice', 'tok-bob': 'bob', 'tok-carol': 'carol', 'tok-dave': 'dave' },
      orgs: { acme: ['bob'], saml: ['bob'] },
      teams: { 'acme/platform-ops': ['carol'] },
      ids: { bob: 4242 },
      sso: ['saml'],
    });
  });
  after(() => github.close());
  beforeEach(() => {
    github.requests.splice(0);
    github.failWith(undefined);
  });

  const rule = githubRuleOf({ github: { users: ['Alice'], orgs: ['acme'], teams: ['acme/platform-ops'] } });
  const as = (login: string) => ({ actor: { kind: 'github' as const, login, id: '7' }, members: new GithubRestMemberships(github.url, `tok-${login}`) });

  it('allows a listed user without asking GitHub', async () => {
    const { actor, members } = as('alice');
    assert.deepEqual(await decideAccess(rule, actor, members), { allowed: true, because: 'alice is listed in users' });
    assert.deepEqual(github.requests, []);
  });

  it('allows a member of a listed org', async () => {
    const { actor, members } = as('bob');
    assert.deepEqual(await decideAccess(rule, actor, members), { allowed: true, because: 'bob is a member of acme' });
    assert.deepEqual(github.requests, ['/user/memberships/orgs/acme']);
  });

  it('allows an active member of a listed team', async () => {
    const { actor, members } = as('carol');
    assert.deepEqual(await decideAccess(rule, actor, members), { allowed: true, because: 'carol is a member of acme/platform-ops' });
    assert.deepEqual(github.requests, ['/user/memberships/orgs/acme', '/orgs/acme/members/carol', '/orgs/acme/teams/platform-ops/memberships/carol']);
  });

  it('refuses a signed-in user in none of them and says who is signed in and what the flow requires', async () => {
    const { actor, members } = as('dave');
    assert.deepEqual(await decideAccess(rule, actor, members), {
      allowed: false,
      message: 'dave is signed in to GitHub, but this flow may be run only by one of the users Alice, or a member of acme, or a member of the team acme/platform-ops.',
    });
  });

  it('refuses the local user when the flow has a rule', async () => {
    const decision = await decideAccess(githubRuleOf({ github: { orgs: ['acme'] } }), { kind: 'local', name: 'erin' }, as('dave').members);
    assert.deepEqual(decision, { allowed: false, message: 'This flow may be run only by a member of acme on GitHub; nobody is signed in (local user erin). Sign in with GitHub to run it.' });
  });

  it('allows anyone when the flow has no access rule', async () => {
    assert.deepEqual(await decideAccess(githubRuleOf(undefined), { kind: 'local', name: 'erin' }, as('dave').members), { allowed: true, because: 'the flow has no access rule' });
  });

  it('reads a redirect to the public members of an org the asker is not in as "not a member", without following it', async () => {
    assert.equal(await new GithubRestMemberships(github.url, 'tok-dave').isOrgMember('acme', 'dave'), false);
    assert.deepEqual(github.requests, ['/user/memberships/orgs/acme', '/orgs/acme/members/dave']);
  });

  it('fails closed with a sentence when the org enforces SAML single sign-on for the token', async () => {
    await assert.rejects(decideAccess(githubRuleOf({ github: { orgs: ['saml'] } }), as('bob').actor, as('bob').members), (error: unknown) => {
      assert.ok(error instanceof GithubApiError);
      assert.equal(error.message, 'GitHub refused /user/memberships/orgs/saml: the organization enforces SAML single sign-on and the token is not authorized for it; authorize it at https://github.com/orgs/saml/sso?authorization_request=fake.');
      return true;
    });
  });

  it('fails closed when GitHub answers 500, and when the token is not accepted', async () => {
    github.failWith(500);
    await assert.rejects(as('bob').members.isOrgMember('acme', 'bob'), { name: 'GithubApiError', message: 'GitHub answered 500 (Server Error) for /user/memberships/orgs/acme; try again later.' });
    github.failWith(undefined);
    await assert.rejects(new GithubRestMemberships(github.url, 'tok-nobody').isOrgMember('acme', 'bob'), { name: 'GithubApiError', message: 'GitHub did not accept the token (401 (Bad credentials) for /user/memberships/orgs/acme).' });
  });

  it("verifies the token's account with GET /user", async () => {
    assert.deepEqual(await new GithubRestMemberships(github.url, 'tok-bob').user(), { login: 'bob', id: '4242' });
    await assert.rejects(new GithubRestMemberships(github.url, 'tok-nobody').user(), { name: 'GithubApiError' });
  });

  it('keeps a membership answer for at most the TTL, and never an error', async () => {
    let now = 0;
    const cached = new CachedMemberships(as('bob').members, MEMBERSHIP_TTL_MS, () => now);
    assert.equal(await cached.isOrgMember('acme', 'bob'), true);
    now = MEMBERSHIP_TTL_MS - 1;
    assert.equal(await cached.isOrgMember('acme', 'bob'), true);
    assert.deepEqual(github.requests, ['/user/memberships/orgs/acme'], 'the second answer came from the cache');
    now = MEMBERSHIP_TTL_MS;
    github.failWith(503);
    await assert.rejects(cached.isOrgMember('acme', 'bob'), { name: 'GithubApiError' });
    github.failWith(undefined);
    assert.equal(await cached.isOrgMember('acme', 'bob'), true);
    assert.equal(github.requests.length, 3, 'asked again after the TTL and after the error');
    assert.ok(MEMBERSHIP_TTL_MS <= 5 * 60_000);
  });

  it('takes the API base from the override, then GitHub Enterprise, then github.com', () => {
    assert.equal(githubApiBase('http://127.0.0.1:9/', 'https://ghe.example'), 'http://127.0.0.1:9');
    assert.equal(githubApiBase(undefined, 'https://ghe.example/'), 'https://ghe.example/api/v3');
    assert.equal(githubApiBase(undefined, undefined), 'https://api.github.com');
  });
});
