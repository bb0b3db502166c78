/**
 * A campaign's start time is entered as a wall-clock time in the workspace's time zone (as its
 * sending window is), not the browser's. `<input type="datetime-local">` reads `YYYY-MM-DDTHH:MM`.
 */

function wallClock(instant: number, zone: string | undefined): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** `2026-12-01T09:30` in `zone` → an ISO instant; null when the text is not such a time. */
export function zonedToIso(local: string, zone: string | undefined): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local);
  if (!match) return null;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset at the guessed instant, corrected once (enough away from the DST switch hour).
  let guess = wall - (wallClock(wall, zone) - wall);
  guess = wall - (wallClock(guess, zone) - guess);
  return new Date(guess).toISOString();
}

/** An ISO instant → `YYYY-MM-DDTHH:MM` in `zone`, for a datetime-local input. */
export function isoToZoned(iso: string, zone: string | undefined): string {
  const wall = new Date(wallClock(new Date(iso).getTime(), zone));
  return wall.toISOString().slice(0, 16);
}
