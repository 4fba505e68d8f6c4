import { Table, useQuery } from './Common';
import { useConsole } from './consoleContext';

interface CatalogueType {
  name: string;
  description: string | null;
  openData: boolean;
  fields: Array<{
    coordinate: string;
    description: string | null;
    owner: string;
    ownerAgency: { code: string; name: string } | null;
    sharing: string;
    personal: string;
    importance: string;
    grants: Array<{ id: string; agencyCode: string; review: { needsReview: boolean } }>;
  }>;
}

const CATALOGUE =
  '{ catalogue { name description openData fields { coordinate description owner ownerAgency { code name } sharing personal importance grants { id agencyCode review { needsReview } } } } }';

/** The catalogue: every type and field with its owner, classification, description and the grants that open it. */
export function CataloguePage() {
  const { t } = useConsole();
  const { data, error } = useQuery<{ catalogue: CatalogueType[] }>(CATALOGUE);
  return (
    <section>
      <h2>{t('catalogue')}</h2>
      {error && <div role="alert">{error}</div>}
      <p>
        <a href="/catalogue/dcat.jsonld" data-testid="dcat-link">
          {t('dcatExport')}
        </a>
      </p>
      {(data?.catalogue ?? []).map((type) => (
        <details key={type.name} data-testid={`catalogue-${type.name}`}>
          <summary>
            {type.name}
            {type.openData ? ` · ${t('openData')}` : ''}
            {type.description ? ` · ${type.description}` : ''}
          </summary>
          <Table
            testId={`catalogue-fields-${type.name}`}
            rows={type.fields}
            columns={[
              [t('field'), (field) => field.coordinate],
              [t('owner'), (field) => (field.ownerAgency ? `${field.ownerAgency.code} ${field.ownerAgency.name}` : field.owner)],
              [t('sharingClass'), (field) => field.sharing],
              [t('personal'), (field) => field.personal],
              [t('importance'), (field) => field.importance],
              [t('description'), (field) => field.description ?? '-'],
              [
                t('openedBy'),
                (field) =>
                  field.grants.map((grant) => `#${grant.id} ${grant.agencyCode}${grant.review.needsReview ? ` (${t('needsReview')})` : ''}`).join(', ') || '-',
              ],
            ]}
          />
        </details>
      ))}
    </section>
  );
}
