// JSONPath syntax check (RFC 9535, via jsonpath-rfc9535's parser), cached per expression.
import parseJsonPath from 'jsonpath-rfc9535/parser';

const cache = new Map<string, string | undefined>();

/** Why `expression` is not a JSONPath, or undefined when it parses. */
export function jsonPathProblem(expression: string): string | undefined {
  if (cache.has(expression)) return cache.get(expression);
  let problem: string | undefined;
  try {
    parseJsonPath(expression);
  } catch (error) {
    problem = (error as Error).message;
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(expression, problem);
  return problem;
}
