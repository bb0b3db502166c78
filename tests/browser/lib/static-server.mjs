// A same-origin stand-in for what Ulak will serve itself: the console from web/console/dist at /app
// (deep links fall back to index.html), the landing pages at / (picked by Accept-Language), and
// everything else (/api, /healthz …) proxied to the Ulak server. HTML gets the server's CSP, so a
// page that breaks it fails here as it would in production.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';

// Keep in step with HTML_CSP in server/src/web.rs.
export const HTML_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
  "form-action 'self'; frame-ancestors 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

async function isFile(file) {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function sendFile(res, file) {
  const stream = createReadStream(file);
  stream.on('error', () => {
    if (!res.headersSent) res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  stream.once('open', () => sendHeaders(res, file));
  stream.pipe(res);
}

function sendHeaders(res, file) {
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  const headers = { 'content-type': type, 'x-content-type-options': 'nosniff' };
  if (type.startsWith('text/html')) Object.assign(headers, { 'content-security-policy': HTML_CSP, 'x-frame-options': 'DENY' });
  if (file.includes(`${path.sep}assets${path.sep}`)) headers['cache-control'] = 'public, max-age=31536000, immutable';
  res.writeHead(200, headers);
}

/** `tr` when the browser prefers Turkish over English, else `en` (the rule the server should follow). */
export function pickLanguage(acceptLanguage = '') {
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { primary: tag.toLowerCase().split('-')[0], q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((entry) => entry.primary && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  const first = ranked.find((entry) => entry.primary === 'tr' || entry.primary === 'en');
  return first?.primary ?? 'en';
}

function proxy(req, res, target) {
  // A connection per request: reusing idle keep-alive sockets races with the server closing them.
  const upstream = http.request(
    { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host, connection: 'close' }, agent: false },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', (error) => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'bad_gateway', message: error.message }));
  });
  // The browser gave up (navigation): stop the upstream request too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

export function startStaticServer({ consoleDist, landingDir, apiBase, port = 0 }) {
  const target = new URL(apiBase);
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const pathname = decodeURIComponent(url.pathname);
    if (pathname === '/app' || pathname.startsWith('/app/')) {
      const relative = pathname.slice('/app'.length).replace(/^\/+/, '');
      const file = path.join(consoleDist, path.normalize(relative));
      if (file.startsWith(consoleDist) && relative && (await isFile(file))) return sendFile(res, file);
      if (relative.startsWith('assets/')) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
      }
      return sendFile(res, path.join(consoleDist, 'index.html'));
    }
    if (pathname === '/') {
      const language = pickLanguage(req.headers['accept-language']);
      return sendFile(res, path.join(landingDir, `index.${language}.html`));
    }
    const landingFile = path.join(landingDir, path.normalize(pathname));
    if (/^\/[^/]+\.(?:html|css|svg)$/.test(pathname) && landingFile.startsWith(landingDir) && (await isFile(landingFile))) {
      return sendFile(res, landingFile);
    }
    return proxy(req, res, target);
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
}
