import fs from 'node:fs';
import path from 'node:path';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ERROR_GUIDE } from '../../common/errorGuide';
import { ErrorCode } from '../../common/errors';

const README = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

/** Given the README, returns the rows of its error table: code, HTTP status, when, what to do. */
function readmeErrorRows(): string[][] {
  const section = README.slice(README.indexOf('### Errors'), README.indexOf('## Access policies'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
}

describe('the error guide', () => {
  it('has one entry for every code the platform and Apollo Server give a client', () => {
    const codes = ERROR_GUIDE.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(expect.arrayContaining(Object.values(ErrorCode)));
    const apolloCodes = Object.values(ApolloServerErrorCode).filter(
      (code) => code !== 'BAD_USER_INPUT' && code !== 'INTERNAL_SERVER_ERROR' && code !== 'BAD_REQUEST',
    );
    expect(codes).toEqual(expect.arrayContaining([...apolloCodes, 'PERSISTED_QUERY_NOT_FOUND']));
    for (const entry of ERROR_GUIDE) expect(entry.status).toMatch(/^\d{3}/);
  });

  it("is the README's error table, row for row, with the HTTP status of each code", () => {
    expect(readmeErrorRows()).toEqual(ERROR_GUIDE.map((entry) => [`\`${entry.code}\``, entry.status, entry.when, entry.fix]));
  });
});
