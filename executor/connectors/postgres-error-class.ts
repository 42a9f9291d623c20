// Which retry class a PostgreSQL failure belongs to, from its SQLSTATE.
import type { ErrorClass } from './connector';

/**
 * Classes of SQLSTATE a retry can fix: 08 connection exceptions, 40 rollbacks (serialization, deadlock),
 * 53 insufficient resources, 57 operator intervention (shutdown), and errors without a code (socket closed).
 * Anything else (23 constraint violations, 22 bad data, 42 a bad statement) fails again the same way: `validation`.
 */
export function postgresErrorClass(error: unknown): ErrorClass {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || code.length !== 5) return 'connection';
  return ['08', '40', '53', '57'].includes(code.slice(0, 2)) ? 'connection' : 'validation';
}
