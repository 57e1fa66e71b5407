// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 Sluice authors
//
// Real browsers' players against a real sluiced: headless Debian Chromium plays a demo channel's
// HLS URL with hls.js and its DASH URL with dash.js, and playback has to advance.
//
//   node play.mjs path/to/sluiced
//
// Exit status: 0 both played, 1 a player failed (what it saw is printed), 77 skipped (no
// /usr/bin/chromium, no node_modules (`npm ci --prefix tests/browser`), or node older than 20).
// SLUICE_CHROMIUM names another Chromium; SLUICE_BROWSER_VERBOSE=1 prints every sample and the
// browser console when the players pass too.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const chromiumPath = process.env.SLUICE_CHROMIUM || '/usr/bin/chromium';
const SKIP = 77;

/* The demo channel the browser plays: 720p H.264 + AAC (tvg-id demo.smpte in data/demo.m3u),
 * the lightest H.264 one; the 1080p one is too much for two cores beside Chromium. */
const channelTvgId = 'demo.smpte';
/* What "playback advances" means: the video element plays this much of the stream. More than
 * the few seconds a player buffers from its first manifest, so that it has to follow the live
 * manifest too (a dash.js that never refreshes the MPD plays ~7 s, then stalls for good). */
const advanceS = 10;
/* ...within this long of the player being started (a cold channel waits for its first segment,
 * and a loaded CI machine is slow). */
const playTimeoutS = 45;
const sluicedStartTimeoutS = 30;

function log(...args) {
  console.log('browser:', ...args);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function skip(why) {
  console.log(`SKIP: ${why}`);
  process.exit(SKIP);
}

/* -- sluiced ----------------------------------------------------------------------------- */

class Sluiced {
  constructor(binary, stateDir) {
    this.output = '';
    this.exited = null;
    const config = path.join(stateDir, 'sluiced.conf');
    writeFileSync(config, '');
    /* A clean environment but for the test's GStreamer setup (meson's test_env). */
    const systemd = ['NOTIFY_SOCKET', 'STATE_DIRECTORY', 'CONFIGURATION_DIRECTORY',
      'WATCHDOG_USEC', 'JOURNAL_STREAM'];
    const env = { ...process.env };
    /* The demo's clips, recorded once per build, are kept (SLUICE_DEMO_MEDIA). */
    for (const name of Object.keys(env)) {
      if ((name.startsWith('SLUICE_') && name !== 'SLUICE_DEMO_MEDIA')
          || systemd.includes(name))
        delete env[name];
    }
    const args = ['--config', config, '--listen', '127.0.0.1:0',
      '--state-dir', path.join(stateDir, 'state'), '--demo'];
    this.process = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
}

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok)
    throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/* -- the page's server: the test page and the players from node_modules ------------------- */

const served = {
  '/': ['page.html', 'text/html'],
  '/node_modules/hls.js/dist/hls.min.js': [null, 'text/javascript'],
  '/node_modules/dashjs/dist/modern/umd/dash.all.min.js': [null, 'text/javascript'],
};

function servePage() {
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

/* -- one player --------------------------------------------------------------------------- */

/*
 * Opens the page, starts the player on url and samples the video element every half second
 * until it has played advanceS, a fatal error, or the timeout. Played time is currentTime's
 * forward movement between samples, each step capped by the wall-clock time between them: a
 * player's seek to the live edge is not playback. Returns { ok, why, samples, report, mse,
 * console }.
 */
async function playOne(browser, pageUrl, start, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleLines = [];
  let t0 = Date.now();
  const stamp = () => ((Date.now() - t0) / 1000).toFixed(1).padStart(5);
  page.on('console', (m) => consoleLines.push(`${stamp()} [${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`${stamp()} [pageerror] ${e.message}`));
  page.on('requestfailed', (r) => consoleLines.push(
    `${stamp()} [requestfailed] ${r.url()}: ${r.failure() && r.failure().errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400)
      consoleLines.push(`${stamp()} [http ${r.status()}] ${r.url()}`);
  });

  const samples = [];
  let mse = null;
  let report = null;
  let result = null;
  try {
    await page.goto(pageUrl);
    mse = await page.evaluate(() => window.mseSupport());
    t0 = Date.now();
    await page.evaluate(([fn, u]) => window[fn](u), [start, url]);

    let played = 0;
    while (!result) {
      const [sample, fatal] = await page.evaluate(() => [window.sample(), window.report.fatal]);
      const elapsed = (Date.now() - t0) / 1000;
      const last = samples[samples.length - 1];
      if (last && sample.currentTime > last.currentTime)
        played += Math.min(sample.currentTime - last.currentTime,
          (elapsed - last.t) * 1.25 + 0.25);
      samples.push({ t: elapsed, ...sample });
      if (fatal)
        result = { ok: false, why: `fatal player error: ${JSON.stringify(fatal.detail)}` };
      else if (played >= advanceS)
        result = { ok: true, why: `played ${played.toFixed(2)} s (currentTime ` +
          `${samples[0].currentTime.toFixed(2)} -> ${sample.currentTime.toFixed(2)}, ` +
          `${sample.decodedFrames} frames) in ${elapsed.toFixed(1)} s` };
      else if (elapsed > playTimeoutS)
        result = { ok: false, why: `played ${played.toFixed(2)} s, not ${advanceS} s, ` +
          `within ${playTimeoutS} s (currentTime ${sample.currentTime.toFixed(2)})` };
      else
        await sleep(500);
    }
    report = await page.evaluate(() => window.report);
  } catch (e) {
    result = { ok: false, why: `the page failed: ${e.message}` };
  }
  await context.close().catch(() => {});
  return { ...result, samples, report, mse, console: consoleLines };
}

function printRun(name, run, verbose) {
  log(`${name}: ${run.ok ? 'PASS' : 'FAIL'}: ${run.why}`);
  if (run.report) {
    log(`  ${run.report.player} ${run.report.version}`);
    for (const e of run.report.events)
      log(`  ${e.at.toFixed(1)} ${e.kind}: ${e.detail}`);
    for (const e of run.report.errors) {
      log(`  player error (${e.fatal ? 'fatal' : 'not fatal'}) at ${e.at.toFixed(1)}: ` +
        JSON.stringify(e.detail));
    }
  }
  log('  MSE isTypeSupported:', JSON.stringify(run.mse));
  if (!verbose)
    return;
  log('  samples (t: currentTime readyState paused frames buffered):');
  for (const s of run.samples) {
    log(`    ${s.t.toFixed(1).padStart(5)}: ${s.currentTime.toFixed(2)} ${s.readyState} ` +
      `${s.paused} ${s.decodedFrames} ${JSON.stringify(s.buffered)}`);
  }
  log(`  browser console (${run.console.length} lines):`);
  for (const line of run.console.slice(-150))
    log(`    ${line}`);
}

/* -- main --------------------------------------------------------------------------------- */

async function main() {
  const binary = process.argv[2];
  if (!binary)
    throw new Error('usage: node play.mjs path/to/sluiced');
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
  const { chromium } = await import('playwright-core');

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sluice-browser-'));
  const sluiced = new Sluiced(binary, tmp);
  let server = null;
  let browser = null;
  const stopAll = async () => {
    if (browser)
      await browser.close().catch(() => {});
    if (server)
      server.close();
    const exited = await sluiced.stop();
    rmSync(tmp, { recursive: true, force: true });
    return exited;
  };
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      /* meson's timeout: leave no sluiced behind. */
      sluiced.process.kill('SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
      process.exit(1);
    });
  }

  let failed = false;
  try {
    const port = await sluiced.port(sluicedStartTimeoutS);
    if (!port) {
      throw new Error(`sluiced did not log "listening on" within ${sluicedStartTimeoutS} s`);
    }
    const base = `http://127.0.0.1:${port}`;
    const channels = await getJson(`${base}/api/v1/channels`);
    const channel = channels.find((c) => c.tvg_id === channelTvgId);
    if (!channel)
      throw new Error(`no demo channel ${channelTvgId}: ${JSON.stringify(channels)}`);
    log(`sluiced on ${base}, channel ${channel.id} (${channel.name}: ${channel.stream_url})`);

    server = await servePage();
    const pageUrl = `http://127.0.0.1:${server.address().port}/`;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required',
        '--mute-audio'],
      timeout: 60000,
    });
    log(`chromium ${browser.version()}`);

    /* One after the other: two players at once are too much for two cores. */
    const runs = [
      ['HLS', 'startHls', `${base}/live/demo/${channel.id}.m3u8`],
      ['DASH', 'startDash', `${base}/live/demo/${channel.id}.mpd`],
    ];
    for (const [name, start, url] of runs) {
      log(`${name}: ${url}`);
      const run = await playOne(browser, pageUrl, start, url);
      printRun(name, run, !run.ok || process.env.SLUICE_BROWSER_VERBOSE === '1');
      failed ||= !run.ok;
    }
    if (failed) {
      log('sluiced sessions:', JSON.stringify(await getJson(`${base}/api/v1/sessions`)));
    }
  } catch (e) {
    failed = true;
    log(`error: ${e.stack || e}`);
  }
  const exited = await stopAll();
  log(`sluiced stopped: ${JSON.stringify(exited)}`);
  if (failed) {
    log('sluiced log (last 100 lines):');
    for (const line of sluiced.output.trimEnd().split('\n').slice(-100))
      log(`  ${line}`);
  }
  log(failed ? 'FAIL' : 'PASS');
  process.exit(failed ? 1 : 0);
}

main();
