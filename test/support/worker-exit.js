/**
 * Loaded into every Jest worker (`--require` in the test scripts; jest-worker passes Node's
 * flags on to the processes it forks). A worker whose last suite is done exits once nothing
 * is left on its event loop; letting Node then dispose of a heap that held the whole
 * application once per suite took longer than the 500 ms jest-worker allows on a busy
 * machine, so every full run reported "A worker process has failed to exit gracefully"
 * although no handle was left open. `beforeExit` is emitted only when the event loop is
 * empty, so exiting there skips that disposal and nothing else: a worker kept alive by a
 * handle a test leaked never gets here, and is still reported.
 */
if (process.env.JEST_WORKER_ID) {
  process.once('beforeExit', () => process.exit());
}
