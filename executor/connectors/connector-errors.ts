// Turns a library's failure into a ConnectorError naming the component, with passwords in URLs masked.
import { ConnectorError, type ErrorClass } from './connector';
import { maskUrlPasswords } from '../../flow/secret-mask';
import { onAbort } from '../abort-watch';

export function connectorError(component: string, what: string, error: unknown, errorClass: ErrorClass = 'connection'): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const cause = error instanceof Error ? error.message : String(error);
  return new ConnectorError(maskUrlPasswords(`component ${component}: ${what}: ${cause}`), errorClass, { cause: error });
}

/** A wait of `component` given up because the run aborted: a timeout, since what was asked may still happen. */
export function abortedError(component: string): ConnectorError {
  return new ConnectorError(`component ${component}: aborted`, 'timeout');
}

/** Rejects with the signal's reason as a ConnectorError when it aborts first. */
export function abortable<T>(component: string, promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortedError(component));
  return new Promise<T>((resolve, reject) => {
    const forget = onAbort(signal, () => reject(abortedError(component)));
    promise.then(
      (value) => { forget(); resolve(value); },
      (error: unknown) => { forget(); reject(error); },
    );
  });
}
