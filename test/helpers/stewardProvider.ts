import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { DemoGateway } from './citizenPortal';
import { startDemoGateway } from './citizenPortal';
import { startScript, stopScript, waitForOutput } from './process';

/** Returns a port free at this moment: the provider must know the gateway's callback before the gateway starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the province's identity provider (test/helpers/provinceIdentityProvider.ts, a process of its own) and a
 * demo gateway whose console signs stewards in through it; stop() ends both.
 */
export async function startGatewayWithStewardProvider(): Promise<{ gateway: DemoGateway; stop(): Promise<void> }> {
  const port = await freePort();
  const redirect = `http://127.0.0.1:${port}/console/callback`;
  const provider: ChildProcess = startScript('../test/helpers/provinceIdentityProvider.ts', [], { ...process.env, REDIRECT_URL: redirect });
  try {
    const [, issuer, clientId, secret] = await waitForOutput(provider, /Identity provider ready at (\S+) client (\S+) secret (\S+)/, 60_000);
    const gateway = await startDemoGateway(20, {
      PORT: String(port),
      STEWARD_OIDC_ISSUER: issuer!,
      STEWARD_OIDC_CLIENT_ID: clientId!,
      STEWARD_OIDC_CLIENT_SECRET: secret!,
      STEWARD_OIDC_REDIRECT_URL: redirect,
    });
    return {
      gateway,
      async stop() {
        await gateway.stop();
        await stopScript(provider);
      },
    };
  } catch (error) {
    await stopScript(provider);
    throw error;
  }
}
