// Masks the password of every URL in a text (amqp://user:secret@host → amqp://user:***@host).
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):([^@/?#\s]*)@/gi;

/** The text with each URL's password replaced by `***`; user names and hosts stay readable. */
export function redactUrl(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1:***@');
}
