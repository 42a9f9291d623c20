// Who runs a flow: a signed-in GitHub account or the local user, and its one-string form in the journal.
export type Actor =
  | { readonly kind: 'github'; readonly login: string; readonly id: string }
  | { readonly kind: 'local'; readonly name: string };

/** `github:login/id` or `local:name`: what the executor records as the run's actor. */
export function formatActor(actor: Actor): string {
  return actor.kind === 'github' ? `github:${actor.login}/${actor.id}` : `local:${actor.name}`;
}

/** Reads back a journal's actor; an unknown form is kept as a local name. */
export function parseActor(text: string): Actor {
  const github = /^github:([^/]+)\/(.+)$/.exec(text);
  if (github) return { kind: 'github', login: github[1]!, id: github[2]! };
  return { kind: 'local', name: text.startsWith('local:') ? text.slice('local:'.length) : text };
}

/** How the Runs view and logs show an actor. */
export function describeActor(actor: Actor): string {
  return actor.kind === 'github' ? `${actor.login} (GitHub)` : `${actor.name} (local, not signed in)`;
}
