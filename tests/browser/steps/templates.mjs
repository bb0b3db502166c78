// A variable, then a template written with placeholder completion and a live preview.
import { check, navTo, waitForText } from '../lib/harness.mjs';

export const templateSteps = [
  {
    name: 'create a static variable',
    async run(ctx) {
      const { page } = ctx.owner;
      await navTo(page, 'Variables');
      await page.getByRole('button', { name: 'Add variable' }).click();
      const dialog = page.getByRole('dialog', { name: 'New variable' });
      await dialog.getByLabel('Name').fill('kampanya_kodu');
      await dialog.getByLabel('Text').fill('KASIM50');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await waitForText(page.getByRole('row', { name: /kampanya_kodu/ }), /KASIM50/);
      await ctx.gallery.shootBoth(page, 'variables');
    },
  },
  {
    name: 'write a template with %sayın% %ad% and see the live preview',
    async run(ctx) {
      const { page } = ctx.owner;
      // While typing, intermediate bodies may not compile: the preview answers 422 with the issues.
      const restore = ctx.problems.allow(422, /\/templates\/render$/, 'live validation while typing');
      try {
        await navTo(page, 'Templates');
        await page.getByRole('link', { name: 'New template' }).click();
        await page.getByLabel('Name', { exact: true }).fill('Kasım kampanyası');
        const body = page.getByLabel('Message');
        await body.click();
        await page.keyboard.type('%say');
        await page.getByRole('option', { name: /%sayın%/ }).waitFor();
        await ctx.gallery.shoot(page, 'template-completion');
        await page.keyboard.press('Enter');
        await page.keyboard.type(' %a');
        await page.getByRole('option', { name: /^%ad%/ }).waitFor();
        await page.keyboard.press('Enter');
        check((await body.inputValue()) === '%sayın% %ad%', `body is ${JSON.stringify(await body.inputValue())}`);
        await waitForText(page.getByTestId('preview-text'), /^Sayın Ayşe Hanım Ayşe$/);
        await ctx.gallery.shootBoth(page, 'template-editor');

        // Custom fields from the import and workspace variables complete too.
        await body.focus();
        await page.keyboard.press('Control+End');
        await page.keyboard.type(', %şeh');
        await page.getByRole('option', { name: /%şehir%/ }).waitFor();
        await page.keyboard.press('Enter');
        await page.keyboard.type(' %kampanya');
        await page.getByRole('option', { name: /%kampanya_kodu%/ }).waitFor();
        await page.keyboard.press('Enter');

        // An unknown placeholder is marked with its line and column.
        await page.keyboard.type('\n%bilinmeyen% ');
        await waitForText(page.getByTestId('template-issue'), /Line 2, column 1:.*bilinmeyen/);
        await ctx.gallery.shootBoth(page, 'template-issues');
        await body.fill('%sayın% %ad%, %şehir|Türkiye% için %kampanya_kodu% kodu ile %50 indirim!');
        await waitForText(page.getByTestId('preview-text'), /^Sayın Ayşe Hanım Ayşe, Türkiye için KASIM50 kodu ile %50 indirim!$/);

        // A stored contact: the imported Çağlar from İzmir.
        await page.getByRole('tab', { name: 'A saved contact' }).click();
        await page.getByRole('tabpanel').getByLabel('Search').fill('Çağlar');
        await waitForText(page.getByLabel('Contact', { exact: true }), /Çağlar/);
        await waitForText(page.getByTestId('preview-text'), /Çağlar, İzmir için KASIM50/);
        await page.getByRole('button', { name: 'Save' }).click();
        // Saved, the template gets its own address.
        await page.waitForURL((url) => /\/templates\/[^/]+$/.test(url.pathname) && !url.pathname.endsWith('/new'));
        ctx.templateUrl = page.url();
      } finally {
        restore();
      }
    },
  },
];

