// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 Sluice authors
//
// What the browser tests share: a sluiced of their own, the page's server (the test page and
// the players from node_modules), and headless Debian Chromium, or a skip (exit 77) when the
// machine lacks it.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const chromiumPath = process.env.SLUICE_CHROMIUM || '/usr/bin/chromium';
const SKIP = 77;

export function log(...args) {
  console.log('browser:', ...args);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function skip(why) {
  console.log(`SKIP: ${why}`);
  process.exit(SKIP);
}

/* A temporary directory, removed at exit (meson's timeout included). */
export function tempDir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-browser-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/* -- sluiced ----------------------------------------------------------------------------- */

export class Sluiced {
  /* args: more command-line arguments (e.g. ['--demo']); config: the config file's text. */
  constructor(binary, stateDir, { args = [], config = '' } = {}) {
    this.output = '';
    this.exited = null;
    const configFile = path.join(stateDir, 'sluiced.conf');
    writeFileSync(configFile, config);
    /* A clean environment but for the test's GStreamer setup (meson's test_env). */
    const systemd = ['NOTIFY_SOCKET', 'STATE_DIRECTORY', 'CONFIGURATION_DIRECTORY',
      'WATCHDOG_USEC', 'JOURNAL_STREAM'];
    const kept = ['SLUICE_DEMO_MEDIA', 'SLUICE_INGEST_HELPER'];
    const env = { ...process.env };
    for (const name of Object.keys(env)) {
      if ((name.startsWith('SLUICE_') && !kept.includes(name)) || systemd.includes(name))
        delete env[name];
    }
    const argv = ['--config', configFile, '--listen', '127.0.0.1:0',
      '--state-dir', path.join(stateDir, 'state'), ...args];
    this.process = spawn(binary, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk) => { this.output += chunk.toString(); };
    this.process.stdout.on('data', collect);
    this.process.stderr.on('data', collect);
    this.exit = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve(this.exited);
      });
      this.process.on('error', (e) => {
        this.output += `spawn failed: ${e.message}\n`;
        this.exited = { code: -1, signal: null };
        resolve(this.exited);
      });
    });
    /* meson's timeout: leave no sluiced behind. */
    for (const signal of ['SIGTERM', 'SIGINT']) {
      process.on(signal, () => {
        this.process.kill('SIGKILL');
        process.exit(1);
      });
    }
  }

  /* The port from "listening on http://127.0.0.1:PORT/", or null when sluiced exits or
   * takes too long. */
  async port(timeoutS) {
    const deadline = Date.now() + timeoutS * 1000;
    while (Date.now() < deadline && !this.exited) {
      const match = this.output.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (match)
        return Number(match[1]);
      await sleep(50);
    }
    return null;
  }

  async stop() {
    if (this.exited)
      return this.exited;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 20000);
    const exited = await this.exit;
    clearTimeout(timer);
    return exited;
  }

  /* The last lines of its log, for a failure report. */
  tail(lines = 100) {
    return this.output.trimEnd().split('\n').slice(-lines);
  }
}

export async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok)
    throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

export async function sendJson(method, url, body) {
  const response = await fetch(url, {
    method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/* -- the page's server: the test page and the players from node_modules ------------------- */

const served = {
  '/': ['page.html', 'text/html'],
  '/node_modules/hls.js/dist/hls.min.js': [null, 'text/javascript'],
  '/node_modules/dashjs/dist/modern/umd/dash.all.min.js': [null, 'text/javascript'],
};

export function servePage() {
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url, 'http://x').pathname;
    const entry = served[pathname];
    if (pathname === '/favicon.ico') {
      response.writeHead(204).end();
      return;
    }
    if (!entry) {
      response.writeHead(404).end();
      return;
    }
    const file = path.join(here, entry[0] || pathname);
    response.writeHead(200, { 'Content-Type': entry[1], 'Cache-Control': 'no-store' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/* -- Chromium ------------------------------------------------------------------------------ */

/* Skips (exit 77) unless Chromium, the players and a recent enough node are here. */
export function requireBrowser() {
  if (!existsSync(chromiumPath))
    skip(`${chromiumPath} is missing (apt-get install chromium, or scripts/install-deps.sh)`);
  /* npm writes its lock into node_modules last: without it the install is missing or
   * unfinished. */
  for (const name of ['.package-lock.json', 'playwright-core', 'hls.js', 'dashjs']) {
    if (!existsSync(path.join(here, 'node_modules', name)))
      skip(`tests/browser/node_modules/${name} is missing ` +
        '(npm ci --prefix tests/browser; make test does it)');
  }
  if (Number(process.versions.node.split('.')[0]) < 20)
    skip(`node ${process.versions.node} is too old for playwright-core (it needs 20)`);
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
    timeout: 60000,
  });
  log(`chromium ${browser.version()}`);
  return browser;
}
