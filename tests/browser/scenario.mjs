// The console, end to end in Chromium against a real Ulak server. Run through ./run.sh, which starts
// the server; or directly with ULAK_URL (the API) and optionally CONSOLE_URL (where /app is served).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Gallery, Problems, launchBrowser, runSteps } from './lib/harness.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { startSmtpSink, startUlak } from './lib/ulak.mjs';
import { accountSteps } from './steps/account.mjs';
import { cloudSteps } from './steps/cloud.mjs';
import { contactSteps } from './steps/contacts.mjs';
import { landingSteps } from './steps/landing.mjs';
import { mediaSteps } from './steps/media.mjs';
import { memberSteps } from './steps/members.mjs';
import { messagingSteps } from './steps/messaging.mjs';
import { roleSteps } from './steps/roles.mjs';
import { screenSteps } from './steps/screens.mjs';
import { templateSteps } from './steps/templates.mjs';
import { whatsappWebSteps } from './steps/whatsapp_web.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const consoleDist = path.join(repo, 'web/console/dist');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** The gzipped size of what index.html loads before any route: its module script and preloads. */
function initialJsSize() {
  const html = readFileSync(path.join(consoleDist, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/app\/([^"]+\.js)"/g)].map((m) => m[1]);
  const sizes = files.map((file) => {
    const bytes = readFileSync(path.join(consoleDist, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  return { files: sizes, gzip: sizes.reduce((sum, f) => sum + f.gzip, 0), raw: sizes.reduce((sum, f) => sum + f.raw, 0) };
}

const steps = [
  ...landingSteps,
  ...accountSteps,
  ...contactSteps,
  ...templateSteps,
  ...mediaSteps,
  ...memberSteps,
  ...roleSteps,
  ...screenSteps,
  ...messagingSteps,
  ...cloudSteps,
  ...whatsappWebSteps,
];

async function main() {
  if (!existsSync(path.join(consoleDist, 'index.html'))) throw new Error('web/console/dist is missing: build the console first (npm run build in web/console)');
  mkdirSync(path.join(here, 'artifacts'), { recursive: true });
  const spec = JSON.parse(readFileSync(path.join(repo, 'openapi/openapi.json'), 'utf8'));
  const cleanups = [];
  try {
    await setUpAndRun(spec, cleanups);
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  }
}

async function setUpAndRun(spec, cleanups) {
  let ulakUrl = process.env.ULAK_URL;
  let mailbox = null;
  if (!ulakUrl) {
    const binary = process.env.ULAK_BIN;
    // The server mails through a real SMTP server on loopback; the steps read what it received.
    const sink = await startSmtpSink({
      script: path.join(repo, 'server/tests/support/smtp_sink.py'),
      out: path.join(here, 'artifacts', `mail-${process.pid}.jsonl`),
    });
    cleanups.push(() => sink.stop());
    mailbox = sink.out;
    // WhatsApp Web channels dial a loopback port that takes each connection and drops it.
    const dropper = net.createServer((socket) => socket.destroy());
    await new Promise((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => dropper.close(resolve)));
    const env = {
      ULAK__WHATSAPP_WEB__SERVER_URL: `ws://127.0.0.1:${dropper.address().port}/ws/chat`,
      ULAK__WHATSAPP_WEB__VERSION: '2.3000.1029000000',
      ULAK__MAIL__HOST: '127.0.0.1',
      ULAK__MAIL__PORT: String(sink.port),
      ULAK__MAIL__SECURITY: 'none',
      ULAK__MAIL__FROM: 'Ulak <ulak@example.com>',
      ULAK__MAIL__PUBLIC_URL: 'http://console.test',
    };
    const ulak = await startUlak({ binary, pluginsDir: path.join(repo, 'plugins'), logFile: path.join(here, 'artifacts', 'ulak.log'), env });
    cleanups.push(() => ulak.stop());
    ulakUrl = ulak.url;
    console.log(`ulak ${binary} at ${ulakUrl} (data ${ulak.dataDir})`);
  }
  let baseUrl = process.env.CONSOLE_URL;
  if (!baseUrl && process.env.ULAK_SERVES_APP === '1') {
    baseUrl = ulakUrl;
  } else if (!baseUrl) {
    const { server, url } = await startStaticServer({ consoleDist, landingDir: path.join(repo, 'web/landing'), apiBase: ulakUrl });
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    );
    baseUrl = url;
  }
  console.log(`console at ${baseUrl}/app/${baseUrl === ulakUrl ? ' (served by Ulak)' : ' (web/console/dist, API proxied)'}`);

  const problems = new Problems();
  const browser = await launchBrowser(chromiumPath);
  cleanups.push(() => browser.close());
  const ctx = {
    browser,
    problems,
    baseUrl,
    repo,
    spec,
    mailbox,
    gallery: new Gallery(path.join(here, 'screenshots'), problems),
    metrics: {},
    async onFailure(name) {
      for (const who of [ctx.owner, ctx.viewer]) {
        if (who?.page && !who.page.isClosed()) {
          const file = path.join(here, 'artifacts', `failure-${who.label}.png`);
          await who.page.screenshot({ path: file, fullPage: true }).catch(() => {});
          console.log(`    ${who.label} was at ${who.page.url()} (screenshot ${path.relative(process.cwd(), file)}) when "${name}" failed`);
        }
      }
    },
  };

  const results = await runSteps(steps, ctx);

  const size = initialJsSize();
  console.log('\n— figures —');
  console.log(`initial JS: ${(size.gzip / 1024).toFixed(1)} kB gzipped (${(size.raw / 1024).toFixed(1)} kB raw) in ${size.files.length} files: ${size.files.map((f) => `${f.file} ${(f.gzip / 1024).toFixed(1)} kB`).join(', ')}`);
  if (ctx.metrics.landingJs) {
    const parts = Object.entries(ctx.metrics.landingJs).map(([language, m]) => `${language} ${(m.bytes / 1024).toFixed(1)} kB in ${m.files} files`);
    console.log(`landing page JS: ${parts.join(', ')}`);
  }
  if (ctx.metrics.dashboard) {
    const d = ctx.metrics.dashboard;
    console.log(`dashboard time to interactive (navigation start → contact count rendered): ${d.firstData.toFixed(0)} ms; first contentful paint ${d.firstContentfulPaint?.toFixed(0)} ms`);
  }
  if (ctx.metrics.viewerRefusal) console.log(`viewer's direct POST: ${ctx.metrics.viewerRefusal}`);
  const scanned = ctx.gallery.scanned;
  console.log(`axe-core: ${scanned.length} scans, ${scanned.filter((s) => s.violations > 0).length} with serious or critical violations`);
  console.log(`screenshots: ${path.relative(process.cwd(), ctx.gallery.directory)}/`);

  const failed = results.filter((r) => r.outcome === 'failed' || r.outcome === 'not run');
  const skipped = results.filter((r) => r.outcome === 'skipped');
  console.log(`\n${results.length - failed.length - skipped.length} passed, ${failed.length} failed or not run, ${skipped.length} skipped; ${problems.list.length} page problem(s)`);
  for (const s of skipped) console.log(`  skipped: ${s.name} — ${s.reason}`);
  if (failed.length > 0 || problems.list.length > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
