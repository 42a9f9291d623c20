// Sign In with GitHub, Sign Out, Set Secret…: who runs, and the secrets flows reference as ${secret:NAME}.
import type { CommandContext } from './command-context';

export const signIn = (ctx: CommandContext) => async () => {
  const session = await ctx.account.refresh(true);
  if (session) ctx.log.info(`signed in to GitHub as ${session.login}`);
  return session?.login;
};

export const signOut = (ctx: CommandContext) => async () => {
  await ctx.account.signOut();
  ctx.log.info('signed out of GitHub: runs are recorded under the local user name');
};

export const SECRET_PREFIX = 'flowtracer.secret.';

export const setSecret = (ctx: CommandContext) => async (name?: string, value?: string) => {
  const key = name ?? (await ctx.prompts.input({ title: 'FlowTracer: secret name', prompt: 'The NAME in ${secret:NAME}', validateInput: (v) => (/^[A-Za-z0-9_.-]+$/.test(v) ? undefined : 'Letters, digits, _ . - only') }));
  if (!key) return;
  const secret = value ?? (await ctx.prompts.input({ title: `FlowTracer: value of ${key}`, password: true, ignoreFocusOut: true }));
  if (secret === undefined) return;
  await ctx.secrets.store(`${SECRET_PREFIX}${key}`, secret);
  ctx.log.info(`secret ${key} stored in the editor's secret storage`);
};
