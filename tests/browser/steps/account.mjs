// Registration, the first workspace, a second workspace, and the dashboard's time to interactive.
import { existsSync, readFileSync } from 'node:fs';
import { check, newWatchedContext, waitForText } from '../lib/harness.mjs';

export const OWNER = { name: 'Ayşe Yılmaz', email: 'ayse@example.com', password: 'a long password 1' };

/** Records when the dashboard's contact count first shows a number (set before any page script). */
function markFirstData() {
  const observer = new MutationObserver(() => {
    const value = document.querySelector('[data-testid="stat-contacts"] .stat-value');
    if (value && /\d/.test(value.textContent ?? '') && !window.__ulakFirstData) {
      window.__ulakFirstData = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

export const accountSteps = [
  {
    name: 'register the first account (superadmin with a workspace)',
    async run(ctx) {
      ctx.owner = await newWatchedContext(ctx.browser, ctx.problems, { label: 'owner', locale: 'en-US' });
      const { page } = ctx.owner;
      await page.goto(`${ctx.baseUrl}/app/`);
      await page.waitForURL(/\/app\/signin/);
      await ctx.gallery.shootBoth(page, 'sign-in');
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.waitForURL(/\/app\/register/);
      await page.getByLabel('Name').fill(OWNER.name);
      await page.getByLabel('Email').fill(OWNER.email);
      await page.getByLabel('Password').fill(OWNER.password);
      await ctx.gallery.shootBoth(page, 'register');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(/\/app\/w\/[^/]+$/);
      ctx.workspaceId = page.url().match(/\/w\/([^/?#]+)/)[1];
      await waitForText(page.locator('[data-testid="stat-contacts"] .stat-value'), /^0$/);
      check((await page.getByRole('link', { name: 'Users' }).count()) === 1, 'the superadmin sees the Users screen');
    },
  },
  {
    name: 'create a second workspace and switch back',
    async run(ctx) {
      const { page } = ctx.owner;
      await page.getByRole('button', { name: 'Switch workspace' }).click();
      await page.getByRole('menuitem', { name: /Create workspace/ }).click();
      await page.getByLabel('Workspace name').fill('İkinci Çalışma Alanı');
      await page.getByRole('button', { name: 'Create workspace' }).click();
      await page.waitForURL((url) => /\/app\/w\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith(ctx.workspaceId));
      ctx.secondWorkspaceId = page.url().match(/\/w\/([^/?#]+)/)[1];
      await waitForText(page.getByRole('button', { name: 'Switch workspace' }), /İkinci Çalışma Alanı/);
      await page.getByRole('button', { name: 'Switch workspace' }).click();
      await page.getByRole('menuitemradio', { name: /My workspace/ }).click();
      await page.waitForURL(new RegExp(`/w/${ctx.workspaceId}$`));
    },
  },
  {
    name: 'dashboard: time to interactive',
    async run(ctx) {
      const { context } = ctx.owner;
      const page = await context.newPage();
      ctx.problems.watch(page, 'owner-tti');
      await page.addInitScript(markFirstData);
      await page.goto(`${ctx.baseUrl}/app/w/${ctx.workspaceId}`);
      await page.waitForFunction(() => window.__ulakFirstData !== undefined, null, { timeout: 15_000 });
      const timing = await page.evaluate(() => {
        const navigation = performance.getEntriesByType('navigation')[0];
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        return {
          firstData: window.__ulakFirstData,
          domContentLoaded: navigation?.domContentLoadedEventEnd,
          firstContentfulPaint: paint?.startTime,
          transferred: performance.getEntriesByType('resource').filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js')).reduce((sum, r) => sum + (r.encodedBodySize ?? 0), 0),
        };
      });
      ctx.metrics.dashboard = timing;
      console.log(
        `  dashboard: first data rendered ${timing.firstData.toFixed(0)} ms after navigation start ` +
          `(first contentful paint ${timing.firstContentfulPaint?.toFixed(0) ?? '?'} ms, DOMContentLoaded ${timing.domContentLoaded?.toFixed(0) ?? '?'} ms)`,
      );
      await page.close();
    },
  },
  {
    name: 'reset a forgotten password with the link a real mail brings',
    skip: (ctx) => (ctx.mailbox ? null : 'the server was started elsewhere, without the SMTP sink'),
    async run(ctx) {
      const who = { email: 'unutkan@example.com', password: 'the first password', name: 'Unutkan Kullanıcı' };
      const registered = await fetch(`${ctx.baseUrl}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(who),
      });
      check(registered.status === 201, `registering ${who.email}: HTTP ${registered.status}`);
      const { context, page } = await newWatchedContext(ctx.browser, ctx.problems, { label: 'forgetful', locale: 'en-US' });
      try {
        await page.goto(`${ctx.baseUrl}/app/signin`);
        await page.getByRole('link', { name: 'Forgot your password?' }).click();
        await page.waitForURL(/\/app\/forgot-password/);
        await page.getByLabel('Email').fill(who.email);
        await ctx.gallery.shootBoth(page, 'forgot-password');
        await page.getByRole('button', { name: 'Send the link' }).click();
        await waitForText(page.getByTestId('reset-requested'), /link is on its way/);
        // The mail the SMTP server received carries the link.
        let mail;
        const deadline = Date.now() + 15_000;
        while (!mail && Date.now() < deadline) {
          const lines = existsSync(ctx.mailbox) ? readFileSync(ctx.mailbox, 'utf8').split('\n').filter(Boolean) : [];
          mail = lines.map((l) => JSON.parse(l)).find((m) => m.rcpt_tos.includes(who.email));
          if (!mail) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        check(mail, 'the reset mail arrived at the SMTP server');
        const link = mail.text.match(/http:\/\/console\.test(\/app\/reset-password\?token=\S+)/);
        check(link, `the mail carries a reset link: ${mail.text}`);
        await page.goto(`${ctx.baseUrl}${link[1]}`);
        await page.getByLabel('New password').fill('the second password');
        await ctx.gallery.shootBoth(page, 'reset-password');
        await page.getByRole('button', { name: 'Set the password' }).click();
        await waitForText(page.getByTestId('password-reset'), /password is set/);
        // The link worked once.
        const restore = ctx.problems.allow(400, /\/auth\/password-reset\/confirm$/, 'a used reset link');
        try {
          await page.goto(`${ctx.baseUrl}${link[1]}`);
          await page.getByLabel('New password').fill('a third password');
          await page.getByRole('button', { name: 'Set the password' }).click();
          await waitForText(page.getByRole('alert'), /invalid, already used or expired/);
        } finally {
          restore();
        }
        await page.goto(`${ctx.baseUrl}/app/signin`);
        await page.getByLabel('Email').fill(who.email);
        await page.getByLabel('Password').fill('the second password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL((url) => !url.pathname.endsWith('/signin'));
      } finally {
        await context.close();
      }
    },
  },
];
