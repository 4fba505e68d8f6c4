import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import type { PlatformFacts, ExampleOperation } from './facts';

/** A fenced GraphQL block of a markdown text. */
const GRAPHQL_BLOCK = /```graphql\n([\s\S]*?)```/g;

/**
 * Given a markdown text, returns each of its ```graphql blocks as an example operation: its name (the
 * operation's, or "Example n") and a variables skeleton with one empty entry per declared variable.
 */
export function examplesOf(markdown: string): ExampleOperation[] {
  return [...markdown.matchAll(GRAPHQL_BLOCK)].map((match, index) => {
    const query = match[1]!.trim();
    const operation = parse(query).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    const variables = Object.fromEntries((operation?.variableDefinitions ?? []).map((definition) => [definition.variable.name.value, '']));
    return {
      title: operation?.name?.value ?? `Example ${index + 1}`,
      query,
      variables: Object.keys(variables).length > 0 ? JSON.stringify(variables, null, 2) : '',
    };
  });
}

/** Given the repository's root, returns what the web apps are built with: the version and the README's examples. */
export function platformFacts(repositoryRoot: string): PlatformFacts {
  const manifest = JSON.parse(fs.readFileSync(path.join(repositoryRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return {
    version: manifest.version,
    examples: examplesOf(fs.readFileSync(path.join(repositoryRoot, 'README.md'), 'utf8')),
  };
}
