// Turns a library's failure into a ConnectorError naming the component, with passwords in URLs masked.
import { ConnectorError, type ErrorClass } from './connector';
import { maskUrlPasswords } from '../../flow/secret-mask';

export function connectorError(component: string, what: string, error: unknown, errorClass: ErrorClass = 'connection'): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const cause = error instanceof Error ? error.message : String(error);
  return new ConnectorError(maskUrlPasswords(`component ${component}: ${what}: ${cause}`), errorClass, { cause: error });
}

/** Rejects with the signal's reason as a ConnectorError when it aborts first. */
export function abortable<T>(component: string, promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ConnectorError(`component ${component}: aborted`, 'timeout'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ConnectorError(`component ${component}: aborted`, 'timeout'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => { signal.removeEventListener('abort', onAbort); resolve(value); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}
