/**
 * On SIGTERM or SIGINT (once): says what it is finishing, closes the application (its
 * shutdown hooks let work in flight end), stops an embedded database, and exits. The API
 * finishes requests, the worker jobs.
 */
export function stopOnSignals(
  inFlight: 'requests' | 'jobs',
  app: { close(): Promise<void> },
  database: { stop(): Promise<void> },
): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received: finishing ${inFlight} in flight, then stopping\n`);
    await app.close();
    await database.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
