/** One owner agency's part of a sharing request, as the console and the explorer read it: its fields, status, deadline and refusal. */
export interface SharingPart {
  ownerCode: string;
  fields: string[];
  status: string;
  deadlineAt: string;
  workingDaysLeft: number;
  overdue: boolean;
  refusalReason: string | null;
  refusalLegalBasis: string | null;
}
