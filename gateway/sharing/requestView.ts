import type { WorkingCalendar } from '../../common/workingDays';
import { workingDaysLeft } from '../../common/workingDays';
import type { SharingRequest, SharingRequestPart } from '../store/sharingTypes';
import { overdueParts } from '../store/sharingTypes';

/** An owner's part with what its deadline means now. */
export type SharingPartView = SharingRequestPart & { workingDaysLeft: number; overdue: boolean };

/**
 * A request with what its deadlines mean now: overdue when any part waits past its deadline; the working days
 * left are those of the earliest deadline still running (the request's own once every part is answered).
 */
export type SharingRequestView = Omit<SharingRequest, 'parts'> & { workingDaysLeft: number; overdue: boolean; parts: SharingPartView[] };

/** Given the working calendar, a request as stored and the instant, returns it with its working days left and whether it is overdue. */
export function requestView(calendar: WorkingCalendar, request: SharingRequest, now: Date): SharingRequestView {
  const late = new Set(overdueParts(request.parts, now).map((part) => part.ownerCode));
  const parts = request.parts.map((part) => ({
    ...part,
    workingDaysLeft: workingDaysLeft(calendar, new Date(part.deadlineAt), now),
    overdue: late.has(part.ownerCode),
  }));
  const running =
    parts
      .filter((part) => part.status === 'PENDING')
      .map((part) => part.deadlineAt)
      .sort()[0] ?? request.deadlineAt;
  return { ...request, parts, workingDaysLeft: workingDaysLeft(calendar, new Date(running), now), overdue: late.size > 0 };
}
