import fs from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { apiSchemaOf } from '../../gateway/policy/catalog';
import { SUPERGRAPH_PATH } from '../../schema/load';
import { examplesOf, platformFacts } from '../../web/shared/platformFacts';

const ROOT = path.join(__dirname, '..', '..');

describe('what the web apps are built with', () => {
  it("takes the README's example operations as tabs, each valid against the API schema", () => {
    const { examples, version } = platformFacts(ROOT);
    expect(version).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
    expect(examples.map((example) => example.title)).toEqual(['CitizenCard', 'CitizenIdentity', 'Citizen360', 'CommuneParcels', 'MyAccess', 'WhyRefused']);
    const schema = apiSchemaOf(fs.readFileSync(SUPERGRAPH_PATH, 'utf8'));
    for (const example of examples) expect(validate(schema, parse(example.query)).map((error) => error.message)).toEqual([]);
  });

  it('gives each example a skeleton of its variables, and names an anonymous one by its place', () => {
    const markdown = '```graphql\nquery Pages($commune: String!, $after: String) { a }\n```\ntext\n```graphql\n{ b }\n```\n```sh\nnot graphql\n```';
    expect(examplesOf(markdown)).toEqual([
      { title: 'Pages', query: 'query Pages($commune: String!, $after: String) { a }', variables: '{\n  "commune": "",\n  "after": ""\n}' },
      { title: 'Example 2', query: '{ b }', variables: '' },
    ]);
  });
});
