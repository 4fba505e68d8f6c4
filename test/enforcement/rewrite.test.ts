import { parse, print } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { removeDeniedFields } from '../../gateway/enforcement/rewrite';
import { conditionVariableNames, executionConditions } from '../../gateway/policy/conditions';
import { SCHEMA, decisions } from './helpers';

describe('removeDeniedFields', () => {
  it('removes denied fields wherever they are selected, through aliases and fragments', () => {
    const document = parse(`{ a: citizen(id: "1") { fullName secret: dateOfBirth ...F } } fragment F on Citizen { dateOfBirth nationalId }`);
    const rewritten = removeDeniedFields(
      SCHEMA,
      document,
      decisions([
        ['Citizen.dateOfBirth', 'DENY'],
        ['Citizen.fullName', 'ALLOW'],
      ]),
    );
    expect(print(rewritten)).toBe(print(parse(`{ a: citizen(id: "1") { fullName ...F } } fragment F on Citizen { nationalId }`)));
  });

  it('keeps __typename, under a key of its own, where a selection set would be left empty', () => {
    const rewritten = removeDeniedFields(SCHEMA, parse(`{ citizen(id: "1") { school { name } } }`), decisions([['School.name', 'DENY']]));
    expect(print(rewritten)).toBe(print(parse(`{ citizen(id: "1") { school { __policyPlaceholder: __typename } } }`)));
  });

  it('removes a field selected on an interface when any implementation denies it', () => {
    const rewritten = removeDeniedFields(SCHEMA, parse(`{ citizen(id: "1") { events { date } } }`), decisions([['Encounter.date', 'DENY']]));
    expect(print(rewritten)).toBe(print(parse(`{ citizen(id: "1") { events { __policyPlaceholder: __typename } } }`)));
  });

  it('leaves what does not execute as it is, and removes the denied fields of what does', () => {
    const document = parse(
      `query ($hide: Boolean!) { a: citizen(id: "1") { fullName @skip(if: $hide) ... @skip(if: $hide) { dateOfBirth } } b: citizen(id: "2") { fullName dateOfBirth } }`,
    );
    const operation = document.definitions[0] as OperationDefinitionNode;
    const conditions = executionConditions(operation, conditionVariableNames(document), { hide: true });
    const rewritten = removeDeniedFields(
      SCHEMA,
      document,
      decisions([
        ['Citizen.fullName', 'DENY'],
        ['Citizen.dateOfBirth', 'ALLOW'],
      ]),
      conditions,
    );
    expect(print(rewritten)).toBe(
      print(
        parse(
          `query ($hide: Boolean!) { a: citizen(id: "1") { fullName @skip(if: $hide) ... @skip(if: $hide) { dateOfBirth } } b: citizen(id: "2") { dateOfBirth } }`,
        ),
      ),
    );
  });

  it('leaves the original document untouched', () => {
    const document = parse(`{ citizen(id: "1") { fullName } }`);
    const before = print(document);
    removeDeniedFields(SCHEMA, document, decisions([['Citizen.fullName', 'DENY']]));
    expect(print(document)).toBe(before);
  });
});
