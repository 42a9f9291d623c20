// Whether an activation exposes the editor tests' seams: only in ExtensionMode.Test (no vscode import, so unit-testable).

/** `vscode.ExtensionMode.Test` (an editor test checks that the two agree). */
export const EXTENSION_MODE_TEST = 3;

/**
 * The seams switch off the trust, access and host gates, so any other extension holding them could too:
 * they are built only when the editor runs the extension's tests (`--extensionTestsPath`).
 */
export function testApi<T>(extensionMode: number, build: () => T): T | undefined {
  return extensionMode === EXTENSION_MODE_TEST ? build() : undefined;
}
