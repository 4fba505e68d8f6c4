import fs from 'node:fs';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType } from 'graphql';
import { apiSchemaOf } from '../../gateway/policy/catalog';
import { SUPERGRAPH_PATH } from '../../schema/load';

const schema = apiSchemaOf(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));

describe('schema descriptions', () => {
  it('describes every type of the API schema', () => {
    const undescribed = Object.values(schema.getTypeMap())
      .filter((type) => !type.name.startsWith('__'))
      .filter((type) => isObjectType(type) || isInterfaceType(type) || isEnumType(type) || isInputObjectType(type) || isUnionType(type))
      .filter((type) => !type.description)
      .map((type) => type.name);
    expect(undescribed).toEqual([]);
  });

  it('describes every root field', () => {
    const fields = Object.values(schema.getQueryType()!.getFields());
    expect(fields.filter((field) => !field.description).map((field) => field.name)).toEqual([]);
  });

  it('describes Query as the whole API, not as one sector', () => {
    const description = schema.getQueryType()!.description ?? '';
    for (const sector of ['population', 'land', 'health', 'education']) expect(description).toContain(sector);
    expect(description).not.toMatch(/^The health database/);
  });
});
