// Masks secrets in values shown in a hover: `${secret:…}` references, passwords in URLs and the values of credential keys (flow/secret-mask.ts' rules).
import { isCredentialKey, MASK, maskEnvDefaults, maskSecretReferences, maskUrlPasswords } from '../../flow/secret-mask';

/** A text with its `${secret:…}` references and URL passwords masked. */
function maskSecrets(value: string): string {
  return maskUrlPasswords(maskSecretReferences(value));
}

/**
 * A short, masked text of a setting's value; keys that hold secrets are masked whole. In a component
 * marked `secret: true` (`secretComponent`) the defaults of its env references are masked too.
 */
export function maskedSetting(key: string, value: unknown, secretComponent = false): string {
  if (typeof value === 'boolean') return String(value);
  if (isCredentialKey(key) && value !== undefined && value !== null && value !== '') return MASK;
  if (typeof value === 'string') return maskSecrets(secretComponent ? maskEnvDefaults(value) : value);
  if (Array.isArray(value)) return `[${value.map((item) => maskedSetting('', item, secretComponent)).join(', ')}]`;
  if (value && typeof value === 'object') {
    return `{ ${Object.entries(value).map(([inner, innerValue]) => `${inner}: ${maskedSetting(inner, innerValue, secretComponent)}`).join(', ')} }`;
  }
  return String(value);
}
