import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ErrorCode } from '../../common/errors';
import { failureAnswer } from './failureAnswer';
import type { PlainRoute } from '../../common/httpServer';
import type { Accounts } from '../console/accounts';
import { readJson, sendError, sendJson } from '../console/consoleRoutes';
import { citizenRequestRoleOf } from '../console/permissions';
import { CSRF_HEADER, csrfMatches, readSessionCookie } from '../console/sessionCookie';
import { accountQueueScope } from '../store/stewardQueue';
import type { CitizenRequests } from './citizenRequests';

const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * Given the accounts and the citizens' requests, returns the console's queue of them: GET
 * /console/api/citizen-requests?status=OPEN|ANSWERED|ALL, and POST /console/api/citizen-requests/answer (JSON id
 * and answer, with the session's CSRF token), for an auditor or a policy steward signed in to the console. A steward
 * of one agency sees and answers the requests routed to that agency only (OUTSIDE_STEWARD_QUEUE for another's);
 * one of the province's central data office, every request.
 */
export function consoleRequestRoutes(options: { accounts: Accounts; requests: CitizenRequests; logger: Logger }): PlainRoute {
  const { accounts, requests, logger } = options;
  const fail = failureAnswer(logger, 'console request failed');

  const steward = async (request: IncomingMessage, response: ServerResponse, changing: boolean) => {
    const token = readSessionCookie(request.headers.cookie);
    const found = token === null ? null : await accounts.session(token);
    if (!found) return void sendError(response, 401, ErrorCode.UNAUTHENTICATED, 'Not signed in, or the session has expired or was ended');
    const role = citizenRequestRoleOf(found.account);
    if (role === null) return void sendError(response, 403, ErrorCode.FORBIDDEN, "Citizens' requests are answered by an auditor or a policy steward");
    if (changing && !csrfMatches(request.headers[CSRF_HEADER], found.session.csrfToken))
      return void sendError(response, 403, ErrorCode.FORBIDDEN, `The request lacks the session's CSRF token (header ${CSRF_HEADER})`);
    return { account: found.account, role, scope: accountQueueScope(found.account.agencyCode) };
  };
  return (request, response, url) => {
    const method = request.method ?? 'GET';
    if (url.pathname === '/console/api/citizen-requests' && method === 'GET') {
      steward(request, response, false)
        .then(async (found) => {
          if (found) sendJson(response, 200, { requests: await requests.queue(url.searchParams.get('status') ?? 'OPEN', found.scope) });
        })
        .catch(fail(response));
      return true;
    }
    if (url.pathname === '/console/api/citizen-requests/answer' && method === 'POST') {
      steward(request, response, true)
        .then(async (found) => {
          if (!found) return;
          const body = await readJson(request, MAX_ANSWER_BYTES);
          const id = Number(body.id);
          if (!Number.isSafeInteger(id) || id < 1) return sendError(response, 400, ErrorCode.BAD_USER_INPUT, 'id must be the request number');
          const answered = await requests.answer(id, { name: found.account.name, role: found.role, scope: found.scope }, String(body.answer ?? ''));
          logger.info({ account: found.account.id, request: id }, "citizen's request answered");
          return sendJson(response, 200, { request: answered });
        })
        .catch(fail(response));
      return true;
    }
    return false;
  };
}
