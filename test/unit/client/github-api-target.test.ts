// Where the GitHub token goes: only api.github.com or the user's GitHub Enterprise host; workspace values are reported, never used.
import { strict as assert } from 'node:assert';
import { githubApiTarget, type ScopedValue } from '../../../client/access/github-api-target';
import { MASK } from '../../../flow/secret-mask';

const apiUrl = (global?: string, workspace: string[] = []): ScopedValue => ({ key: 'flowtracer.github.apiUrl', global, workspace });
const ghe = (global?: string, workspace: string[] = []): ScopedValue => ({ key: 'github-enterprise.uri', global, workspace });

describe('GitHub API target', () => {
  it('is api.github.com by default', () => {
    assert.deepEqual(githubApiTarget(apiUrl(), ghe()), { base: 'https://api.github.com', ignored: [] });
  });

  it('is <uri>/api/v3 for the user\'s GitHub Enterprise host', () => {
    assert.deepEqual(githubApiTarget(apiUrl(), ghe('https://ghe.example.com/')), { base: 'https://ghe.example.com/api/v3', ignored: [] });
  });

  it('ignores workspace values of both settings and says so', () => {
    const target = githubApiTarget(apiUrl(undefined, ['/repo/.vscode/settings.json']), ghe(undefined, ['/repo/.vscode/settings.json']));
    assert.equal(target.base, 'https://api.github.com');
    assert.deepEqual(target.ignored, [
      "ignored the workspace's flowtracer.github.apiUrl (/repo/.vscode/settings.json): the GitHub token goes only to https://api.github.com; only your user settings can change that",
      "ignored the workspace's github-enterprise.uri (/repo/.vscode/settings.json): the GitHub token goes only to https://api.github.com; only your user settings can change that",
    ]);
  });

  it('keeps the user\'s Enterprise host when the workspace names another', () => {
    const target = githubApiTarget(apiUrl(), ghe('https://ghe.example.com', ['/repo/my.code-workspace']));
    assert.equal(target.base, 'https://ghe.example.com/api/v3');
    assert.match(target.ignored[0]!, /^ignored the workspace's github-enterprise\.uri \(\/repo\/my\.code-workspace\): the GitHub token goes only to https:\/\/api\.github\.com or your GitHub Enterprise host ghe\.example\.com;/);
  });

  it('takes a user apiUrl only on api.github.com or the Enterprise host (or its api. subdomain)', () => {
    assert.equal(githubApiTarget(apiUrl('https://api.github.com/'), ghe()).base, 'https://api.github.com');
    assert.equal(githubApiTarget(apiUrl('https://ghe.example.com/custom/api'), ghe('https://ghe.example.com')).base, 'https://ghe.example.com/custom/api');
    assert.equal(githubApiTarget(apiUrl('https://api.ghe.example.com'), ghe('https://ghe.example.com')).base, 'https://api.ghe.example.com');
    for (const elsewhere of ['https://collector.example', 'http://api.github.com', 'https://user:pw@api.github.com', 'https://api.github.com.evil.example', 'not a url']) {
      const target = githubApiTarget(apiUrl(elsewhere), ghe());
      assert.equal(target.base, 'https://api.github.com', elsewhere);
      const shown = elsewhere.replace('user:pw@', `${MASK}@`);
      assert.deepEqual(target.ignored, [`ignored your flowtracer.github.apiUrl "${shown}": the GitHub token goes only to https://api.github.com`]);
    }
  });

  it('ignores an Enterprise URI that is not http(s)', () => {
    const target = githubApiTarget(apiUrl(), ghe('file:///etc'));
    assert.equal(target.base, 'https://api.github.com');
    assert.deepEqual(target.ignored, ['ignored your github-enterprise.uri "file:///etc": it is not an http(s) URL']);
  });
});
