import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ConfigError, loadConfig } from '../../common/config';

/** The repository's root. */
export const ROOT = path.resolve(__dirname, '../..');

/** Where the Kubernetes manifests are. */
export const KUBERNETES = path.join(ROOT, 'deploy', 'kubernetes');

/** A Kubernetes object as a test reads it. */
export type Manifest = Record<string, any>;

/** Given a YAML file, returns its documents (a multi-document file gives several), each parsed strictly. */
export function readYamlDocuments(file: string): Manifest[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), { merge: true, prettyErrors: true }).map((document) => {
    if (document.errors.length > 0) throw new Error(`${path.relative(ROOT, file)}: ${document.errors[0]!.message}`);
    return document.toJS() as Manifest;
  });
}

/** A patch of a kustomization: its file, what it targets when it says so, and its documents. */
export interface KustomizePatch {
  file: string;
  target: { group?: string; kind?: string; name?: string; labelSelector?: string } | null;
  documents: Manifest[];
}

/** What one kustomization (with what it includes) amounts to, read without kustomize. */
export interface Kustomization {
  directory: string;
  /** Every file a kustomization of the tree names: resources, patches, components. */
  files: string[];
  /** The objects of its resources, its bases' included. */
  resources: Manifest[];
  /** Its patches and its components', bases' first. */
  patches: KustomizePatch[];
  secretGenerators: Array<{ name: string; literals: string[] }>;
  images: Array<{ name: string; newTag?: string; newName?: string }>;
}

/**
 * Given a kustomization's directory, reads it and what it includes (resources, bases, components, patches) as
 * kustomize would find them, and throws when a file it names does not exist.
 */
export function readKustomization(directory: string): Kustomization {
  const file = path.join(directory, 'kustomization.yaml');
  if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, directory)} holds no kustomization.yaml`);
  const [spec] = readYamlDocuments(file) as [Manifest];
  const result: Kustomization = {
    directory,
    files: [file],
    resources: [],
    patches: [],
    secretGenerators: [...(spec.secretGenerator ?? [])].map((generator: Manifest) => ({ name: generator.name, literals: generator.literals ?? [] })),
    images: spec.images ?? [],
  };
  const include = (included: Kustomization) => {
    result.files.push(...included.files);
    result.resources.push(...included.resources);
    result.patches.push(...included.patches);
    result.secretGenerators.push(...included.secretGenerators);
    result.images.push(...included.images);
  };
  const existing = (relative: string): string => {
    const target = path.resolve(directory, relative);
    if (!fs.existsSync(target)) throw new Error(`${path.relative(ROOT, file)} names ${relative}, which does not exist`);
    return target;
  };
  for (const resource of (spec.resources ?? []) as string[]) {
    const target = existing(resource);
    if (fs.statSync(target).isDirectory()) include(readKustomization(target));
    else {
      result.files.push(target);
      result.resources.push(...readYamlDocuments(target));
    }
  }
  for (const component of (spec.components ?? []) as string[]) include(readKustomization(existing(component)));
  for (const patch of (spec.patches ?? []) as Manifest[]) {
    const target = existing(patch.path);
    result.files.push(target);
    result.patches.push({ file: target, target: patch.target ?? null, documents: readYamlDocuments(target) });
  }
  return result;
}

/** Given a label selector string ("a=b,c=d") and labels, tells whether the labels match it. */
export function matchesLabelSelector(selector: string, labels: Record<string, string> = {}): boolean {
  return selector.split(',').every((term) => {
    const [key, value] = term.split('=');
    return labels[key!.trim()] === value?.trim();
  });
}

/** Given a patch's target and an object, tells whether kustomize would patch it. */
export function patchTargets(target: NonNullable<KustomizePatch['target']>, object: Manifest): boolean {
  const group = String(object.apiVersion).includes('/') ? String(object.apiVersion).split('/')[0] : '';
  return (
    (target.kind === undefined || target.kind === object.kind) &&
    (target.group === undefined || target.group === group) &&
    (target.name === undefined || target.name === object.metadata?.name) &&
    (target.labelSelector === undefined || matchesLabelSelector(target.labelSelector, object.metadata?.labels))
  );
}

/** One JSON patch operation (RFC 6902), as kustomize's patches with a target hold them. */
export interface JsonPatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** Given an object and a JSON pointer, returns what it points at, or undefined. */
export function pointAt(object: unknown, pointer: string): unknown {
  let current: unknown = object;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Given an object and a JSON patch operation, returns why kustomize could not apply it, or null: an add's parent
 * must exist (an array for "-"), a replace's or remove's path must exist.
 */
export function whyNotApplicable(object: Manifest, operation: JsonPatchOperation): string | null {
  const parentPointer = operation.path.slice(0, operation.path.lastIndexOf('/'));
  const last = operation.path.slice(operation.path.lastIndexOf('/') + 1);
  const parent = pointAt(object, parentPointer);
  if (operation.op === 'add') {
    if (last === '-') return Array.isArray(parent) ? null : `${parentPointer} is not an array`;
    return parent !== null && typeof parent === 'object' ? null : `${parentPointer} does not exist`;
  }
  return pointAt(object, operation.path) === undefined ? `${operation.path} does not exist` : null;
}

/** One instruction of a Dockerfile: its keyword, its arguments as written, and the build stage it belongs to. */
export interface DockerInstruction {
  keyword: string;
  arguments: string;
  stage: number;
}

/** Given a Dockerfile's text, returns its instructions, continuation lines joined and comments left out. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let stage = -1;
  let pending = '';
  for (const line of text.split('\n')) {
    if (pending === '' && /^\s*#/.test(line)) continue;
    if (pending !== '' && /^\s*#/.test(line)) continue;
    const joined = `${pending}${line.trim()}`;
    if (joined.endsWith('\\')) {
      pending = `${joined.slice(0, -1).trimEnd()} `;
      continue;
    }
    pending = '';
    if (joined === '') continue;
    const match = /^(\w+)\s+(.*)$/.exec(joined);
    if (!match) throw new Error(`not a Dockerfile instruction: ${joined}`);
    const keyword = match[1]!.toUpperCase();
    if (keyword === 'FROM') stage += 1;
    instructions.push({ keyword, arguments: match[2]!, stage });
  }
  return instructions;
}

/** Given an instruction's arguments in exec form (a JSON array) or after CMD, returns the command as a list. */
export function execForm(text: string): string[] {
  const json = text.replace(/^CMD\s+/, '');
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) throw new Error(`not an exec-form command: ${text}`);
  return parsed;
}

/** package.json's npm scripts. */
export const NPM_SCRIPTS: Record<string, string> = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
  .scripts;

/**
 * Given a container's command, returns the npm script it runs (the one whose command is `tsx scripts/<file>`) and
 * its arguments; throws unless it runs the installed tsx on a script of scripts/ that exists and an npm script runs.
 */
export function npmScriptOf(command: string[]): { npmScript: string; args: string[] } {
  const [runner, script, ...args] = command;
  if (runner !== 'node_modules/.bin/tsx') throw new Error(`${command.join(' ')} does not run node_modules/.bin/tsx`);
  if (!script || !/^scripts\/[\w-]+\.ts$/.test(script) || !fs.existsSync(path.join(ROOT, script))) throw new Error(`${script} is no script of scripts/`);
  const npmScript = Object.entries(NPM_SCRIPTS).find(([, value]) => value === `tsx ${script}`)?.[0];
  if (npmScript === undefined) throw new Error(`no npm script runs tsx ${script}`);
  return { npmScript, args };
}

/** Given an environment, returns what the configuration module refuses in it. */
export function configurationProblems(environment: Record<string, string>): string[] {
  try {
    loadConfig(environment);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}
