/** Small stroke icons for the navigation; decorative (the text next to each names it). */
const PATHS = {
  dashboard: 'M4 13h6V4H4zm10 7h6V11h-6zM4 20h6v-4H4zm10-11h6V4h-6z',
  contacts: 'M16 19v-1a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v1M9.5 10a3 3 0 1 0 0-6 3 3 0 0 0 0 6M21 19v-1a4 4 0 0 0-3-3.9M16 4.1a3 3 0 0 1 0 5.8',
  templates: 'M5 4h14v16H5zM8 8h8M8 12h8M8 16h5',
  variables: 'M7 4C5 6 5 18 7 20M17 4c2 2 2 14 0 16M10 9l4 6M14 9l-4 6',
  media: 'M4 5h16v14H4zM4 15l4-4 4 4 3-3 5 5M15 9.5a1 1 0 1 0 0-.01',
  members: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8M4 20a8 8 0 0 1 16 0',
  roles: 'M12 3l8 3v6c0 4.5-3.4 8.2-8 9-4.6-.8-8-4.5-8-9V6zM9 12l2 2 4-4',
  activity: 'M3 12h4l3-8 4 16 3-8h4',
  audit: 'M9 4h6v3H9zM7 5H5v16h14V5h-2M8 12h8M8 16h5',
  webhooks: 'M10 14a4 4 0 1 1 1-5.5M14 10a4 4 0 1 1-1 5.5M8 18l4-7 4 7M6 18h12',
  tokens: 'M14 10a4 4 0 1 0-3.9 4.9L12 17h2v2h2v2h4v-3.5l-6.1-6.1A4 4 0 0 0 14 10M8 9.5a.5.5 0 1 0 0-.01',
  channels: 'M4 12a8 8 0 0 1 16 0M7.5 12a4.5 4.5 0 0 1 9 0M12 12v8M9 20h6',
  campaigns: 'M3 10v4h3l6 4V6L6 10zM16 9a4 4 0 0 1 0 6M18.5 6.5a7.5 7.5 0 0 1 0 11',
  conversations: 'M4 5h16v11H9l-5 4zM8 9h8M8 12h5',
  plugins: 'M9 3v4M15 3v4M7 7h10v4a5 5 0 0 1-10 0zM12 16v5',
  settings: 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-2.9 1.2V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-2.9-1.2l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1A1.7 1.7 0 0 0 3 14H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.2-2.9l-.1-.1A2 2 0 1 1 7 4.2l.1.1A1.7 1.7 0 0 0 10 3.1V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 2.9 1.2l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1A1.7 1.7 0 0 0 21 10h.1a2 2 0 1 1 0 4H21a1.7 1.7 0 0 0-1.6 1',
  profile: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8M6 20v-1a6 6 0 0 1 12 0v1',
  invitations: 'M3 6h18v12H3zM3 7l9 6 9-6',
  users: 'M17 20v-2a4 4 0 0 0-4-4H7a4 4 0 0 0-4 4v2M10 10a4 4 0 1 0 0-8 4 4 0 0 0 0 8M20 8v6M23 11h-6',
  menu: 'M4 6h16M4 12h16M4 18h16',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg className="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
