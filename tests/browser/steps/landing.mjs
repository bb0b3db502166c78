// The landing pages: Turkish or English by Accept-Language, complete without JavaScript.
import { check, newWatchedContext } from '../lib/harness.mjs';

async function landingIn(ctx, locale, language, expectedTitle) {
  const { context, page } = await newWatchedContext(ctx.browser, ctx.problems, { label: `landing-${language}`, locale });
  await context.setExtraHTTPHeaders({ 'accept-language': `${locale},${language};q=0.9` });
  // Every script the page fetches, whatever its source, counts towards its JavaScript budget (0 kB).
  const scripts = [];
  page.on('response', (r) => r.request().resourceType() === 'script' && scripts.push(r));
  const response = await page.goto(`${ctx.baseUrl}/`);
  await page.waitForLoadState('load');
  check(response?.ok(), `GET / answered ${response?.status()}`);
  const html = await response.text();
  check(!/<script/i.test(html), 'the landing page must not contain scripts');
  check((await page.evaluate(() => document.documentElement.lang)) === language, `expected lang=${language}`);
  check(expectedTitle.test(await page.title()), `unexpected title ${await page.title()}`);
  for (const href of ['/app/', '/api/docs/']) {
    check((await page.locator(`a[href="${href}"]`).count()) > 0, `the landing page links to ${href}`);
  }
  let scriptBytes = 0;
  for (const r of scripts) scriptBytes += (await r.body().catch(() => Buffer.alloc(0))).length;
  check(scripts.length === 0, `the landing page fetched scripts: ${scripts.map((r) => r.url()).join(', ')}`);
  ctx.metrics.landingJs = { ...(ctx.metrics.landingJs ?? {}), [language]: { files: scripts.length, bytes: scriptBytes } };
  const styled = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  check(styled.length > 0, 'the stylesheet applies');
  await ctx.gallery.shoot(page, 'landing');
  await page.setViewportSize({ width: 390, height: 844 });
  await ctx.gallery.shoot(page, 'landing-phone', { scan: false });
  await context.close();
}

export const landingSteps = [
  {
    name: 'landing page in English and Turkish, without JavaScript',
    async run(ctx) {
      await landingIn(ctx, 'en-US', 'en', /Ulak/);
      await landingIn(ctx, 'tr-TR', 'tr', /Ulak/);
    },
  },
];
