import { parse, print } from 'graphql';
import { removeDeniedFields } from '../../gateway/enforcement/rewrite';
import { SCHEMA, decisions } from './helpers';

describe('removeDeniedFields', () => {
  it('removes denied fields wherever they are selected, through aliases and fragments', () => {
    const document = parse(`{ a: citizen(id: "1") { fullName secret: dateOfBirth ...F } } fragment F on Citizen { dateOfBirth nationalId }`);
    const rewritten = removeDeniedFields(SCHEMA, document, decisions([['Citizen.dateOfBirth', 'DENY'], ['Citizen.fullName', 'ALLOW']]));
    expect(print(rewritten)).toBe(print(parse(`{ a: citizen(id: "1") { fullName ...F } } fragment F on Citizen { nationalId }`)));
  });

  it('keeps __typename where a selection set would be left empty', () => {
    const rewritten = removeDeniedFields(SCHEMA, parse(`{ citizen(id: "1") { school { name } } }`), decisions([['School.name', 'DENY']]));
    expect(print(rewritten)).toBe(print(parse(`{ citizen(id: "1") { school { __typename } } }`)));
  });

  it('removes a field selected on an interface when any implementation denies it', () => {
    const rewritten = removeDeniedFields(SCHEMA, parse(`{ citizen(id: "1") { events { date } } }`), decisions([['Encounter.date', 'DENY']]));
    expect(print(rewritten)).toBe(print(parse(`{ citizen(id: "1") { events { __typename } } }`)));
  });

  it('leaves the original document untouched', () => {
    const document = parse(`{ citizen(id: "1") { fullName } }`);
    const before = print(document);
    removeDeniedFields(SCHEMA, document, decisions([['Citizen.fullName', 'DENY']]));
    expect(print(document)).toBe(before);
  });
});
