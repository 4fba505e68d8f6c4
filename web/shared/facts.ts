/** One of the README's example operations, offered as a ready-made tab. */
export interface ExampleOperation {
  title: string;
  query: string;
  /** JSON text of the variables, empty when the operation declares none. */
  variables: string;
}

/** What the build knows of the platform, written into the apps at build time. */
export interface PlatformFacts {
  version: string;
  examples: ExampleOperation[];
}

declare const __PLATFORM_FACTS__: PlatformFacts;

/** The facts the apps were built with. */
export const PLATFORM_FACTS: PlatformFacts = __PLATFORM_FACTS__;
