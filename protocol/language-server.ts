// What the extension tells its language server beyond LSP: the workspace's trust, and the port it talks over.
import type { MessagePort } from 'node:worker_threads';

/** `initializationOptions` of the FlowTracer language server. */
export interface LanguageServerInitOptions {
  /** False in an untrusted workspace: `schema:` paths outside its folders (absolute, UNC, `../..`) are not read. Absent: trusted. */
  readonly trusted: boolean;
}

/** `workerData` of the language server's worker thread (VS Code runs it in one): LSP goes over this port. */
export interface LanguageServerWorkerData {
  readonly languageServerPort: MessagePort;
}

/** Sent when the user trusts the workspace (VS Code's onDidGrantWorkspaceTrust); trust is never withdrawn without a reload. */
export const WORKSPACE_TRUSTED_NOTIFICATION = 'flowtracer/workspaceTrusted';

/** The language id of `.flow.yaml` documents (package.json `contributes.languages`), the client's document selector. */
export const FLOW_LANGUAGE_ID = 'flow-yaml';
