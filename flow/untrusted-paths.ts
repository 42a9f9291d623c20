// Which `schema:` paths may be looked at in an untrusted workspace: relative ones that stay inside a workspace folder (an absolute or UNC path can reach another machine as soon as the flow opens).

/** An absolute, drive or UNC path (`/x`, `C:\x`, `C:x`, `\\host\share`, `//host/share`), as written. */
function isAbsoluteReference(reference: string): boolean {
  return /^([A-Za-z]:|[\\/])/.test(reference);
}

/** Whether `path` (already joined and normalised) is `root` or inside it; Windows-style paths compare without case. */
export function isInside(path: string, root: string): boolean {
  const windows = /^[A-Za-z]:/.test(root) || root.includes('\\');
  const norm = (p: string) => {
    const slashed = p.replace(/\\/g, '/').replace(/\/+$/, '');
    return windows ? slashed.toLowerCase() : slashed;
  };
  const [p, r] = [norm(path), norm(root)];
  if (p.split('/').includes('..')) return false;
  return p === r || p.startsWith(`${r}/`);
}

/**
 * Why a `schema:` reference is not read in an untrusted workspace, or undefined when it may be. `roots` are
 * the workspace folders that hold the flow; `resolved` is the reference joined to the flow's folder.
 */
export function untrustedSchemaPathProblem(reference: string, resolved: string, roots: readonly string[]): string | undefined {
  if (isAbsoluteReference(reference)) {
    return `schema file \`${reference}\` was not read: in an untrusted workspace only schema paths relative to the flow, inside the workspace, are read (an absolute or network path could reach another machine); trust the workspace to check it`;
  }
  if (!roots.some((root) => isInside(resolved, root))) {
    return `schema file \`${reference}\` was not read: in an untrusted workspace only schema paths inside the workspace folder are read, and this one leads outside it; trust the workspace to check it`;
  }
  return undefined;
}
