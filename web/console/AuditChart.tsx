import { useId } from 'react';
import { localeOf } from '../shared/i18n';
import type { ChartModel, Timeline } from './auditChartModel';
import { DENIED_COLOUR, chartModel, colourOf } from './auditChartModel';
import { useConsole } from './consoleContext';

const HEIGHT = 180;
const TOP = 10;
const LEFT = 40;
const BOTTOM = 24;
const COLUMN = 18;

/** Given a bucket's start, its kind and a language, returns its label on Viet Nam's clock. */
function bucketLabel(start: string, bucket: Timeline['bucket'], language: 'vi' | 'en'): string {
  const options: Intl.DateTimeFormatOptions =
    bucket === 'HOUR'
      ? { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' }
      : { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' };
  return new Intl.DateTimeFormat(localeOf(language), options).format(new Date(start));
}

/** The bars: per bucket, the allowed requests stacked by agency and the denied ones in red beside them. */
function Bars({ model, labelOf }: { model: ChartModel; labelOf: (start: string) => string }) {
  const { t } = useConsole();
  const scale = (count: number) => (count / model.maximum) * HEIGHT;
  const every = Math.max(1, Math.ceil(model.columns.length / 12));
  return (
    <>
      {model.columns.map((column, index) => {
        const x = LEFT + index * COLUMN;
        let y = TOP + HEIGHT;
        return (
          <g key={column.start} data-testid="chart-column">
            {column.allowed.map((part, agencyIndex) => {
              if (part.count === 0) return null;
              y -= scale(part.count);
              return (
                <rect key={part.agency ?? '-'} x={x + 1} y={y} width={COLUMN / 2 - 1} height={scale(part.count)} fill={colourOf(agencyIndex)}>
                  <title>{`${labelOf(column.start)} · ${part.agency ?? t('anonymous')}: ${part.count}`}</title>
                </rect>
              );
            })}
            {column.denied > 0 && (
              <rect
                x={x + COLUMN / 2}
                y={TOP + HEIGHT - scale(column.denied)}
                width={COLUMN / 2 - 1}
                height={scale(column.denied)}
                fill={DENIED_COLOUR}
                data-testid="chart-denied"
              >
                <title>{`${labelOf(column.start)} · ${t('deniedCount')}: ${column.denied}`}</title>
              </rect>
            )}
            {index % every === 0 && (
              <text x={x} y={TOP + HEIGHT + 14} fontSize="9">
                {labelOf(column.start).slice(0, 5)}
              </text>
            )}
          </g>
        );
      })}
    </>
  );
}

/**
 * The audit trail's counts over time as an inline SVG chart (no library, nothing from another origin): a title and a
 * description for screen readers, a legend, and the same figures as a table below.
 */
export function AuditChart({ timeline }: { timeline: Timeline }) {
  const { t, language } = useConsole();
  const id = useId();
  const model = chartModel(timeline);
  const labelOf = (start: string) => bucketLabel(start, timeline.bucket, language);
  const width = LEFT + Math.max(1, model.columns.length) * COLUMN + 10;
  const title = `${t('chartTitle')} (${timeline.bucket === 'HOUR' ? t('chartPerHour') : t('chartPerDay')}), ${labelOf(timeline.from)} – ${labelOf(timeline.to)}`;
  return (
    <figure className="audit-chart" data-testid="audit-chart">
      {timeline.truncated && <p role="status">{t('chartTruncated')}</p>}
      {timeline.points.length === 0 && <p data-testid="chart-empty">{t('chartEmpty')}</p>}
      <div style={{ overflowX: 'auto' }}>
        <svg
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          width={width}
          height={TOP + HEIGHT + BOTTOM}
          viewBox={`0 0 ${width} ${TOP + HEIGHT + BOTTOM}`}
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{t('chartDesc')}</desc>
          {[...new Set([0, Math.round(model.maximum / 2), model.maximum])].map((tick) => (
            <g key={tick}>
              <line
                x1={LEFT - 4}
                x2={width}
                y1={TOP + HEIGHT - (tick / model.maximum) * HEIGHT}
                y2={TOP + HEIGHT - (tick / model.maximum) * HEIGHT}
                stroke="#ccc"
              />
              <text x={LEFT - 6} y={TOP + HEIGHT - (tick / model.maximum) * HEIGHT + 3} fontSize="9" textAnchor="end">
                {tick}
              </text>
            </g>
          ))}
          <Bars model={model} labelOf={labelOf} />
        </svg>
      </div>
      <figcaption>
        <ul className="chart-legend" data-testid="chart-legend">
          {model.agencies.map((agency, index) => (
            <li key={agency ?? '-'}>
              <span aria-hidden="true" style={{ display: 'inline-block', width: 10, height: 10, background: colourOf(index) }} /> {agency ?? t('anonymous')}
            </li>
          ))}
          <li>
            <span aria-hidden="true" style={{ display: 'inline-block', width: 10, height: 10, background: DENIED_COLOUR }} /> {t('deniedCount')}
          </li>
        </ul>
      </figcaption>
      <details>
        <summary>{t('chartTable')}</summary>
        <table data-testid="audit-timeline-table">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('time')}</th>
              <th scope="col">{t('agency')}</th>
              <th scope="col">{t('requestsCount')}</th>
              <th scope="col">{t('deniedCount')}</th>
            </tr>
          </thead>
          <tbody>
            {timeline.points.map((point) => (
              <tr key={`${point.start}-${point.agencyCode ?? '-'}`}>
                <td>{labelOf(point.start)}</td>
                <td>{point.agencyCode ?? t('anonymous')}</td>
                <td>{point.requests}</td>
                <td>{point.denied}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
