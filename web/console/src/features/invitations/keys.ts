export const invitationKeys = {
  mine: ['invitations', 'mine'] as const,
  workspace: (workspace: string) => ['invitations', 'workspace', workspace] as const,
};
