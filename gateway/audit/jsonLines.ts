import fs from 'node:fs';
import path from 'node:path';

/**
 * Given a file and a value, appends the value as one JSON line (creating the file, and its directory, readable by
 * this user alone) and waits until the line is on disk. A file whose last write was torn by a crash gets a line
 * break first, so the new line stands alone.
 */
export async function appendJsonLine(file: string, value: unknown): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const handle = await fs.promises.open(file, 'a+', 0o600);
  try {
    const { size } = await handle.stat();
    let separator = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) separator = '\n';
    }
    await handle.appendFile(`${separator}${JSON.stringify(value)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}
