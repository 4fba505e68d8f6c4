import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode } from '../../common/errors';
import type { PlainRoute } from '../../common/httpServer';
import { overTls } from '../console/sessionCookie';
import { vietnamDay } from '../register/review';
import type { Stewardship } from '../store/stewardship';
import { buildCatalogue } from './catalogue';
import { dcatCatalogue } from './dcat';

/** Where the open-data portal harvests the catalogue. */
export const DCAT_PATH = '/catalogue/dcat.jsonld';

/** A Host header as a browser or harvester sends it: a name or an address, and a port. Anything else names no origin. */
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]{1,253})(:[0-9]{1,5})?$/i;

/** Given a request, returns the origin it was addressed to, for the export's identifiers; localhost when the Host header is missing or odd. */
export function requestOrigin(request: IncomingMessage): string {
  const host = String(request.headers.host ?? '');
  return `${overTls(request) ? 'https' : 'http'}://${HOST.test(host) ? host.toLowerCase() : 'localhost'}`;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.statusCode = status;
  response.setHeader('content-type', contentType);
  response.setHeader('cache-control', 'public, max-age=300');
  response.setHeader('x-content-type-options', 'nosniff');
  response.end(body);
}

/**
 * Given the steward operations, returns the route of GET /catalogue/dcat.jsonld: the open datasets as DCAT-AP
 * JSON-LD, for the province's open-data portal. It names open data only (types published as open data, every
 * field OPEN), so it answers anyone, with no credential, as /graphql does for open data.
 */
export function catalogueRoutes(options: { stewardship: Stewardship; logger: Logger }): PlainRoute[] {
  const { stewardship, logger } = options;
  const route: PlainRoute = (request, response, url) => {
    if (url.pathname !== DCAT_PATH) return false;
    // Whatever body came is read and dropped, so that the connection can serve the next request.
    request.resume();
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      send(
        response,
        405,
        'application/json; charset=utf-8',
        JSON.stringify({ errors: [{ message: 'Use GET', extensions: { code: ErrorCode.METHOD_NOT_ALLOWED } }] }),
      );
      return true;
    }
    stewardship
      .listAgencies()
      .then((agencies) => {
        const { apiSchema, catalog } = stewardship.schemaDescription();
        const document = dcatCatalogue(buildCatalogue(apiSchema, catalog, []), {
          origin: requestOrigin(request),
          agencies,
          publisher: agencies.find((agency) => agency.steward) ?? null,
          modified: vietnamDay(new Date()),
        });
        send(response, 200, 'application/ld+json; charset=utf-8', request.method === 'HEAD' ? '' : JSON.stringify(document));
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'catalogue export failed');
        if (!response.headersSent)
          send(
            response,
            500,
            'application/json; charset=utf-8',
            JSON.stringify({ errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] }),
          );
      });
    return true;
  };
  return [route];
}
