// Masks secrets in values shown to people: `${secret:…}` references and passwords in URLs become ••••.
export const MASK = '••••';

const SECRET_KEYS = /^(password|token|secret|apiKey|authorization)$/i;

export function maskSecrets(value: string): string {
  return value.replace(/\$\{secret:[^}]*\}/g, MASK).replace(/^([a-z][\w+.-]*:\/\/[^:@/\s]*):([^@/\s]+)@/i, `$1:${MASK}@`);
}

/** A short, masked text of a setting's value; keys that hold secrets are masked whole. */
export function maskedSetting(key: string, value: unknown): string {
  if (SECRET_KEYS.test(key) && value !== undefined && value !== null && value !== '') return MASK;
  if (typeof value === 'string') return maskSecrets(value);
  if (Array.isArray(value)) return `[${value.map((item) => maskedSetting('', item)).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([inner, innerValue]) => `${inner}: ${maskedSetting(inner, innerValue)}`).join(', ')} }`;
  }
  return String(value);
}
