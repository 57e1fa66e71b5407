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

import {
  Sluiced, getJson, launchBrowser, log, requireBrowser, servePage, sleep, tempDir,
} from './harness.mjs';

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
  requireBrowser();

  const sluiced = new Sluiced(binary, tempDir(), { args: ['--demo'] });
  let server = null;
  let browser = null;
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
    browser = await launchBrowser();

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
  if (browser)
    await browser.close().catch(() => {});
  if (server)
    server.close();
  const exited = await sluiced.stop();
  log(`sluiced stopped: ${JSON.stringify(exited)}`);
  if (failed) {
    log('sluiced log (last 100 lines):');
    for (const line of sluiced.tail())
      log(`  ${line}`);
  }
  log(failed ? 'FAIL' : 'PASS');
  process.exit(failed ? 1 : 0);
}

main();
