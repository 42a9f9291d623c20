// Finds the components and connection items a position refers to, in the parsed model.
import type { FlowComponent, FlowConnection, FlowModel } from '../../flow/model';

export function componentNamed(model: FlowModel, name: string | undefined): FlowComponent | undefined {
  return name === undefined ? undefined : model.components.find((component) => component.name === name);
}

/** The connection item the offset is in, or the last one starting before it (the one being typed). */
export function connectionAt(model: FlowModel, offset: number): FlowConnection | undefined {
  let candidate: FlowConnection | undefined;
  for (const connection of model.connections) {
    if (connection.span.start <= offset) candidate = connection;
    if (connection.span.start <= offset && offset <= connection.span.end) return connection;
  }
  return candidate;
}
