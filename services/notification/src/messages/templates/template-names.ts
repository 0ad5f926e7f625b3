/** The templates, by name: the name is stored with each message and sent as its tag. */
export const templateNames = [
  'receiver-requested',
  'receiver-reminder',
  'receiver-last-reminder',
  'receiver-cancelled',
  'receiver-digest',
  'sender-moved',
  'person-accepted',
  'person-redirected',
  'coordinator-weekly',
] as const;
export type TemplateName = (typeof templateNames)[number];
