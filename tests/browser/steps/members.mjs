// A viewer joins by invitation; the console hides what the role may not do and the API refuses it.
import { check, choose, navTo, newWatchedContext, waitForText } from '../lib/harness.mjs';

export const VIEWER = { name: 'Mehmet Demir', email: 'mehmet@example.com', password: 'another long password' };

/** A request made with the viewer's own session, outside the console (what a curious user could do). */
async function directly(ctx, method, apiPath, data) {
  const request = ctx.viewer.context.request;
  const me = await (await request.get(`${ctx.baseUrl}/api/v1/auth/me`)).json();
  return request.fetch(`${ctx.baseUrl}${apiPath}`, {
    method,
    headers: { 'x-csrf-token': me.csrf_token, 'content-type': 'application/json' },
    data: data === undefined ? undefined : JSON.stringify(data),
  });
}

export const memberSteps = [
  {
    name: 'invite a second user as viewer',
    async run(ctx) {
      const { page } = ctx.owner;
      await navTo(page, 'Members');
      await page.getByLabel('Email').fill(VIEWER.email);
      await choose(page, 'Role', 'viewer');
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await waitForText(page.getByRole('row', { name: new RegExp(VIEWER.email.replace('.', '\\.')) }), /viewer/);
      // Servers that give invitations a one-time code show the link to send, once.
      const link = page.getByTestId('invitation-link');
      if ((await link.count()) > 0) {
        ctx.invitationLink = await link.inputValue();
        check(/\/app\/invitations\/[^/?]+\?code=/.test(ctx.invitationLink), `invitation link ${ctx.invitationLink}`);
      }
      await ctx.gallery.shootBoth(page, 'members');
    },
  },
  {
    name: 'the viewer registers in another browser context and accepts',
    async run(ctx) {
      ctx.viewer = await newWatchedContext(ctx.browser, ctx.problems, { label: 'viewer', locale: 'tr-TR' });
      const { page } = ctx.viewer;
      if (ctx.invitationLink) {
        // The link from the invitation: signed out, it leads through sign-in to registration and back.
        const link = new URL(ctx.invitationLink);
        await page.goto(`${ctx.baseUrl}${link.pathname}${link.search}`);
        await page.waitForURL(/\/app\/signin\?next=/);
        await page.getByRole('link', { name: 'Hesap oluşturun' }).click();
        await page.waitForURL(/\/app\/register\?next=/);
      } else {
        await page.goto(`${ctx.baseUrl}/app/register`);
      }
      // Turkish by the browser's language.
      await page.getByLabel('Ad', { exact: true }).fill(VIEWER.name);
      await page.getByLabel('E-posta').fill(VIEWER.email);
      await page.getByLabel('Parola').fill(VIEWER.password);
      await page.getByRole('button', { name: 'Hesap oluştur' }).click();
      await page.waitForURL(/\/app\/invitations(\/[^/?]+\?code=.+)?$/);
      await waitForText(page.getByTestId('invitation'), ctx.invitationLink ? /./ : /My workspace.*viewer/);
      await ctx.gallery.shootBoth(page, 'invitations');
      await page.getByRole('button', { name: 'Kabul et' }).click();
      await page.waitForURL(new RegExp(`/w/${ctx.workspaceId}$`));
      await waitForText(page.locator('[data-testid="stat-contacts"] .stat-value'), /^4$/);
    },
  },
  {
    name: 'as viewer, editing is hidden or disabled and the API refuses it (403)',
    async run(ctx) {
      const { page } = ctx.viewer;
      const base = `${ctx.baseUrl}/app/w/${ctx.workspaceId}`;
      await page.goto(`${base}/contacts`);
      await page.getByRole('row', { name: /Ayşe Yılmaz/ }).waitFor();
      check((await page.getByRole('button', { name: 'Kişi ekle' }).count()) === 0, 'no "add contact" for a viewer');
      check((await page.getByRole('link', { name: 'İçe aktar' }).count()) === 0, 'no import for a viewer');
      check((await page.getByRole('button', { name: 'Düzenle' }).count()) === 0, 'no edit buttons for a viewer');
      check((await page.getByText('Toplu işlemler').count()) === 0, 'no bulk actions for a viewer');
      await ctx.gallery.shootBoth(page, 'contacts-viewer');
      await page.goto(`${base}/templates`);
      await page.getByRole('link', { name: 'Kasım kampanyası' }).click();
      check(await page.getByLabel('Mesaj').evaluate((el) => el.readOnly), 'the template body is read-only');
      check((await page.getByRole('button', { name: 'Kaydet' }).count()) === 0, 'no save button for a viewer');
      await page.goto(`${base}/contacts/import`);
      await page.getByRole('heading', { name: 'Rolünüz buna izin vermiyor' }).waitFor();
      await page.goto(`${base}/roles`);
      await page.getByRole('row', { name: /viewer/ }).waitFor();
      check((await page.getByRole('button', { name: 'Yeni rol' }).count()) === 0, 'no "new role" for a viewer');

      const refused = await directly(ctx, 'POST', `/api/v1/workspaces/${ctx.workspaceId}/contacts`, { phone: '05329998877' });
      check(refused.status() === 403, `POST contacts as viewer answered ${refused.status()}`);
      const body = await refused.json();
      check(typeof body.code === 'string' && typeof body.message === 'string', 'the refusal is an error body');
      const refusedDelete = await directly(ctx, 'DELETE', `/api/v1/workspaces/${ctx.workspaceId}/contacts/905334445566`);
      check(refusedDelete.status() === 403, `DELETE contact as viewer answered ${refusedDelete.status()}`);
      ctx.metrics.viewerRefusal = `${refused.status()} ${body.code}: ${body.message}`;
    },
  },
];

export { directly };
