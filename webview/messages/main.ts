// The Messages panel webview's entry: the form, the rows as pages arrive (at most the limit asked for), and reports to the host.
import type { MessageView } from '../../protocol/executor-events';
import type { HostToMessagesView, MessagesTarget } from '../../protocol/messages-view';
import { messagesHostApi } from '../vscode-api';
import { browseForm, type BrowseForm } from './browse-form';
import { messageCard } from './message-card';

const host = messagesHostApi();
const root = document.getElementById('messages');

class MessagesView {
  private form: BrowseForm | undefined;
  private readonly title = document.createElement('h1');
  private readonly status = document.createElement('p');
  private readonly list = document.createElement('section');
  private readonly keys: (string | null)[] = [];

  constructor(root: HTMLElement) {
    this.status.className = 'status';
    this.status.setAttribute('role', 'status');
    this.list.className = 'message-list';
    root.append(this.title, this.status, this.list);
  }

  showTarget(target: MessagesTarget, browse: boolean): void {
    host.setState({ uri: target.flowUri, component: target.component });
    this.title.textContent = `${target.component} · ${target.componentType === 'kafka' ? 'topic' : 'queue'} ${target.where || '(unresolved)'} · flow ${target.flow}`;
    this.form?.element.remove();
    this.form = browseForm(target, () => this.browse(), {
      stop: () => host.postMessage({ type: 'stop' }),
      export: () => {
        const request = this.form?.request();
        if (request && 'problem' in request) this.say(request.problem, 'problem');
        else if (request) host.postMessage({ type: 'export', request });
      },
      redrive: () => host.postMessage({ type: 'redrive' }),
    });
    this.title.after(this.form.element);
    if (browse) this.browse();
    else this.say(`Restored: Browse shows the messages${target.componentType === 'mq' ? ' (they go back to the queue marked redelivered)' : ''}.`);
  }

  private browse(): void {
    const request = this.form?.request();
    if (!request) return;
    if ('problem' in request) {
      this.say(request.problem, 'problem');
      return;
    }
    host.postMessage({ type: 'browse', request });
  }

  started(): void {
    this.list.replaceChildren();
    this.keys.length = 0;
    this.say('Browsing…');
  }

  addPage(messages: readonly MessageView[]): void {
    const cards = messages.map((m, i) => messageCard(m, this.keys.length + i, (traceId) => host.postMessage({ type: 'open-trace', traceId })));
    this.list.append(...cards);
    this.keys.push(...messages.map((m) => m.key));
    this.say(`Browsing… ${this.keys.length} so far`);
  }

  finished(count: number, note: string | undefined, error: string | undefined): void {
    const shown = `${count} message${count === 1 ? '' : 's'} shown`;
    if (error) this.say(`${shown}. ${error}`, 'problem');
    else this.say(note ? `${shown}. Note: ${note}.` : `${shown}.`, note ? 'note' : undefined);
  }

  private say(text: string, kind?: 'problem' | 'note'): void {
    this.status.textContent = text;
    this.status.dataset.kind = kind ?? '';
    host.postMessage({ type: 'shown', keys: [...this.keys], status: text });
  }
}

if (root) {
  const view = new MessagesView(root);
  window.addEventListener('message', (event: MessageEvent<HostToMessagesView>) => {
    const message = event.data;
    switch (message.type) {
      case 'target':
        view.showTarget(message.target, message.browse);
        break;
      case 'theme':
        document.body.dataset.theme = message.kind;
        break;
      case 'browsing':
        view.started();
        break;
      case 'page':
        view.addPage(message.messages);
        break;
      case 'finished':
        view.finished(message.count, message.note, message.error);
        break;
    }
  });
}

host.postMessage({ type: 'ready' });
