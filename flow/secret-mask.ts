// The one mask every face shows in place of a secret, and the rules for what is masked: URL passwords, `${secret:…}` references, credential keys.
import { urlPasswords } from './url-password';
import { scanValueReferences } from './value-references';

/** What every face shows in place of a secret: a URL password, a `${secret:…}` reference, a registered secret's value. */
export const MASK = '••••';

/** Keys whose values are credentials wherever they stand (a component's `password`, a header's `Authorization`). */
const CREDENTIAL_KEY = /^(password|passwd|pass|token|secret|api[-_]?key|x-api-key|authorization|proxy-authorization|cookie|credentials?|private[-_]?key|client[-_]?secret|access[-_]?token)$/i;

/** Whether a key names a credential, so that its value is a secret whatever it is written with. */
export function isCredentialKey(key: string | number | undefined): boolean {
  return typeof key === 'string' && CREDENTIAL_KEY.test(key);
}

/** `text` with each URL's password replaced by `mask`; user names and hosts stay readable. */
export function maskUrlPasswords(text: string, mask: string = MASK): string {
  if (!text.includes('@')) return text;
  const spans = urlPasswords(text);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + mask;
    at = span.end;
  }
  return out + text.slice(at);
}

const SECRET_REFERENCE = /\$\{secret:[^}]*\}/g;

/** Every `${secret:NAME}` replaced by the mask: a flow's text shown to people names no secret either. */
export function maskSecretReferences(text: string): string {
  return text.replace(SECRET_REFERENCE, MASK);
}

/** Every `${env:X:-default}`'s default replaced by the mask: in a component marked `secret: true` a default is a secret value too. */
export function maskEnvDefaults(text: string): string {
  const { references } = scanValueReferences(text);
  let out = '';
  let at = 0;
  for (const ref of references) {
    if (ref.source !== 'env' || ref.fallback === undefined) continue;
    out += `${text.slice(at, ref.start)}\${env:${ref.name}:-${MASK}}`;
    at = ref.end;
  }
  return out + text.slice(at);
}

/** Whether a component is marked `secret: true`: every `${env:…}` value in it is a secret. */
export function isSecretComponent(props: Readonly<Record<string, unknown>>): boolean {
  return props.secret === true;
}
