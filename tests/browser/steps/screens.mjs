// The remaining main screens: API tokens (secret shown once), webhooks (a test delivery to a
// receiver on loopback), plugins, settings, profile, users, the dashboard with data; and a
// phone-width pass.
import http from 'node:http';
import { check, navTo, waitForText } from '../lib/harness.mjs';

/** A webhook receiver on loopback that answers 200 and keeps each request's headers. */
async function receiver() {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('tamam');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, url: `http://127.0.0.1:${server.address().port}/ulak`, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function checkNoSidewaysScroll(page, screen) {
  const { overflow, culprits } = await page.evaluate(() => {
    const width = window.innerWidth;
    // The elements that reach past the right edge while none of their children do: the ones to fix.
    const clipped = (el) => {
      for (let up = el.parentElement; up; up = up.parentElement) if (getComputedStyle(up).overflowX !== 'visible') return true;
      return false;
    };
    const wide = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el));
    const leaves = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
    const describe = (el) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`;
    return { overflow: document.documentElement.scrollWidth - width, culprits: leaves.slice(0, 5).map(describe) };
  });
  check(overflow <= 1, `${screen} scrolls sideways by ${overflow}px at phone width; reaching past the edge: ${culprits.join(', ')}`);
}

export const screenSteps = [
  {
    name: 'API tokens: create (secret shown once), list, revoke',
    async run(ctx) {
      const { page } = ctx.owner;
      await navTo(page, 'API tokens');
      await page.getByLabel('Name', { exact: true }).fill('CRM eşitleme');
      await page.getByRole('button', { name: 'Create token' }).click();
      await page.getByTestId('token-secret').waitFor();
      const value = await page.getByTestId('token-secret').inputValue();
      check(/^ulak_/.test(value), `a token secret is shown (${value.slice(0, 8)}…)`);
      const me = await ctx.owner.context.request.get(`${ctx.baseUrl}/api/v1/auth/me`, { headers: { authorization: `Bearer ${value}` } });
      check(me.ok(), 'the new token authenticates');
      await ctx.gallery.shootBoth(page, 'tokens');
      await page.getByRole('button', { name: 'I have saved it' }).click();
      await page.getByRole('button', { name: 'Revoke CRM eşitleme' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
      await waitForText(page.locator('.toast'), /revoked/);
    },
  },
  {
    name: 'webhooks: add one (secret shown once), a signed test delivery, its deliveries',
    async run(ctx) {
      const { page } = ctx.owner;
      const hook = await receiver();
      try {
        await navTo(page, 'Webhooks');
        await page.getByLabel('URL', { exact: true }).fill(hook.url);
        await page.getByLabel('Description', { exact: true }).fill('CRM');
        await page.getByLabel(/^Contacts \(/).check();
        await page.getByRole('button', { name: 'Add webhook' }).click();
        await page.getByTestId('webhook-secret').waitFor();
        const secret = await page.getByTestId('webhook-secret').inputValue();
        check(/^whsec_/.test(secret), `a signing secret is shown (${secret.slice(0, 8)}…)`);
        await ctx.gallery.shootBoth(page, 'webhooks');
        await page.getByRole('button', { name: 'I have saved it' }).click();
        const row = page.getByRole('row', { name: new RegExp(hook.url.replace(/[.:/]/g, '\\$&')) });
        await row.getByText('message.sent').waitFor();
        await row.getByText('contact.opted_out').waitFor();
        await row.getByRole('button', { name: 'Test' }).click();
        await waitForText(page.locator('.toast'), /Test delivery: HTTP 200/);
        check(hook.seen.length === 1, `the receiver got the test delivery (${hook.seen.length} requests)`);
        const headers = hook.seen[0]?.headers ?? {};
        check(/^v1,/.test(headers['webhook-signature'] ?? ''), 'the delivery is signed (webhook-signature: v1,…)');
        check(JSON.parse(hook.seen[0]?.body ?? '{}').type === 'webhook.ping', 'the body says webhook.ping');
        await row.getByRole('button', { name: 'Deliveries' }).click();
        const deliveries = page.getByTestId('webhook-deliveries');
        await deliveries.getByText('webhook.ping').waitFor();
        await deliveries.getByText('Delivered').waitFor();
        await ctx.gallery.shootBoth(page, 'webhook-deliveries');
      } finally {
        await hook.close();
      }
    },
  },
  {
    name: 'plugins, settings, profile, invitations and users screens',
    async run(ctx) {
      const { page } = ctx.owner;
      await navTo(page, 'Plugins');
      await page.getByRole('heading', { name: /greeting/ }).waitFor();
      const greeting = page.getByRole('article', { name: /greeting/ });
      await greeting.getByText('Configuration', { exact: true }).click();
      await greeting.getByText('Recent activity', { exact: true }).click();
      await greeting.getByText(/calls returned, \d+ failed/).waitFor();
      await greeting.getByText('No log lines from this plugin in this workspace yet.').waitFor();
      await ctx.gallery.shootBoth(page, 'plugins');
      await navTo(page, 'Settings');
      await ctx.gallery.shootBoth(page, 'settings');
      await navTo(page, 'Profile');
      await ctx.gallery.shootBoth(page, 'profile');
      await navTo(page, 'Users');
      await page.getByRole('row', { name: /mehmet@example\.com/ }).waitFor();
      await ctx.gallery.shootBoth(page, 'users');
      await navTo(page, 'Back to workspace');
      await waitForText(page.locator('[data-testid="stat-contacts"] .stat-value'), /^5$/);
      await page.getByRole('heading', { name: 'Recent imports' }).waitFor();
      await page.getByRole('img', { name: /recent imports/ }).waitFor();
      await ctx.gallery.shootBoth(page, 'dashboard');
    },
  },
  {
    name: 'keyboard: skip link, a dialog opened and closed by keys returns focus',
    async run(ctx) {
      const { page } = ctx.owner;
      await page.goto(`${ctx.baseUrl}/app/w/${ctx.workspaceId}/contacts`);
      await page.getByRole('row', { name: /Ayşe Yılmaz/ }).waitFor();
      await page.keyboard.press('Tab');
      check((await page.evaluate(() => document.activeElement?.textContent)) === 'Skip to content', 'the first Tab reaches the skip link');
      await page.keyboard.press('Enter');
      check((await page.evaluate(() => document.activeElement?.id)) === 'main', 'the skip link moves focus to the content');
      const add = page.getByRole('button', { name: 'Add contact' });
      await add.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'New contact' });
      await dialog.waitFor();
      check(await dialog.evaluate((el) => el.contains(document.activeElement)), 'focus moves into the dialog');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      check(await add.evaluate((el) => el === document.activeElement), 'focus returns to the button that opened the dialog');
      const outline = await add.evaluate((el) => getComputedStyle(el).outlineStyle);
      check(outline !== 'none', 'the focused button shows a focus ring');
    },
  },
  {
    name: 'phone width: navigation drawer and main screens',
    async run(ctx) {
      const { page } = ctx.owner;
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await page.goto(`${ctx.baseUrl}/app/w/${ctx.workspaceId}`);
        await page.getByRole('heading', { name: 'Recent imports' }).waitFor();
        await checkNoSidewaysScroll(page, 'the dashboard');
        await ctx.gallery.shootBoth(page, 'phone-dashboard');
        await page.getByRole('button', { name: 'Open menu' }).click();
        const drawer = page.getByRole('dialog', { name: 'Main navigation' });
        await ctx.gallery.shoot(page, 'phone-menu');
        await drawer.getByRole('link', { name: 'Contacts' }).click();
        await drawer.waitFor({ state: 'detached' });
        await page.getByRole('row', { name: /Ayşe Yılmaz/ }).waitFor();
        await checkNoSidewaysScroll(page, 'the contacts screen');
        await ctx.gallery.shootBoth(page, 'phone-contacts');
        await page.goto(ctx.templateUrl);
        await page.getByTestId('preview-text').waitFor();
        await checkNoSidewaysScroll(page, 'the template editor');
        await ctx.gallery.shootBoth(page, 'phone-template-editor');
        await page.goto(`${ctx.baseUrl}/app/w/${ctx.workspaceId}/roles`);
        await page.getByRole('row', { name: /kisi_editoru/ }).waitFor();
        await checkNoSidewaysScroll(page, 'the roles screen');
        await ctx.gallery.shootBoth(page, 'phone-roles');
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
    },
  },
];
