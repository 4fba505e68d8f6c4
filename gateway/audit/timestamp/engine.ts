import { webcrypto } from 'node:crypto';
import { CryptoEngine, setEngine } from 'pkijs';

/** What pkijs takes for WebCrypto: its DOM type, which Node's implementation meets but its typings do not name. */
type EngineCrypto = ConstructorParameters<typeof CryptoEngine>[0]['crypto'];

/** pkijs signs and verifies with Node's WebCrypto, whatever globals the process (or a test runner) has. */
export function useNodeCrypto(): void {
  setEngine('node-webcrypto', new CryptoEngine({ name: 'node-webcrypto', crypto: webcrypto as unknown as EngineCrypto }));
}

useNodeCrypto();
