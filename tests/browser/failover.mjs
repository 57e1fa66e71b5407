// SPDX-License-Identifier: LGPL-2.1-or-later
// Copyright (C) 2026 Sluice authors
//
// Failover as players live it. A channel reads a live MPEG-TS primary with a backup; hls.js (in
// headless Chromium), ffprobe on the HLS URL and ffprobe on the continuous .ts URL play it
// while the primary fails (its connections reset and new ones refused, or 404, or a stall with
// the connection kept open), then comes back. Each client's stall is measured: none may stall
// over a second at the failover, nor ffprobe at the return (hls.js's is reported); the channel
// must be back on the primary at the end.
//
//   node failover.mjs path/to/sluiced [mode...]      (modes: reset 404 stall; default all)
//
// How stalls are measured. hls.js: the longest time the video element's currentTime stood still
// while playing (sampled every 100 ms in the page). ffprobe: each video packet's arrival time
// against a player that starts at the first packet and plays in real time with no buffer but
// what arrived early: a packet that comes after the player needed it stalls it for the
// difference.
//
// Exit status: 0 pass, 1 fail, 77 skipped (no Chromium or players; see harness.mjs).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import {
  Sluiced, getJson, launchBrowser, log, requireBrowser, sendJson, servePage, sleep, tempDir,
} from './harness.mjs';

const maxStallS = 1.0;
const playBeforeFailS = 8; /* the clients play the primary this long first */
const failedForS = 12; /* the primary is down this long */
const afterRestoreS = 16; /* primary-check-interval (10 s), the cut, and playing on */
const sourceSeconds = 120;

/* -- a live MPEG-TS upstream that can fail and come back ---------------------------------- */

/*
 * Serves one TS file at its own bitrate from where "now" is in it, as a live head-end does.
 * fail(mode): 'reset' cuts every connection and resets new ones; '404' cuts them and answers
 * new requests 404; 'stall' keeps every connection open and sends nothing more. restore()
 * serves again.
 */
class TsUpstream {
  constructor(file, seconds) {
    this.data = readFileSync(file);
    this.bytesPerMs = this.data.length / (seconds * 1000);
    this.started = Date.now();
    this.mode = 'up';
    this.requests = 0;
    this.sockets = new Set();
    this.server = http.createServer((request, response) => this.serve(request, response));
    this.server.on('connection', (socket) => {
      if (this.mode === 'reset') {
        socket.resetAndDestroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  listen() {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url() {
    return `http://127.0.0.1:${this.server.address().port}/live.ts`;
  }

  serve(request, response) {
    this.requests++;
    if (this.mode === '404') {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('gone\n');
      return;
    }
    if (this.mode === 'stall')
      return; /* accepted, never answered */
    response.writeHead(200, { 'Content-Type': 'video/mp2t' });
    let at = Math.floor((Date.now() - this.started) * this.bytesPerMs / 188) * 188;
    const timer = setInterval(() => {
      if (this.mode === 'stall')
        return;
      const due = Math.floor(((Date.now() - this.started) * this.bytesPerMs) / 188) * 188;
      const end = Math.min(due, this.data.length);
      if (end > at) {
        response.write(this.data.subarray(at, end));
        at = end;
      }
      if (at >= this.data.length) {
        clearInterval(timer);
        response.end();
      }
    }, 40);
    response.on('close', () => clearInterval(timer));
  }

  fail(mode) {
    this.mode = mode;
    if (mode !== 'stall') {
      for (const socket of this.sockets)
        socket.resetAndDestroy();
    }
  }

  restore() {
    this.mode = 'up';
  }

  close() {
    for (const socket of this.sockets)
      socket.destroy();
    this.server.close();
  }
}

function makeTs(file, width, height) {
  const result = spawnSync('ffmpeg', ['-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=25`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(sourceSeconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25',
    '-bf', '0', '-b:v', '300k', '-c:a', 'aac', '-b:a', '64k', '-f', 'mpegts', file]);
  if (result.status !== 0)
    throw new Error(`ffmpeg: ${result.stderr}`);
}

/* -- the clients ---------------------------------------------------------------------------- */

/* ffprobe printing each video packet's time as it reads it; the lines are timed on arrival. */
class ProbeClient {
  constructor(name, url) {
    this.name = name;
    this.packets = []; /* [arrival ms, pts s] */
    this.stderr = '';
    this.process = spawn('stdbuf', ['-oL', 'ffprobe', '-v', 'error', '-select_streams', 'v:0',
      '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', url]);
    let partial = '';
    this.process.stdout.on('data', (chunk) => {
      const now = Date.now();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        const pts = Number.parseFloat(line);
        if (Number.isFinite(pts))
          this.packets.push([now, pts]);
      }
    });
    this.process.stderr.on('data', (chunk) => { this.stderr += chunk.toString(); });
  }

  stop() {
    this.process.kill('SIGKILL');
  }

  /*
   * The player model (see the top of the file). A jump of the time by more than a second
   * (the .ts of a new source keeps that source's own clock) counts as one frame.
   */
  stalls() {
    const events = []; /* [wall ms when it ended, seconds] */
    let media = 0;
    let lastPts = null;
    let start = null;
    let stalled = 0;
    for (const [arrival, pts] of this.packets) {
      if (lastPts !== null) {
        const step = pts - lastPts;
        media += Math.abs(step) > 1 ? 0.04 : Math.max(step, 0);
      }
      lastPts = pts;
      if (start === null)
        start = arrival;
      const due = start + media * 1000 + stalled;
      if (arrival > due) {
        stalled += arrival - due;
        events.push([arrival, (arrival - due) / 1000]);
      }
    }
    return { events, media };
  }
}

/* hls.js in Chromium, with the page's 100 ms sampler. */
async function startHlsJs(browser, pageUrl, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  await page.goto(pageUrl);
  await page.evaluate((u) => { window.startSampler(); window.startHls(u); }, url);
  return {
    name: 'hls.js',
    consoleLines,
    async finish() {
      const [samples, report, clock] = await page.evaluate(
        () => [window.samples, window.report, performance.timeOrigin]);
      await context.close().catch(() => {});
      return { samples, report, clock };
    },
  };
}

/* Each run of samples, after playback started, in which currentTime stood still: [wall ms
 * when it ended, seconds]; and how much was played. */
function videoStalls(samples, timeOrigin) {
  const events = [];
  let since = null;
  let started = false;
  for (let i = 1; i < samples.length; i++) {
    const [t, time] = samples[i];
    if (time > samples[i - 1][1]) {
      if (since !== null)
        events.push([timeOrigin + t * 1000, t - since]);
      started = true;
      since = null;
    } else if (started && since === null) {
      since = samples[i - 1][0];
    }
  }
  if (since !== null)
    events.push([timeOrigin + samples[samples.length - 1][0] * 1000,
      samples[samples.length - 1][0] - since]);
  const played = samples.length ? samples[samples.length - 1][1] - samples[0][1] : 0;
  return { events, media: played };
}

/* The longest stall that ended within [from, to) (wall ms), and the total. */
function worst(events, from, to) {
  let longest = 0;
  let total = 0;
  for (const [at, seconds] of events) {
    if (at >= from && at < to) {
      longest = Math.max(longest, seconds);
      total += seconds;
    }
  }
  return { longest, total };
}

/*
 * Polls media playlists every 250 ms and notes when each segment first shows, with the period
 * (discontinuity sequence and init segment) it belongs to: the failover's timeline.
 */
class PlaylistWatcher {
  constructor(urls) {
    this.seen = new Map(); /* segment URI -> { at, period, duration } */
    this.running = true;
    this.done = Promise.all(urls.map((url) => this.watch(url)));
  }

  async watch(url) {
    while (this.running) {
      try {
        const text = await (await fetch(url)).text();
        let disc = Number((text.match(/#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)/) || [0, 0])[1]);
        let map = '';
        let duration = 0;
        for (const line of text.split('\n')) {
          if (line.startsWith('#EXT-X-DISCONTINUITY') && !line.includes('SEQUENCE')) {
            disc++;
          } else if (line.startsWith('#EXT-X-MAP')) {
            map = (line.match(/URI="([^"]+)"/) || [])[1];
          } else if (line.startsWith('#EXTINF:')) {
            duration = Number.parseFloat(line.slice(8));
          } else if (line && !line.startsWith('#') && !this.seen.has(line)) {
            this.seen.set(line, { at: Date.now(), period: `${disc} ${map}`, duration });
            if (process.env.SLUICE_FAILOVER_DUMP)
              await this.keep(url, [map, line]);
          }
        }
      } catch {
        /* the channel went away: the run is ending */
      }
      await sleep(250);
    }
  }

  /* SLUICE_FAILOVER_DUMP: every segment (and its init) as it appears, for a post-mortem. */
  async keep(playlistUrl, names) {
    mkdirSync(process.env.SLUICE_FAILOVER_DUMP, { recursive: true });
    for (const name of names) {
      const file = path.join(process.env.SLUICE_FAILOVER_DUMP, name || '');
      if (!name || existsSync(file))
        continue;
      const response = await fetch(new URL(name, playlistUrl));
      writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    }
  }

  async stop() {
    this.running = false;
    await this.done;
  }

  lines(since) {
    return [...this.seen.entries()].sort((a, b) => a[1].at - b[1].at).map(([uri, s]) =>
      `${((s.at - since) / 1000).toFixed(2).padStart(6)} s  ${uri} ${s.duration.toFixed(3)} s ` +
      `(period ${s.period})`);
  }
}

/* -- one run -------------------------------------------------------------------------------- */

async function runMode(mode, { base, proxy, primary, backup, browser, pageUrl }) {
  log(`-- ${mode} --`);
  primary.restore();
  const channel = await sendJson('POST', `${base}/api/v1/channels`, {
    name: `failover-${mode}`, stream_url: primary.url, backup_urls: [backup.url],
  });
  await sendJson('PUT', `${base}/api/v1/proxies/${proxy.id}`,
    { name: proxy.name, channel_ids: [channel.id] });
  const live = `${base}/live/${proxy.name}/${channel.id}`;
  /* Cold start: the master playlist answers once the channel has a segment. */
  const master = await fetch(`${live}.m3u8`);
  if (!master.ok)
    throw new Error(`${live}.m3u8: ${master.status} ${await master.text()}`);

  /* Players join a channel that runs: its playlist holds the segments they start behind. */
  const mediaUrl = new URL((await master.text()).split('\n')
    .find((l) => l && !l.startsWith('#')), `${live}.m3u8`).href;
  for (let i = 0; i < 100; i++) {
    const text = await (await fetch(mediaUrl)).text();
    if ((text.match(/#EXTINF/g) || []).length >= 5)
      break;
    await sleep(200);
  }
  const masterText = await (await fetch(`${live}.m3u8`)).text();
  const watcher = new PlaylistWatcher([mediaUrl, ...[...masterText.matchAll(/URI="([^"]+)"/g)]
    .map((m) => new URL(m[1], `${live}.m3u8`).href)]);
  const hlsjs = await startHlsJs(browser, pageUrl, `${live}.m3u8`);
  const probes = [new ProbeClient('ffprobe HLS', `${live}.m3u8`),
    new ProbeClient('ffprobe .ts', `${live}.ts`)];
  await sleep(playBeforeFailS * 1000);

  const session = async () => (await getJson(`${base}/api/v1/sessions`))
    .find((s) => s.channel_id === channel.id);
  const failedAt = Date.now();
  primary.fail(mode);
  /* Time to the backup: until sessions names it. */
  let switchedMs = null;
  while (Date.now() - failedAt < failedForS * 1000) {
    const s = await session();
    if (switchedMs === null && s && s.source_url === backup.url)
      switchedMs = Date.now() - failedAt;
    await sleep(100);
  }
  const restoredAt = Date.now();
  primary.restore();
  let returnedMs = null;
  while (Date.now() - restoredAt < afterRestoreS * 1000) {
    const s = await session();
    if (returnedMs === null && s && s.source_url === primary.url)
      returnedMs = Date.now() - restoredAt;
    await sleep(100);
  }
  const last = await session();

  for (const probe of probes)
    probe.stop();
  await watcher.stop();
  const page = await hlsjs.finish();
  await fetch(`${base}/api/v1/channels/${channel.id}`, { method: 'DELETE' });

  const problems = [];
  log(`  backup in use ${switchedMs === null ? 'never' : `${switchedMs} ms`} after the ` +
    `failure; primary back ${returnedMs === null ? 'never' : `${returnedMs} ms`} after ` +
    `it served again; switches ${last && last.source_switches}`);
  if (switchedMs === null)
    problems.push('the channel never used its backup');
  if (returnedMs === null)
    problems.push('the channel did not return to its primary');
  /*
   * Two windows: the failover (the primary's failure until it serves again), where no
   * player may stall over maxStallS, and the return to it, measured and reported.
   */
  const windows = [['failover', failedAt - 500, restoredAt], ['return', restoredAt, Date.now()]];
  const clients = [['hls.js', videoStalls(page.samples, page.clock)],
    ...probes.map((p) => [p.name, p.stalls()])];
  for (const [name, result] of clients) {
    const parts = windows.map(([label, from, to]) => {
      const w = worst(result.events, from, to);
      return `${label}: longest stall ${w.longest.toFixed(2)} s, total ${w.total.toFixed(2)} s`;
    });
    log(`  ${name}: ${parts.join('; ')}; ${result.media.toFixed(1)} s played`);
    const failover = worst(result.events, windows[0][1], windows[0][2]);
    if (failover.longest > maxStallS)
      problems.push(`${name} stalled ${failover.longest.toFixed(2)} s at the failover`);
    /* ffmpeg's clients must not stall at the return either; hls.js's is reported. */
    const back = worst(result.events, windows[1][1], windows[1][2]);
    if (name !== 'hls.js' && back.longest > maxStallS)
      problems.push(`${name} stalled ${back.longest.toFixed(2)} s at the return`);
    if (result.media < playBeforeFailS + failedForS)
      problems.push(`${name} played only ${result.media.toFixed(1)} s`);
  }
  if (page.report.fatal)
    problems.push(`hls.js gave up: ${JSON.stringify(page.report.fatal.detail)}`);
  if (problems.length || process.env.SLUICE_BROWSER_VERBOSE === '1') {
    log(`  segments as they appeared (s after the failure; restored at ${failedForS} s):`);
    for (const line of watcher.lines(failedAt))
      log(`    ${line}`);
    log('  hls.js samples (s after the failure: currentTime):');
    let line = '';
    for (const [t, time] of page.samples.filter((_, i) => i % 5 === 0)) {
      line += ` ${((page.clock + t * 1000 - failedAt) / 1000).toFixed(1)}:${time.toFixed(1)}`;
      if (line.length > 90) {
        log(`   ${line}`);
        line = '';
      }
    }
    log(`   ${line}`);
  }
  if (problems.length) {
    for (const e of page.report.errors)
      log(`  hls.js error (${e.fatal ? 'fatal' : 'not fatal'}): ${JSON.stringify(e.detail)}`);
    for (const e of page.report.events)
      log(`  hls.js ${e.kind}: ${e.detail}`);
  }
  return problems;
}

async function main() {
  const binary = process.argv[2];
  if (!binary)
    throw new Error('usage: node failover.mjs path/to/sluiced [reset|404|stall...]');
  const modes = process.argv.length > 3 ? process.argv.slice(3) : ['reset', '404', 'stall'];
  requireBrowser();

  const dir = tempDir();
  const fileA = path.join(dir, 'a.ts');
  const fileB = path.join(dir, 'b.ts');
  makeTs(fileA, 320, 240);
  makeTs(fileB, 352, 288);
  const primary = new TsUpstream(fileA, sourceSeconds);
  const backup = new TsUpstream(fileB, sourceSeconds);
  await primary.listen();
  await backup.listen();

  /* One-second segments: hls.js keeps three of them, the least slack a failover gets. */
  const sluiced = new Sluiced(binary, dir, { config: '[live]\nsegment_duration=1\n' });
  let server = null;
  let browser = null;
  const problems = [];
  try {
    const port = await sluiced.port(30);
    if (!port)
      throw new Error('sluiced did not start');
    const base = `http://127.0.0.1:${port}`;
    const proxy = await sendJson('POST', `${base}/api/v1/proxies`,
      { name: 'failover', channel_ids: [] });
    server = await servePage();
    const pageUrl = `http://127.0.0.1:${server.address().port}/`;
    browser = await launchBrowser();
    for (const mode of modes) {
      for (const p of await runMode(mode,
        { base, proxy, primary, backup, browser, pageUrl }))
        problems.push(`${mode}: ${p}`);
    }
  } catch (e) {
    problems.push(`error: ${e.stack || e}`);
  }
  if (browser)
    await browser.close().catch(() => {});
  if (server)
    server.close();
  primary.close();
  backup.close();
  const exited = await sluiced.stop();
  if (exited.code !== 0)
    problems.push(`sluiced exited ${JSON.stringify(exited)}`);
  for (const p of problems)
    log(`FAIL: ${p}`);
  if (problems.length) {
    log('sluiced log (last 60 lines):');
    for (const line of sluiced.tail(60))
      log(`  ${line}`);
  }
  log(problems.length ? 'FAIL' : 'PASS');
  process.exit(problems.length ? 1 : 0);
}

main();
