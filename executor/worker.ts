// Entry of the executor child process that the extension spawns; speaks the event channel over IPC.
process.on('message', () => {
  // The engine is wired here by the executor issue; the skeleton only proves the bundle exists.
});
