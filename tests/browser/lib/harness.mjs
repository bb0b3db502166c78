// The parts every scenario step uses: a Chromium with watched pages, screenshots in both
// languages, axe-core scans, small waiting helpers and the step runner.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Chromium, headless. Playwright gives every launch a fresh temporary profile (its own
 * --user-data-dir), and every context is isolated within it.
 */
export function launchBrowser(executablePath) {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** Problems seen in any page: console errors, uncaught exceptions, unexpected HTTP errors. */
export class Problems {
  constructor() {
    this.list = [];
    /** HTTP error answers a step expects: { status, pattern, label }. */
    this.allowed = [{ status: 401, pattern: /\/api\/v1\/auth\/me$/, label: 'signed-out session check' }];
  }

  allow(status, pattern, label) {
    const entry = { status, pattern, label };
    this.allowed.push(entry);
    return () => {
      this.allowed = this.allowed.filter((e) => e !== entry);
    };
  }

  add(kind, text, where) {
    this.list.push({ kind, text, where });
    console.log(`  ✗ ${kind} on ${where}: ${text}`);
  }

  watch(page, label) {
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // HTTP errors are judged from the responses themselves (below), where the status is known.
      if (/^Failed to load resource: the server responded with a status of \d+/.test(message.text())) return;
      this.add('console error', message.text(), `${label} ${page.url()}`);
    });
    page.on('pageerror', (error) => this.add('uncaught exception', error.stack ?? error.message, `${label} ${page.url()}`));
    page.on('response', (response) => {
      const status = response.status();
      if (status < 400) return;
      const url = new URL(response.url());
      const expected = this.allowed.some((entry) => entry.status === status && entry.pattern.test(url.pathname));
      if (!expected) this.add(`unexpected HTTP ${status}`, `${response.request().method()} ${url.pathname}`, label);
    });
    page.on('requestfailed', (request) => {
      const failure = request.failure()?.errorText ?? '';
      // Navigations cancel event streams and media loads; that is not a fault.
      if (failure.includes('ERR_ABORTED')) return;
      this.add('request failed', `${request.method()} ${request.url()}: ${failure}`, label);
    });
  }
}

export async function newWatchedContext(browser, problems, { label, locale, viewport = { width: 1280, height: 800 } }) {
  const context = await browser.newContext({ locale, viewport, acceptDownloads: true });
  const page = await context.newPage();
  problems.watch(page, label);
  return { context, page, label };
}

/** Polls until the locator's text matches, or throws with what it saw. */
export async function waitForText(locator, pattern, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let seen = '';
  while (Date.now() < deadline) {
    seen = ((await locator.count()) > 0 ? await locator.first().textContent() : '') ?? '';
    if (pattern.test(seen)) return seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`expected text ${pattern} but saw ${JSON.stringify(seen)}`);
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Chooses an option in a Radix select by the trigger's label and the option's name. */
export async function choose(page, label, option) {
  const trigger = page.getByLabel(label, { exact: true });
  const item = page.getByRole('option', { name: option, exact: typeof option === 'string' });
  await trigger.click();
  await page.getByRole('listbox').waitFor();
  try {
    await item.click({ timeout: 10_000 });
  } catch (error) {
    // Say what the open list looked like, then try once more from a closed list: a list that
    // cannot be used twice in a row is a finding, not a flake.
    const listed = await page.getByRole('option').allTextContents().catch(() => []);
    const box = await item.boundingBox().catch(() => null);
    console.log(`    choose(${label}, ${option}): first attempt failed (${String(error.message).split('\n')[0]}); options ${JSON.stringify(listed)}, box ${JSON.stringify(box)}`);
    // Escape only while the list is open: otherwise it would close a dialog around the select.
    if (await page.getByRole('listbox').isVisible()) {
      await page.keyboard.press('Escape');
      await page.getByRole('listbox').waitFor({ state: 'detached' });
    }
    await trigger.click();
    await item.click();
  }
}

/** Runs axe-core in the page and returns serious and critical violations. */
export async function axeScan(page) {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const outcome = await axe.run(document, { resultTypes: ['violations'] });
    return outcome.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Screenshots and axe findings, per screen and language. */
export class Gallery {
  constructor(directory, problems) {
    this.directory = directory;
    this.problems = problems;
    this.scanned = [];
    mkdirSync(directory, { recursive: true });
  }

  async settle(page) {
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.evaluate(() => document.fonts?.ready);
    await page.waitForTimeout(150);
  }

  async shoot(page, name, { scan = true } = {}) {
    await this.settle(page);
    const language = await page.evaluate(() => document.documentElement.lang || 'en');
    const file = path.join(this.directory, `${name}.${language}.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (scan) {
      const violations = await axeScan(page);
      this.scanned.push({ name, language, violations: violations.length });
      for (const violation of violations) {
        this.problems.add(`axe ${violation.impact}: ${violation.id}`, `${violation.help} (${violation.nodes.join(', ')})`, `${name}.${language}`);
      }
    }
    return file;
  }

  /** The screen in the current language, then in the other one (switched in the header), then back. */
  async shootBoth(page, name, options) {
    await this.shoot(page, name, options);
    const current = await page.evaluate(() => document.documentElement.lang);
    const other = current === 'tr' ? 'en' : 'tr';
    const toggle = page.locator(`.language-switch button[lang=${other}]`).first();
    if ((await toggle.count()) === 0) return;
    await toggle.click();
    await page.waitForFunction((lang) => document.documentElement.lang === lang, other);
    await this.shoot(page, name, options);
    await page.locator(`.language-switch button[lang=${current}]`).first().click();
    await page.waitForFunction((lang) => document.documentElement.lang === lang, current);
  }
}

/** Runs steps in order; a failed step stops the run (later steps build on it). */
export async function runSteps(steps, context) {
  const results = [];
  let failed = false;
  for (const step of steps) {
    if (failed) {
      results.push({ name: step.name, outcome: 'not run' });
      continue;
    }
    if (step.skip) {
      const reason = typeof step.skip === 'function' ? await step.skip(context) : step.skip;
      if (reason) {
        console.log(`- ${step.name}: skipped (${reason})`);
        results.push({ name: step.name, outcome: 'skipped', reason });
        continue;
      }
    }
    const started = Date.now();
    const before = context.problems.list.length;
    try {
      await step.run(context);
      const fresh = context.problems.list.length - before;
      if (fresh > 0) throw new Error(`${fresh} problem(s) in the page (see above)`);
      console.log(`✓ ${step.name} (${Date.now() - started} ms)`);
      results.push({ name: step.name, outcome: 'passed' });
    } catch (error) {
      failed = true;
      console.log(`✗ ${step.name} (${Date.now() - started} ms)\n    ${String(error.stack ?? error).split('\n').slice(0, 6).join('\n    ')}`);
      results.push({ name: step.name, outcome: 'failed', error: String(error.message ?? error) });
      await context.onFailure?.(step.name);
    }
  }
  return results;
}

/** Follows a link of the main navigation (sidebar), by its exact name. */
export async function navTo(page, name) {
  const nav = page.locator('aside.sidebar nav');
  await nav.getByRole('link', { name, exact: true }).click();
}
