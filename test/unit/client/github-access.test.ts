// Access decisions against memberships answered by a real local HTTP server (the fake GitHub).
import { strict as assert } from 'node:assert';
import { decideAccess, githubRuleOf } from '../../../client/access/github-access';
import { GithubRestMemberships, githubApiBase } from '../../../client/access/github-memberships';
import { startFakeGithub, type FakeGithub } from '../../support/fake-github';

describe('GitHub access rules', () => {
  let github: FakeGithub;
  before(async () => {
    github = await startFakeGithub({
      tokens: { 'tok-alice': 'alice', 'tok-bob': 'bob', 'tok-carol': 'carol', 'tok-dave': 'dave' },
      orgs: { acme: ['bob'] },
      teams: { 'acme/platform-ops': ['carol'] },
    });
  });
  after(() => github.close());
  beforeEach(() => github.requests.splice(0));

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

  it('takes the API base from the override, then GitHub Enterprise, then github.com', () => {
    assert.equal(githubApiBase('http://127.0.0.1:9/', 'https://ghe.example'), 'http://127.0.0.1:9');
    assert.equal(githubApiBase(undefined, 'https://ghe.example/'), 'https://ghe.example/api/v3');
    assert.equal(githubApiBase(undefined, undefined), 'https://api.github.com');
  });
});
