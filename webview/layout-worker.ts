// Runs the ELK layout off the UI thread (filled in by the diagram issue).
self.addEventListener('message', () => undefined);
