import fs from 'node:fs';
import { parse } from 'graphql';
import { dropOutOfScopeEntities } from '../../gateway/enforcement/outOfScope';
import type { OutgoingResult } from '../../gateway/enforcement/outOfScope';
import { SCOPE_PROBE } from '../../gateway/enforcement/scopeProbe';
import { apiSchemaOf } from '../../gateway/policy/catalog';
import { SUPERGRAPH_PATH } from '../../schema/load';

const schema = apiSchemaOf(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));
const PARCEL = parse(`{ landParcel(communeCode: "40778", mapSheetNumber: 1, parcelNumber: 2) {
  communeCode owners { sharePercent owner { nationalId ${SCOPE_PROBE}: inScope } } } }`);

describe('dropOutOfScopeEntities', () => {
  it('nulls a citizen its owner did not vouch for, its key included, and removes the probes of the others', () => {
    const result: OutgoingResult = {
      data: {
        landParcel: {
          communeCode: '40778',
          owners: [
            { sharePercent: 50, owner: { nationalId: '038085001234', [SCOPE_PROBE]: true } },
            { sharePercent: 50, owner: { nationalId: '038090004321', [SCOPE_PROBE]: null } },
          ],
        },
      },
    };
    dropOutOfScopeEntities(schema, PARCEL, undefined, result);
    expect(result).toEqual({
      data: {
        landParcel: {
          communeCode: '40778',
          owners: [
            { sharePercent: 50, owner: { nationalId: '038085001234' } },
            { sharePercent: 50, owner: null },
          ],
        },
      },
    });
  });

  it('drops the value completion errors below a citizen left null, and every error at or below one it nulls, keeping the others', () => {
    const result: OutgoingResult = {
      data: {
        landParcel: {
          communeCode: '40778',
          owners: [
            { sharePercent: 50, owner: null },
            { sharePercent: 50, owner: { nationalId: '038090004321' } },
          ],
        },
      },
      errors: [
        { message: 'land failed', path: ['landParcel', 'owners', 1, 'owner', 'landParcels'] },
        { message: 'population failed', path: ['landParcel'] },
      ],
      extensions: {
        valueCompletion: [{ message: 'Cannot return null for non-nullable field Citizen.fullName.', path: ['landParcel', 'owners', 0, 'owner', 'fullName'] }],
      },
    };
    dropOutOfScopeEntities(schema, PARCEL, undefined, result);
    expect(result.data).toEqual({
      landParcel: {
        communeCode: '40778',
        owners: [
          { sharePercent: 50, owner: null },
          { sharePercent: 50, owner: null },
        ],
      },
    });
    expect(result.errors).toEqual([{ message: 'population failed', path: ['landParcel'] }]);
    expect(result.extensions).toBeUndefined();
  });

  it('moves a null that cannot stand to the nearest nullable parent, as GraphQL does', () => {
    const document = parse(`{ household(code: "HK40778000001") { code members { citizen { nationalId ${SCOPE_PROBE}: inScope } } } }`);
    const result: OutgoingResult = { data: { household: { code: 'HK40778000001', members: [{ citizen: { nationalId: '038090004321' } }] } } };
    dropOutOfScopeEntities(schema, document, undefined, result);
    expect(result.data).toEqual({ household: null });
  });

  it("keeps a resolver's own error at a citizen that is null, such as a malformed national ID", () => {
    const document = parse(`{ citizen(nationalId: "12") { fullName ${SCOPE_PROBE}: inScope } }`);
    const result: OutgoingResult = { data: { citizen: null }, errors: [{ message: 'malformed', path: ['citizen'], extensions: { code: 'BAD_USER_INPUT' } }] };
    dropOutOfScopeEntities(schema, document, undefined, result);
    expect(result).toEqual({ data: { citizen: null }, errors: [{ message: 'malformed', path: ['citizen'], extensions: { code: 'BAD_USER_INPUT' } }] });
  });
});
