// What the extension tells its language server beyond LSP: the workspace's trust.

/** `initializationOptions` of the FlowTracer language server. */
export interface LanguageServerInitOptions {
  /** False in an untrusted workspace: `schema:` paths outside its folders (absolute, UNC, `../..`) are not read. Absent: trusted. */
  readonly trusted: boolean;
}

/** Sent when the user trusts the workspace (VS Code's onDidGrantWorkspaceTrust); trust is never withdrawn without a reload. */
export const WORKSPACE_TRUSTED_NOTIFICATION = 'flowtracer/workspaceTrusted';

/** The language id of `.flow.yaml` documents (package.json `contributes.languages`), the client's document selector. */
export const FLOW_LANGUAGE_ID = 'flow-yaml';
