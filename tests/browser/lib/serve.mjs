// For development: node lib/serve.mjs <ulak-url> [port] serves the built console and the landing
// pages in front of a running Ulak, as the test runner does.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from './static-server.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const apiBase = process.argv[2] ?? 'http://127.0.0.1:18181';
const port = Number(process.argv[3] ?? 18182);
const { url } = await startStaticServer({
  consoleDist: path.join(repo, 'web/console/dist'),
  landingDir: path.join(repo, 'web/landing'),
  apiBase,
  port,
});
console.log(`console at ${url}/app/ → API ${apiBase}`);
