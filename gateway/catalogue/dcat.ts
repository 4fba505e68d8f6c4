import type { Agency } from '../policy/types';
import type { CatalogueType } from './catalogue';
import { ownerAgency } from './catalogue';

/** The vocabularies the export speaks: DCAT 3, Dublin Core terms, FOAF, vCard, XML Schema datatypes. */
export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  'dct:issued': { '@type': 'xsd:date' },
  'dct:modified': { '@type': 'xsd:date' },
  'dcat:endpointURL': { '@type': '@id' },
  'dcat:accessURL': { '@type': '@id' },
  'dcat:landingPage': { '@type': '@id' },
  'dct:conformsTo': { '@type': '@id' },
} as const;

export interface DcatOptions {
  /** The gateway's public origin, such as https://lgsp.thanhhoa.gov.vn: the identifiers and URLs are under it. */
  origin: string;
  /** The agencies, to name each dataset's publisher: the agency owning its sector. */
  agencies: readonly Agency[];
  /** The steward agency publishing the catalogue. */
  publisher: Agency | null;
  /** The day of the export, YYYY-MM-DD. */
  modified: string;
}

/** Given an agency and the origin, returns it as a foaf:Agent with its electronic agency code. */
function agent(agency: Agency, origin: string): Record<string, unknown> {
  return {
    '@id': `${origin}/catalogue/agencies/${encodeURIComponent(agency.code)}`,
    '@type': 'foaf:Agent',
    'foaf:name': agency.name,
    'dct:identifier': agency.code,
  };
}

/**
 * Given the catalogue and where the gateway answers, returns the open-data datasets as a DCAT-AP catalogue in
 * JSON-LD: one dcat:Dataset per type published as open data, each served by the GraphQL endpoint (a
 * dcat:DataService, anonymous callers read open data), its fields as the dataset's keywords.
 */
export function dcatCatalogue(catalogue: readonly CatalogueType[], options: DcatOptions): Record<string, unknown> {
  const { origin } = options;
  const service = {
    '@id': `${origin}/graphql`,
    '@type': 'dcat:DataService',
    'dct:title': 'API dữ liệu tỉnh Thanh Hóa (GraphQL)',
    'dcat:endpointURL': `${origin}/graphql`,
    'dct:conformsTo': 'https://spec.graphql.org/October2021/',
  };
  const datasets = catalogue
    .filter((type) => type.openData)
    .map((type) => {
      const owner = type.owners.map((sector) => ownerAgency(sector, options.agencies)).find((agency) => agency !== null) ?? null;
      return {
        '@id': `${origin}/catalogue/datasets/${type.name}`,
        '@type': 'dcat:Dataset',
        'dct:identifier': type.name,
        'dct:title': type.name,
        'dct:description': type.description ?? type.name,
        'dct:modified': options.modified,
        // The sector and the fields: what a portal's search finds the dataset by.
        'dcat:keyword': [...type.owners, ...type.fields.map((field) => field.name)],
        ...(owner ? { 'dct:publisher': agent(owner, origin) } : {}),
        'dcat:distribution': [
          {
            '@id': `${origin}/catalogue/datasets/${type.name}/graphql`,
            '@type': 'dcat:Distribution',
            'dct:title': `${type.name} (GraphQL)`,
            'dcat:accessURL': `${origin}/graphql`,
            'dcat:mediaType': 'application/graphql-response+json',
            'dcat:accessService': { '@id': service['@id'] },
          },
        ],
      };
    });
  return {
    '@context': DCAT_CONTEXT,
    '@id': `${origin}/catalogue/dcat.jsonld`,
    '@type': 'dcat:Catalog',
    'dct:title': 'Danh mục dữ liệu mở tỉnh Thanh Hóa',
    'dct:description': 'Open data of the province, read without a credential through the data-sharing platform.',
    'dct:modified': options.modified,
    'dcat:landingPage': `${origin}/`,
    ...(options.publisher ? { 'dct:publisher': agent(options.publisher, origin) } : {}),
    'dcat:service': [service],
    'dcat:dataset': datasets,
  };
}
