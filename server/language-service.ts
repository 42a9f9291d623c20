// getFlowLanguageService: the pure language logic (no vscode, no LSP transport) behind the server.
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { checkFlow, type FlowFileSystem } from '../flow/check';
import type { Diagnostic } from '../flow/diagnostic';

export interface LanguageServiceDeps {
  readonly fs: FlowFileSystem;
}

export interface FlowLanguageService {
  doValidation(document: TextDocument): Diagnostic[];
}

export function getFlowLanguageService(deps: LanguageServiceDeps): FlowLanguageService {
  return {
    doValidation(document) {
      const uri = URI.parse(document.uri);
      const path = uri.scheme === 'file' ? uri.fsPath : undefined;
      return [...checkFlow(document.getText(), { path, fs: deps.fs }).diagnostics];
    },
  };
}
