// Registration, the first workspace, a second workspace, and the dashboard's time to interactive.
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
];
