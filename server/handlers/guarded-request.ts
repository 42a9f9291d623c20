// Wraps a request handler: stale or cancelled requests are dropped, a throwing feature is logged and answered with a ResponseError.
import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken, type Connection } from 'vscode-languageserver/node';
import { FlowRenameError, FlowRequestCancelled } from '../language-service';

export type Guard = <Params, Result>(
  name: string,
  handler: (params: Params, token: CancellationToken) => Result,
) => (params: Params, token: CancellationToken) => Result | ResponseError<never>;

export function createGuard(connection: Connection): Guard {
  return (name, handler) => (params, token) => {
    if (token.isCancellationRequested) return new ResponseError<never>(LSPErrorCodes.RequestCancelled, `${name} was cancelled`);
    try {
      return handler(params, token);
    } catch (error) {
      if (error instanceof FlowRequestCancelled) return new ResponseError<never>(LSPErrorCodes.RequestCancelled, `${name} was cancelled`);
      if (error instanceof FlowRenameError) return new ResponseError<never>(ErrorCodes.InvalidParams, error.message);
      connection.console.error(`${name} failed: ${(error as Error)?.stack ?? String(error)}`);
      return new ResponseError<never>(ErrorCodes.InternalError, `FlowTracer could not answer ${name}; the details are in the FlowTracer log.`);
    }
  };
}
