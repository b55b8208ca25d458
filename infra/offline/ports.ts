import { createServer } from 'node:net';

/** A port the runtime needs is taken: reported as one clear line, never a stack trace. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly service: string,
    readonly port: number,
    readonly flag: string,
  ) {
    super(
      `Le port ${port} (${service}) est déjà utilisé : arrêtez l’autre programme ou choisissez un autre port avec ${flag}. / Port ${port} (${service}) is already in use: stop the other program or pick another port with ${flag}.`,
    );
  }
}

/** Fails fast, before anything starts, when a fixed port is taken (port 0 asks for any free port). */
export const assertPortFree = async (port: number, host: string, service: string, flag: string): Promise<void> => {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? new PortInUseError(service, port, flag) : error));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
};
