// New Flow…: quick picks for a name, components and connections, then a generated, commented .flow.yaml.
import * as vscode from 'vscode';
import { flowLanguage } from '../lazy-bundles';
import type { TemplateComponent, TemplateConnection } from '../new-flow/flow-template';
import type { CommandContext } from './command-context';
import type { Prompter } from './prompts';

// The types and the generator come with the schema, in the bundle loaded on first use.
async function askComponents(prompts: Prompter): Promise<TemplateComponent[] | undefined> {
  const { COMPONENT_TYPES, componentNameFrom } = flowLanguage();
  const components: TemplateComponent[] = [];
  for (;;) {
    const done = components.length >= 2 ? [{ label: '$(check) Done', type: undefined }] : [];
    const pick = await prompts.pick([...done, ...COMPONENT_TYPES.map((type) => ({ label: type, type: type as string | undefined }))], {
      title: `New Flow: component ${components.length + 1}`,
      placeHolder: components.length ? `So far: ${components.map((c) => c.name).join(', ')}` : 'The first component (usually the source)',
    });
    if (!pick) return undefined;
    if (!pick.type) return components;
    const name = await prompts.input({ title: `Name of the ${pick.type} component`, value: componentNameFrom(`${pick.type} ${components.length + 1}`), validateInput: (v) => (components.some((c) => c.name === componentNameFrom(v)) ? 'That name is taken' : undefined) });
    if (!name) return undefined;
    components.push({ name: componentNameFrom(name), type: pick.type });
  }
}

async function askConnections(prompts: Prompter, components: readonly TemplateComponent[]): Promise<TemplateConnection[] | undefined> {
  const pairs = components.flatMap((from) => components.filter((to) => to !== from).map((to) => ({ label: `${from.name} → ${to.name}`, from: from.name, to: to.name })));
  const chain = components.slice(1).map((to, i) => `${components[i]!.name} → ${to.name}`);
  const picked = await prompts.pickMany(pairs.map((p) => ({ ...p, picked: chain.includes(p.label) })), { title: 'New Flow: connections', placeHolder: 'Which way messages move' });
  return picked?.map((p) => ({ from: p.from, to: p.to }));
}

export const newFlow = (ctx: CommandContext) => async () => {
  const title = await ctx.prompts.input({ title: 'New Flow: name', placeHolder: 'Order processing' });
  if (!title) return undefined;
  const components = await askComponents(ctx.prompts);
  if (!components) return undefined;
  const connections = await askConnections(ctx.prompts, components);
  if (!connections) return undefined;
  const { flowIdFrom, generateFlow } = flowLanguage();
  const text = generateFlow({ id: flowIdFrom(title), title, components, connections });
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'flow-yaml', content: text }));
    return undefined;
  }
  const uri = vscode.Uri.joinPath(folder.uri, `${flowIdFrom(title)}.flow.yaml`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(uri);
  return uri;
};
