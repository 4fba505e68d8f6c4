import type { Storage as GraphiQLStorage } from '@graphiql/toolkit';

/** Given a namespace, returns GraphiQL's storage over this tab's session storage, keys prefixed with it. */
export function sessionStorageFor(namespace: string): GraphiQLStorage {
  const key = (name: string) => `${namespace}:${name}`;
  return {
    getItem: (name) => sessionStorage.getItem(key(name)),
    setItem: (name, value) => sessionStorage.setItem(key(name), value),
    removeItem: (name) => sessionStorage.removeItem(key(name)),
    clear: () => {
      for (const name of Object.keys(sessionStorage)) if (name.startsWith(`${namespace}:`)) sessionStorage.removeItem(name);
    },
    get length() {
      return Object.keys(sessionStorage).filter((name) => name.startsWith(`${namespace}:`)).length;
    },
  };
}
