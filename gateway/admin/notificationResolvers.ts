import type { CitizenNotifications } from '../citizen/citizenNotifications';
import { forbidden } from '../store/errors';

/** What these resolvers read of the admin context: the notification outbox. */
interface NotificationsContext {
  notifications: CitizenNotifications | null;
}

type Resolver<Args> = (source: unknown, args: Args, context: NotificationsContext) => unknown;

function outboxOf(context: NotificationsContext): CitizenNotifications {
  if (!context.notifications) throw forbidden('This gateway keeps no notification outbox');
  return context.notifications;
}

/** The admin API's root fields of the citizens' notification outbox (notifications.graphql). */
export const notificationResolvers: { Query: Record<string, Resolver<never>>; Mutation: Record<string, Resolver<never>> } = {
  Query: {
    citizenNotifications: (_source, args: { first?: number | null }, context) => outboxOf(context).pending(args.first ?? 100),
  },
  Mutation: {
    acknowledgeCitizenNotifications: (_source, args: { ids: string[] }, context) => outboxOf(context).acknowledge(args.ids),
  },
};
