// A WhatsApp Web channel in the console, its server a loopback port that takes each connection and
// drops it (what a network without WhatsApp looks like): the channel made in its form, shown
// disconnected with the reason, the pairing dialog waiting for a code and refusing a phone code
// until WhatsApp answers, the device unlinked and pairing started again.
import { check, choose, navTo, waitForText } from '../lib/harness.mjs';

const CHANNEL = 'Telefon';

/** Requests the page has under way whose path matches `pattern`, so that a step can wait for them. */
function inFlight(page, pattern) {
  const pending = new Set();
  const matches = (request) => pattern.test(new URL(request.url()).pathname);
  const done = (request) => pending.delete(request);
  const started = (request) => matches(request) && pending.add(request);
  page.on('request', started);
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return {
    async settled(timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (pending.size > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      page.off('request', started);
      page.off('requestfinished', done);
      page.off('requestfailed', done);
    },
  };
}

export const whatsappWebSteps = [
  {
    name: 'a WhatsApp Web channel: made, disconnected with the reason, pairing dialog, unlinked, paired again',
    async run(ctx) {
      const { page } = ctx.owner;
      await navTo(page, 'Channels');
      await page.getByRole('button', { name: 'Add channel' }).click();
      const dialog = page.getByRole('dialog', { name: 'New channel' });
      await dialog.getByLabel('Name', { exact: true }).fill(CHANNEL);
      await choose(page, 'Kind', 'WhatsApp (linked device)');
      await dialog.getByLabel('Show “typing…” before each message').check();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      const row = page.getByRole('row', { name: new RegExp(CHANNEL) });
      await waitForText(row.getByTestId('channel-state'), /^Disconnected$/, 30_000);
      await waitForText(row, /cannot reach WhatsApp at 127\.0\.0\.1/);
      const stored = (await (await ctx.owner.context.request.get(`${ctx.baseUrl}/api/v1/workspaces/${ctx.workspaceId}/channels`)).json()).items.find((c) => c.name === CHANNEL);
      check(stored.kind === 'whatsapp_web' && stored.config.typing === true, `the channel as stored: ${JSON.stringify(stored)}`);

      // No code comes from this server: the dialog says it is waiting; a phone code is refused
      // with the reason. The QR code's 404 is allowed for the rest of the step: an image the
      // dialog asked for just before it closed may be answered after it has gone.
      const noCode = ctx.problems.allow(404, /\/channels\/[^/]+\/qr$/, 'no QR code yet');
      const notPairing = ctx.problems.allow(409, /\/channels\/[^/]+\/pair-code$/, 'not connected');
      const qrLoads = inFlight(page, /\/channels\/[^/]+\/qr$/);
      try {
        await page.getByRole('button', { name: `Pair ${CHANNEL}` }).click();
        const pairing = page.getByRole('dialog', { name: `Pair ${CHANNEL}` });
        await pairing.getByTestId('qr-waiting').waitFor();
        await waitForText(pairing.getByTestId('pairing-state'), /^Disconnected$/);
        await pairing.getByLabel('Or pair with the phone number').fill('+905551112233');
        await pairing.getByRole('button', { name: 'Get a code' }).click();
        await waitForText(pairing.getByRole('alert'), /not connected to WhatsApp/);
        await ctx.gallery.shoot(page, 'channel-whatsapp-pairing');
        await pairing.getByRole('button', { name: 'Close' }).first().click();
        await pairing.waitFor({ state: 'detached' });

        // Unlinked: logged out, and pairing starts again from the dialog.
        await page.getByRole('button', { name: `Unlink ${CHANNEL}` }).click();
        await page.getByRole('alertdialog').getByRole('button', { name: 'Unlink' }).click();
        await waitForText(row.getByTestId('channel-state'), /^Logged out$/);
        await page.getByRole('button', { name: `Pair ${CHANNEL}` }).click();
        const again = page.getByRole('dialog', { name: `Pair ${CHANNEL}` });
        await again.getByRole('button', { name: 'Start pairing' }).click();
        await waitForText(again.getByTestId('pairing-state'), /^(Pairing|Disconnected)$/);
        await again.getByRole('button', { name: 'Close' }).first().click();
        await again.waitFor({ state: 'detached' });
        await waitForText(row.getByTestId('channel-state'), /^Disconnected$/, 30_000);
      } finally {
        await qrLoads.settled();
        noCode();
        notPairing();
      }
    },
  },
];
