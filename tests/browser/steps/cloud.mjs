// The WhatsApp Business Cloud API channel in the console, against a fake Graph API on loopback
// that answers as Meta documents: the channel saved (its token checked), its approved templates
// refreshed from Meta, and a Ulak template mapped onto one parameter by parameter.
import http from 'node:http';
import { check, choose, navTo } from '../lib/harness.mjs';

const PHONE_ID = '106540352242922';
const ACCOUNT_ID = '102290129340398';
const TOKEN = 'EAAG-tarayici-anahtari';

/** Meta's Graph API as far as the console's steps need it; remembers the paths it was asked for. */
function fakeGraph() {
  const seen = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    seen.push(url.pathname);
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return reply(401, { error: { message: 'Invalid OAuth access token', code: 190 } });
    if (url.pathname === `/v21.0/${PHONE_ID}`) {
      return reply(200, { display_phone_number: '+90 532 000 00 00', verified_name: 'Acme Pazarlama', quality_rating: 'GREEN', messaging_limit_tier: 'TIER_1K', id: PHONE_ID });
    }
    if (url.pathname === `/v21.0/${ACCOUNT_ID}/message_templates`) {
      return reply(200, {
        data: [
          {
            name: 'siparis_guncelleme',
            language: 'tr',
            status: 'APPROVED',
            category: 'UTILITY',
            components: [
              { type: 'HEADER', format: 'TEXT', text: 'Merhaba {{1}}' },
              { type: 'BODY', text: 'Sayın {{1}}, {{2}} tarihli siparişiniz kargoya verildi.' },
            ],
            id: '1',
          },
          { name: 'yeni_sezon', language: 'tr', status: 'REJECTED', category: 'MARKETING', components: [{ type: 'BODY', text: 'Yeni sezon!' }], id: '2' },
        ],
        paging: { cursors: { before: 'QVFI', after: 'QVFJ' } },
      });
    }
    return reply(404, { error: { message: 'Unknown path', code: 100 } });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, url: `http://127.0.0.1:${server.address().port}` })));
}

export const cloudSteps = [
  {
    name: 'a Cloud API channel: approved templates refreshed from Meta, a template mapped onto one',
    async run(ctx) {
      const { page } = ctx.owner;
      const graph = await fakeGraph();
      try {
        await navTo(page, 'Channels');
        await page.getByRole('button', { name: 'Add channel' }).click();
        const dialog = page.getByRole('dialog', { name: 'New channel' });
        await dialog.getByLabel('Name', { exact: true }).fill('WhatsApp Resmi');
        await choose(page, 'Kind', 'WhatsApp Business Cloud API');
        await dialog.getByLabel('Phone number id').fill(PHONE_ID);
        await dialog.getByLabel('WhatsApp Business Account id').fill(ACCOUNT_ID);
        await dialog.getByLabel('Access token').fill(TOKEN);
        await dialog.getByLabel('App secret').fill('uygulama-sirri');
        await dialog.getByLabel('Webhook verify token').fill('dogrulama');
        await dialog.getByLabel('Graph API address').fill(graph.url);
        await dialog.getByRole('button', { name: 'Save' }).click();
        await dialog.waitFor({ state: 'detached' });
        await page.getByText('Acme Pazarlama', { exact: false }).first().waitFor();

        await page.getByRole('button', { name: 'Approved templates of WhatsApp Resmi' }).click();
        const templates = page.getByRole('dialog', { name: 'Approved templates of WhatsApp Resmi' });
        await templates.getByText(/Not read from Meta yet/).waitFor();
        await templates.getByRole('button', { name: 'Refresh from Meta' }).click();
        await templates.getByRole('rowheader', { name: /siparis_guncelleme/ }).waitFor();
        check((await templates.getByRole('row').count()) === 3, 'both templates are listed under the header row');
        check(graph.seen.includes(`/v21.0/${ACCOUNT_ID}/message_templates`), 'the templates were read from the Graph API');
        await ctx.gallery.shoot(page, 'channel-approved-templates');
        await templates.getByRole('button', { name: 'Close' }).first().click();
        await templates.waitFor({ state: 'detached' });

        await page.goto(ctx.templateUrl);
        const mapping = page.getByTestId('approved-mapping');
        await mapping.waitFor();
        await choose(page, 'Approved template', 'siparis_guncelleme · tr');
        await mapping.getByLabel('Header {{1}}').fill('%ad%');
        await mapping.getByLabel('Body {{1}}').fill('%ad% %soyad%');
        await mapping.getByLabel('Body {{2}}').fill('1 Aralık');
        await ctx.gallery.shootBoth(page, 'template-approved-mapping');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.locator('.toast').filter({ hasText: 'Template saved.' }).waitFor();
        const id = new URL(page.url()).pathname.split('/').pop();
        const saved = await (await ctx.owner.context.request.get(`${ctx.baseUrl}/api/v1/workspaces/${ctx.workspaceId}/templates/${id}`)).json();
        const hint = saved.channel_hints?.whatsapp_cloud;
        const canonical = (value) => JSON.stringify(value, Object.keys(value ?? {}).sort());
        check(
          canonical(hint) === canonical({ template: 'siparis_guncelleme', language: 'tr', header: ['%ad%'], body: ['%ad% %soyad%', '1 Aralık'] }),
          `the mapping is saved with the template (${JSON.stringify(hint)})`,
        );
        // Opened again, the editor shows the mapping as saved.
        await page.reload();
        await page.getByTestId('approved-mapping').getByLabel('Body {{2}}').waitFor();
        check((await page.getByTestId('approved-mapping').getByLabel('Body {{2}}').inputValue()) === '1 Aralık', 'the mapping reads back into the editor');
      } finally {
        graph.server.closeAllConnections();
        graph.server.close();
      }
    },
  },
];
