import { createGraphiQLFetcher } from '@graphiql/toolkit';
import type { GraphiQLPlugin } from '@graphiql/react';
import { GraphiQL } from 'graphiql';
import { useMemo, useState } from 'react';
import { PLATFORM_FACTS } from '../shared/facts';
import { SiteBar } from '../shared/SiteBar';
import type { Caller } from './caller';
import { callerHeaders, loadCaller, saveCaller } from './caller';
import { CallerContext } from './callerContext';
import { CallerForm } from './CallerForm';
import { ErrorGuidePanel } from './ErrorGuidePanel';
import { ExplainPanel } from './ExplainPanel';
import { MyAccessPanel } from './MyAccessPanel';
import { SharingRequestsPanel } from './SharingRequestsPanel';
import { sessionStorageFor } from './sessionStore';

function TextIcon({ text }: { text: string }) {
  return (
    <span aria-hidden="true" style={{ fontWeight: 700, fontSize: '0.75rem' }}>
      {text}
    </span>
  );
}

/** The explorer's own pages, beside GraphiQL's docs and history. */
const PLUGINS: GraphiQLPlugin[] = [
  { title: 'My access', icon: () => <TextIcon text="ME" />, content: MyAccessPanel },
  { title: 'Explain', icon: () => <TextIcon text="WHY" />, content: ExplainPanel },
  { title: 'Sharing requests', icon: () => <TextIcon text="REQ" />, content: SharingRequestsPanel },
  { title: 'Errors', icon: () => <TextIcon text="ERR" />, content: ErrorGuidePanel },
];

/** The README's example operations, as the tabs a first visit opens with. */
const EXAMPLE_TABS = PLATFORM_FACTS.examples.map((example) => ({ query: `# ${example.title}\n${example.query}\n`, variables: example.variables }));

/** Tabs, queries and settings live in this tab's session storage, apart from any other GraphiQL on this origin. */
const STORAGE = sessionStorageFor('dsp-explorer');

/**
 * On a first visit the editors open on the first example, variables included (GraphiQL fills the first tab's
 * editors from these rather than from its tab); later visits open the tabs as they were left.
 */
const FIRST_VISIT = STORAGE.getItem('graphiql:tabState') === null;
const FIRST_TAB = FIRST_VISIT ? { initialQuery: EXAMPLE_TABS[0]?.query, initialVariables: EXAMPLE_TABS[0]?.variables } : {};

/**
 * GraphiQL against this gateway's /graphql, with the caller's headers on every request, introspection
 * included: the docs and autocomplete are the caller's own view of the schema for its purpose.
 */
export function ExplorerApp() {
  const [caller, setCaller] = useState<Caller>(() => loadCaller());
  const apply = (next: Caller) => {
    saveCaller(next);
    setCaller(next);
  };
  // A new fetcher makes GraphiQL introspect again, with the new headers.
  const fetcher = useMemo(() => createGraphiQLFetcher({ url: '/graphql', headers: callerHeaders(caller) }), [caller]);
  return (
    <CallerContext.Provider value={caller}>
      <div className="explorer">
        <SiteBar />
        <CallerForm caller={caller} onApply={apply} />
        <div className="explorer-ide">
          <GraphiQL
            fetcher={fetcher}
            plugins={PLUGINS}
            defaultTabs={EXAMPLE_TABS}
            {...FIRST_TAB}
            storage={STORAGE}
            isHeadersEditorEnabled={false}
            shouldPersistHeaders={false}
            defaultEditorToolsVisibility="variables"
          >
            <GraphiQL.Logo>Provincial API</GraphiQL.Logo>
          </GraphiQL>
        </div>
      </div>
    </CallerContext.Provider>
  );
}
