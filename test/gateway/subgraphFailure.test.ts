import { parse } from 'graphql';
import { SubgraphTimeoutError } from '../../gateway/keepAliveFetcher';
import { classifySubgraphFailure, pathsLeftNull } from '../../gateway/subgraphFailure';

describe('classifySubgraphFailure', () => {
  it('tells a timeout, a refused signature and an outage apart', () => {
    expect(classifySubgraphFailure(new SubgraphTimeoutError(300), 'health', 300)).toMatchObject({
      code: 'SUBGRAPH_TIMEOUT',
      clientMessage: 'The health subgraph did not answer within 300 ms',
    });
    const refused = Object.assign(new Error('401: Unauthorized'), {
      extensions: { response: { status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED', reason: 'the gateway signature has expired' } }] } } },
    });
    expect(classifySubgraphFailure(refused, 'land', 5000)).toMatchObject({
      code: 'SUBGRAPH_AUTHENTICATION_FAILED',
      clientMessage: "The land subgraph refused the gateway's signature",
      reason: 'the gateway signature has expired',
    });
    const refusedConnection = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4002'), { code: 'ECONNREFUSED' });
    expect(classifySubgraphFailure(refusedConnection, 'land', 5000)).toMatchObject({
      code: 'SUBGRAPH_UNAVAILABLE',
      clientMessage: 'The land subgraph is unavailable',
      reason: 'ECONNREFUSED connect ECONNREFUSED 127.0.0.1:4002',
    });
    const badGateway = Object.assign(new Error('502: Bad Gateway'), { extensions: { response: { status: 502, body: '<html>' } } });
    expect(classifySubgraphFailure(badGateway, 'land', 5000)).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', reason: 'HTTP 502' });
  });
});

describe('pathsLeftNull', () => {
  it('names each root field of a root call by its response name', () => {
    const document = parse('query Op__education__0 { first: school(code: "1") { name } __typename schoolsByCommune(communeCode: "40778") { nodes { name } } }');
    expect(pathsLeftNull(document, undefined)).toEqual([['first'], ['schoolsByCommune']]);
  });

  it('names each field asked of each entity, by the type of its representation', () => {
    const document = parse(`query ($representations: [_Any!]!) { _entities(representations: $representations) {
      __typename
      ... on Citizen { healthInsurance { benefitLevel } cards: vaccinations { vaccine } }
      ... on HealthFacility { name }
      ...More
    } }
    fragment More on Citizen { encounters { date } }`);
    const representations = [
      { __typename: 'Citizen', nationalId: '038085001234' },
      { __typename: 'HealthFacility', code: '38001' },
    ];
    expect(pathsLeftNull(document, representations)).toEqual([
      ['_entities', 0, 'healthInsurance'],
      ['_entities', 0, 'cards'],
      ['_entities', 0, 'encounters'],
      ['_entities', 1, 'name'],
    ]);
  });
});
