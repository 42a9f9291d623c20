// `${env:NAME}`, `${env:NAME:-default}` and `${secret:NAME}` references inside string values.

export interface ValueReference {
  readonly source: 'env' | 'secret';
  readonly name: string;
  /** The `:-default` of an env reference, when written. */
  readonly fallback: string | undefined;
  /** Offsets in the string, end exclusive, `${` to `}` included. */
  readonly start: number;
  readonly end: number;
}

export interface ReferenceProblem {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Reads every reference in `text`; malformed ones become problems, in order of appearance. */
export function scanValueReferences(text: string): { references: ValueReference[]; problems: ReferenceProblem[] } {
  const references: ValueReference[] = [];
  const problems: ReferenceProblem[] = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('${', from);
    if (start < 0) break;
    const close = text.indexOf('}', start + 2);
    const nextOpen = text.indexOf('${', start + 2);
    if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
      const end = nextOpen >= 0 ? nextOpen : text.length;
      problems.push({ start, end, message: `unclosed reference \`${text.slice(start, end)}\`: add the closing \`}\`` });
      from = end;
      continue;
    }
    const end = close + 1;
    const body = text.slice(start + 2, close);
    const parsed = readReference(body);
    if (typeof parsed === 'string') problems.push({ start, end, message: `\`${text.slice(start, end)}\` ${parsed}` });
    else references.push({ ...parsed, start, end });
    from = end;
  }
  return { references, problems };
}

function readReference(body: string): Omit<ValueReference, 'start' | 'end'> | string {
  const colon = body.indexOf(':');
  const source = colon < 0 ? body : body.slice(0, colon);
  const rest = colon < 0 ? '' : body.slice(colon + 1);
  if (source === 'env') {
    const dash = rest.indexOf(':-');
    const name = dash < 0 ? rest : rest.slice(0, dash);
    if (!ENV_NAME.test(name)) return `is not a valid reference: an environment variable name is letters, digits and \`_\`, not starting with a digit (\`\${env:NAME}\` or \`\${env:NAME:-default}\`)`;
    return { source, name, fallback: dash < 0 ? undefined : rest.slice(dash + 2) };
  }
  if (source === 'secret') {
    if (rest.includes(':-')) return 'is not a valid reference: a secret has no default (`${secret:NAME}`)';
    if (!SECRET_NAME.test(rest)) return 'is not a valid reference: a secret name is letters, digits, `.`, `_` and `-` (`${secret:NAME}`)';
    return { source, name: rest, fallback: undefined };
  }
  return 'is not a valid reference: write `${env:NAME}`, `${env:NAME:-default}` or `${secret:NAME}`';
}
