// A contact by hand, then the Turkish CSV fixture through the import wizard with live progress.
import path from 'node:path';
import { check, choose, navTo, waitForText } from '../lib/harness.mjs';

export const contactSteps = [
  {
    name: 'add a contact with gender and honorific',
    async run(ctx) {
      const { page } = ctx.owner;
      await navTo(page, 'Contacts');
      await page.waitForURL(/\/contacts$/);
      await page.getByRole('button', { name: 'Add contact' }).click();
      const dialog = page.getByRole('dialog', { name: 'New contact' });
      await dialog.getByLabel('Phone').fill('0533 444 55 66');
      await dialog.getByLabel('First name').fill('Ahmet');
      await dialog.getByLabel('Last name').fill('Kara');
      await choose(page, 'Gender', 'Male');
      await dialog.getByLabel('Honorific').fill('Dr.');
      await dialog.getByLabel('Tags').fill('vip, bayi');
      await dialog.getByRole('button', { name: 'Add field' }).click();
      await dialog.getByLabel('Field', { exact: true }).fill('şehir');
      await dialog.getByLabel('Value', { exact: true }).fill('Bursa');
      await ctx.gallery.shoot(page, 'contact-dialog');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      const row = page.getByRole('row', { name: /Ahmet Kara/ });
      await waitForText(row, /\+905334445566/);
      await waitForText(row, /şehir:\s*Bursa/);
    },
  },
  {
    name: 'a duplicate phone is refused next to the form',
    async run(ctx) {
      const { page } = ctx.owner;
      const restore = ctx.problems.allow(409, /\/contacts$/, 'duplicate phone');
      try {
        await page.getByRole('button', { name: 'Add contact' }).click();
        const dialog = page.getByRole('dialog', { name: 'New contact' });
        await dialog.getByLabel('Phone').fill('+90 533 444 55 66');
        await dialog.getByRole('button', { name: 'Save' }).click();
        await waitForText(dialog.getByRole('alert'), /./);
        await dialog.getByRole('button', { name: 'Cancel' }).click();
      } finally {
        restore();
      }
    },
  },
  {
    name: 'import the Turkish CSV fixture and watch the progress bar finish',
    async run(ctx) {
      const { page } = ctx.owner;
      await page.getByRole('link', { name: 'Import', exact: true }).click();
      await page.waitForURL(/\/contacts\/import$/);
      await page.getByLabel('File', { exact: true }).setInputFiles(path.join(ctx.repo, 'plugins/fixtures/contacts.csv'));
      // The server compiles the bundled plugins in the background after a start; on a fresh data
      // directory of a busy machine that can take a minute, and the plugin list waits for it.
      await page.getByLabel('Importer', { exact: true }).click();
      await page.getByRole('option', { name: /^csv-importer/ }).click({ timeout: 180_000 });
      await ctx.gallery.shootBoth(page, 'import-1-file');
      await page.getByRole('button', { name: 'Check the file' }).click();
      await waitForText(page.getByTestId('count-read'), /^6$/);
      await waitForText(page.getByTestId('count-failed'), /^2$/);
      await waitForText(page.getByTestId('guessed-columns'), /Şehir\s*Custom field şehir/);
      await ctx.gallery.shootBoth(page, 'import-2-dry-run');
      await page.getByRole('button', { name: 'Adjust options' }).click();
      // The header row, read in the browser, offers a mapping for each column.
      await page.getByRole('rowheader', { name: 'Şehir' }).waitFor();
      check((await page.getByRole('rowheader').count()) === 5, 'five columns in the mapping');
      await page.getByLabel('Tags for every imported contact').fill('fuar-2026');
      await ctx.gallery.shootBoth(page, 'import-3-options');
      await page.getByRole('button', { name: 'Start import' }).click();
      const progress = page.locator('progress');
      await progress.waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="import-status"]')?.getAttribute('data-status') === 'done', null, { timeout: 30_000 });
      check((await progress.getAttribute('value')) === '100', 'the progress bar reaches 100 %');
      await waitForText(page.getByTestId('count-created'), /^3$/);
      check((await page.getByRole('link', { name: 'Download errors.csv' }).count()) === 1, 'errors.csv is offered');
      const errors = await page.request.get(new URL(await page.getByRole('link', { name: 'Download errors.csv' }).getAttribute('href'), page.url()).href);
      check(errors.ok() && /phone/i.test(await errors.text()), 'errors.csv lists the refused rows');
      await ctx.gallery.shootBoth(page, 'import-4-done');
      await page.getByRole('link', { name: 'View contacts' }).click();
      await waitForText(page.getByRole('row', { name: /Ayşe Yılmaz/ }), /fuar-2026/);
    },
  },
  {
    name: 'contacts: search, tag and custom-field filters',
    async run(ctx) {
      const { page } = ctx.owner;
      await page.getByLabel('Search').fill('caglar');
      await waitForText(page.getByRole('status').filter({ hasText: /shown/ }), /^1 contact shown$/);
      await page.getByLabel('Search').fill('');
      await page.getByLabel('Tag', { exact: true }).fill('vip');
      await waitForText(page.getByRole('status').filter({ hasText: /shown/ }), /^2 contacts shown$/);
      await page.getByLabel('Tag', { exact: true }).fill('');
      await page.getByLabel('Custom field').fill('şehir');
      await page.getByLabel('equals').fill('İzmir');
      await waitForText(page.getByRole('status').filter({ hasText: /shown/ }), /^1 contact shown$/);
      const exportHref = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
      check(exportHref.includes('custom.'), 'the export link carries the filter');
      const csv = await page.request.get(new URL(exportHref, page.url()).href);
      check(csv.ok() && /Çağlar/.test(await csv.text()), 'the filtered export holds the match');
      await page.getByLabel('Custom field').fill('');
      await page.getByLabel('equals').fill('');
      await waitForText(page.getByRole('status').filter({ hasText: /shown/ }), /^4 contacts shown$/);
      await ctx.gallery.shootBoth(page, 'contacts');
    },
  },
  {
    name: 'the import preview shows Cinsiyet and Hitap read as gender and honorific before anything is written',
    async run(ctx) {
      const { page } = ctx.owner;
      await page.getByRole('link', { name: 'Import', exact: true }).click();
      await page.waitForURL(/\/contacts\/import$/);
      await page.getByLabel('File', { exact: true }).setInputFiles(path.join(ctx.repo, 'plugins/fixtures/salutations-1254.csv'));
      await page.getByLabel('Importer', { exact: true }).click();
      await page.getByRole('option', { name: /^csv-importer/ }).click({ timeout: 180_000 });
      await page.getByRole('button', { name: 'Check the file' }).click();
      await waitForText(page.getByTestId('count-created'), /^4$/);
      await waitForText(page.getByTestId('guessed-columns'), /Cinsiyet\s*Gender/);
      await waitForText(page.getByTestId('guessed-columns'), /Hitap\s*Honorific/);
      check(/Zeynep|`X`/.test(await page.locator('details.issues').textContent()), 'the unreadable gender is a row issue');
      await ctx.gallery.shootBoth(page, 'import-5-columns');
      await page.getByRole('link', { name: 'Contacts', exact: true }).first().click();
      await waitForText(page.getByRole('status').filter({ hasText: /shown/ }), /^4 contacts shown$/);
    },
  },
];
