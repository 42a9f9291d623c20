// The layout Web Worker: ELK's own worker script, which answers elkjs' `layout` requests off the UI thread.
import 'elkjs/lib/elk-worker.min.js';
