// An image, a sound and a document generated here, uploaded with progress bars, shown as a
// thumbnail, a player and a link; the image is then attached to the template.
import { makePdf, makePng, makeWav } from '../lib/png.mjs';
import { check, navTo, waitForText } from '../lib/harness.mjs';

export const mediaSteps = [
  {
    name: 'upload an image and see its thumbnail',
    async run(ctx) {
      const { page } = ctx.owner;
      await navTo(page, 'Media');
      await page.waitForURL(/\/media$/);
      // Watch the progress bar appear while the upload runs.
      const sawProgress = page.waitForSelector('progress', { timeout: 10_000 }).then(() => true, () => false);
      await page.getByLabel('Upload files').setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: makePng(320, 200) });
      const card = page.getByTestId('media-item').filter({ hasText: 'pixel.png' });
      await card.waitFor();
      check(await sawProgress, 'an upload progress bar was shown');
      const image = card.getByRole('img', { name: 'pixel.png' });
      await image.waitFor();
      await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await image.elementHandle());
      await waitForText(card, /Image/);
    },
  },
  {
    name: 'upload a sound and a document: a player and a link',
    async run(ctx) {
      const { page } = ctx.owner;
      await page.getByLabel('Upload files').setInputFiles([
        { name: 'zil.wav', mimeType: 'audio/wav', buffer: makeWav() },
        { name: 'fiyat-listesi.pdf', mimeType: 'application/pdf', buffer: makePdf('Fiyat listesi') },
      ]);
      const sound = page.getByTestId('media-item').filter({ hasText: 'zil.wav' });
      await sound.locator('audio[controls]').waitFor();
      const document = page.getByTestId('media-item').filter({ hasText: 'fiyat-listesi.pdf' });
      await waitForText(document, /Document/);
      // Players seek with Range requests.
      const src = new URL(await sound.locator('audio').getAttribute('src'), page.url()).href;
      const partial = await page.request.get(src, { headers: { range: 'bytes=0-11' } });
      check(partial.status() === 206 && (await partial.body()).subarray(0, 4).toString() === 'RIFF', `a range request answered ${partial.status()}`);
      await ctx.gallery.shootBoth(page, 'media');
    },
  },
  {
    name: 'attach the image to the template; the preview lists it',
    async run(ctx) {
      const { page } = ctx.owner;
      await page.goto(ctx.templateUrl);
      await page.getByRole('checkbox', { name: /pixel\.png/ }).check();
      await page.locator('.attachments').getByRole('img', { name: 'pixel.png' }).waitFor();
      await page.getByRole('button', { name: 'Save' }).click();
      await waitForText(page.locator('.toast'), /Template saved/);
      await navTo(page, 'Templates');
      await waitForText(page.getByRole('row', { name: /Kasım kampanyası/ }), /1/);
      await ctx.gallery.shootBoth(page, 'templates');
    },
  },
];
