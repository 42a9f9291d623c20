// Masks secrets in values shown in a hover: `${secret:…}` references, passwords in URLs and the values of credential keys (flow/secret-mask.ts' rules).
import { isCredentialKey, MASK, maskSecretReferences, maskUrlPasswords } from '../../flow/secret-mask';

/** A text with its `${secret:…}` references and URL passwords masked. */
export function maskSecrets(value: string): string {
  return maskUrlPasswords(maskSecretReferences(value));
}

/** A short, masked text of a setting's value; keys that hold secrets are masked whole. */
export function maskedSetting(key: string, value: unknown): string {
  if (isCredentialKey(key) && value !== undefined && value !== null && value !== '') return MASK;
  if (typeof value === 'string') return maskSecrets(value);
  if (Array.isArray(value)) return `[${value.map((item) => maskedSetting('', item)).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([inner, innerValue]) => `${inner}: ${maskedSetting(inner, innerValue)}`).join(', ')} }`;
  }
  return String(value);
}
