// Starts the Ulak binary on a free loopback port with a fresh data directory, and stops it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ulak exited early with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`ulak did not become ready at ${url} within ${timeoutMs} ms`);
}

/** Runs `binary serve` and resolves once /readyz answers; `stop()` ends it and removes its data. */
export async function startUlak({ binary, pluginsDir, logFile, env = {} }) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ulak-browser-data-'));
  const url = `http://127.0.0.1:${port}`;
  const { createWriteStream } = await import('node:fs');
  const log = createWriteStream(logFile);
  const child = spawn(binary, ['serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`], {
    env: {
      ...process.env,
      ULAK__PLUGINS__DIR: pluginsDir,
      ULAK__OUTBOUND__ALLOW_PRIVATE_NETWORKS: 'true',
      ULAK__LOG__FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If this process dies without stopping the server, take the server down with it.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  await waitForReady(url, child, 30_000);
  return {
    url,
    dataDir,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => {
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the aiosmtpd sink of the server tests on loopback: every mail becomes a JSON line in `out`. */
export async function startSmtpSink({ script, out }) {
  const port = await freePort();
  const child = spawn('python3', [script, String(port), out], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited with ${code}: is aiosmtpd installed? ./test.sh installs it`)));
    child.stdout.once('data', (chunk) => (String(chunk).includes('ready') ? resolve() : reject(new Error(String(chunk)))));
  });
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  return {
    port,
    out,
    stop() {
      process.removeListener('exit', killOnExit);
      child.kill('SIGTERM');
    },
  };
}
