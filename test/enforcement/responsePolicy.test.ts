import { parse } from 'graphql';
import type { OperationDefinitionNode } from 'graphql';
import { applyResponsePolicy } from '../../gateway/enforcement/responsePolicy';
import { conditionVariableNames, executionConditions } from '../../gateway/policy/conditions';
import { SCHEMA, decisions } from './helpers';

describe('applyResponsePolicy', () => {
  it('in filter mode, leaves alone what did not execute, decided elsewhere or not', () => {
    const document = parse(`query ($hide: Boolean!) {
      a: citizen(id: "1") { fullName @skip(if: $hide) ... @include(if: false) { dateOfBirth } ...F @skip(if: $hide) }
      b: citizen(id: "2") { fullName }
    } fragment F on Citizen { nationalId }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const conditions = executionConditions(operation, conditionVariableNames(document), { hide: true });
    const data: Record<string, any> = { a: {}, b: { fullName: 'Lê Thị Hoa' } };
    const errors = applyResponsePolicy(
      SCHEMA,
      document,
      undefined,
      data,
      decisions([
        ['Query.citizen', 'ALLOW'],
        ['Citizen.fullName', 'DENY'],
        ['Citizen.dateOfBirth', 'DENY'],
        ['Citizen.nationalId', 'DENY'],
      ]),
      true,
      conditions,
    );
    expect(data).toEqual({ a: {}, b: { fullName: null } });
    expect(errors.map((error) => error.path)).toEqual([['b', 'fullName']]);
  });

  it('masks masked fields through aliases and fragments, and leaves the rest', () => {
    const document = parse(`query { c: citizen(id: "1") { id: nationalId ...Names dob: dateOfBirth } } fragment Names on Citizen { fullName }`);
    const data = { c: { id: '038085001234', fullName: 'Nguyễn Văn An', dob: '1985-06-18' } };
    const errors = applyResponsePolicy(
      SCHEMA,
      document,
      undefined,
      data,
      decisions([
        ['Citizen.nationalId', 'MASK', 'PARTIAL_ID'],
        ['Citizen.fullName', 'ALLOW'],
        ['Citizen.dateOfBirth', 'MASK', 'YEAR_ONLY'],
      ]),
      false,
    );
    expect(errors).toEqual([]);
    expect(data).toEqual({ c: { id: '038*******34', fullName: 'Nguyễn Văn An', dob: '1985' } });
  });

  it('in filter mode, sets each denied field to null with one FORBIDDEN error per position', () => {
    const document = parse(`{ citizen(id: "1") { fullName events { date ... on Encounter { diagnosisCode } } } }`);
    const data = {
      citizen: {
        fullName: 'Lê Thị Hoa',
        events: [
          { __typename: 'Vaccination', date: '2020-01-10' },
          { __typename: 'Encounter', date: '2024-05-02' },
        ],
      },
    };
    const errors = applyResponsePolicy(
      SCHEMA,
      document,
      undefined,
      data,
      decisions([
        ['Citizen.fullName', 'ALLOW'],
        ['Citizen.events', 'ALLOW'],
        ['Event.date', 'ALLOW'],
        ['Vaccination.date', 'ALLOW'],
        ['Encounter.date', 'ALLOW'],
        ['Encounter.diagnosisCode', 'DENY'],
      ]),
      true,
    );
    expect(data.citizen.events).toEqual([
      { __typename: 'Vaccination', date: '2020-01-10' },
      { __typename: 'Encounter', date: '2024-05-02', diagnosisCode: null },
    ]);
    expect(errors).toEqual([
      expect.objectContaining({
        path: ['citizen', 'events', 1, 'diagnosisCode'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'Encounter.diagnosisCode', neededGrant: 'a grant covering Encounter.diagnosisCode' }),
      }),
    ]);
  });

  it('in filter mode, removes the placeholder the rewrite left in an emptied selection set, after reading the type from it', () => {
    const document = parse(`{ citizen(id: "1") { events { ... on Encounter { diagnosisCode } } school { name } } }`);
    const data = {
      citizen: { events: [{ __policyPlaceholder: 'Vaccination' }, { __policyPlaceholder: 'Encounter' }], school: { __policyPlaceholder: 'School' } },
    };
    const errors = applyResponsePolicy(
      SCHEMA,
      document,
      undefined,
      data,
      decisions([
        ['Encounter.diagnosisCode', 'DENY'],
        ['School.name', 'DENY'],
      ]),
      true,
    );
    expect(data.citizen).toEqual({ events: [{}, { diagnosisCode: null }], school: { name: null } });
    expect(errors.map((error) => error.path)).toEqual([
      ['citizen', 'events', 1, 'diagnosisCode'],
      ['citizen', 'school', 'name'],
    ]);
  });

  it('applies the strictest rule of the possible types where the runtime type is unknown', () => {
    const document = parse(`{ citizen(id: "1") { events { date } } }`);
    const data = { citizen: { events: [{ date: '2024-05-02' }] } };
    applyResponsePolicy(
      SCHEMA,
      document,
      undefined,
      data,
      decisions([
        ['Encounter.date', 'MASK', 'YEAR_ONLY'],
        ['Vaccination.date', 'ALLOW'],
      ]),
      false,
    );
    expect(data.citizen.events).toEqual([{ date: '2024' }]);
  });

  it('selects the named operation among several', () => {
    const document = parse(`query A { school(code: "x") { name } } query B { citizen(id: "1") { fullName } }`);
    const data = { citizen: { fullName: 'Trần Văn Bình' } };
    applyResponsePolicy(SCHEMA, document, 'B', data, decisions([['Citizen.fullName', 'MASK', 'INITIALS']]), false);
    expect(data).toEqual({ citizen: { fullName: 'Trần V. B.' } });
  });
});
