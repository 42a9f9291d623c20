// Test index that VS Code loads (extensionTestsPath): runs the editor suites with mocha inside the extension host.
import Mocha from 'mocha';

export function run(): Promise<void> {
  // FLOWTRACER_EDITOR_GREP reaches the extension host through the VS Code server's environment.
  const grep = process.env.FLOWTRACER_EDITOR_GREP;
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec', ...(grep ? { grep } : {}) });
  // Make describe/it global before the bundled suites register themselves.
  mocha.suite.emit('pre-require', globalThis, 'editor-suite', mocha);
  require('./skeleton.test');
  require('./diagram.test');
  require('./builder.test');
  require('./runs.test');
  require('./trust.test');
  require('./local-hosts.test');
  require('./untrusted-schema.test');
  require('./commands.test');
  require('./retry.test');
  require('./language.test');
  require('./example-run.test');
  require('./live-status.test');
  require('./new-flow.test');
  require('./run-surfaces.test');
  require('./tracing.test');
  require('./messages.test');
  require('./redrive.test');
  require('./messages-actions.test');
  require('./secrets.test');
  require('./settings.test');
  require('./run-store.test');
  require('./example-tasks.test');
  require('./walkthrough.test');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} editor test(s) failed`)) : resolve()));
  });
}
