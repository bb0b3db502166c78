// As owner, a custom role from the permission matrix, assigned to the viewer, who may then edit contacts.
import { check, navTo, waitForText } from '../lib/harness.mjs';
import { directly } from './members.mjs';

const ROLE = 'kisi_editoru';

export const roleSteps = [
  {
    name: 'as owner, create a custom role in the permission matrix',
    async run(ctx) {
      const { page } = ctx.owner;
      await navTo(page, 'Roles');
      await ctx.gallery.shootBoth(page, 'roles');
      await page.getByRole('button', { name: 'New role' }).click();
      const dialog = page.getByRole('dialog', { name: 'New role' });
      await dialog.getByLabel('Name').fill(ROLE);
      await dialog.getByLabel('Description').fill('Edits contacts, reads templates');
      for (const permission of ['contacts: read', 'contacts: write', 'templates: read', 'media: read']) {
        await dialog.getByRole('checkbox', { name: permission, exact: true }).check();
      }
      check(await dialog.getByRole('checkbox', { name: 'workspace: read', exact: true }).isChecked(), 'workspace: read is always granted');
      await ctx.gallery.shoot(page, 'role-matrix');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await waitForText(page.getByRole('row', { name: new RegExp(ROLE) }), /5/);
    },
  },
  {
    name: 'assign the custom role; the member may now add contacts',
    async run(ctx) {
      const { page } = ctx.owner;
      await navTo(page, 'Members');
      await page.getByLabel('Role of Mehmet Demir').click();
      await page.getByRole('option', { name: ROLE }).click();
      await waitForText(page.locator('.toast'), /Role of Mehmet Demir changed/);
      await waitForText(page.getByLabel('Role of Mehmet Demir'), new RegExp(ROLE));

      const viewer = ctx.viewer.page;
      await viewer.goto(`${ctx.baseUrl}/app/w/${ctx.workspaceId}/contacts`);
      await viewer.getByRole('button', { name: 'Kişi ekle' }).waitFor();
      const allowed = await directly(ctx, 'POST', `/api/v1/workspaces/${ctx.workspaceId}/contacts`, { phone: '05329998877', first_name: 'Zeynep' });
      check(allowed.status() === 201, `POST contacts with the custom role answered ${allowed.status()}`);
      const stillRefused = await directly(ctx, 'POST', `/api/v1/workspaces/${ctx.workspaceId}/templates`, { name: 'x', body: 'x' });
      check(stillRefused.status() === 403, `POST templates with the custom role answered ${stillRefused.status()}`);
    },
  },
];
