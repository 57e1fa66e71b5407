#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 Sluice authors
#
# make soak: sluiced left running as a NAS owner leaves it, Python 3 standard library only.
#
#   soak.py BUILD [--duration S] [--hls-clients N] [--ts-clients N] [--kill-every S]
#   soak.py BUILD --cycles N        the stop/start loop alone
#
# The soak: three channels (live MPEG-TS over HTTP with a backup, live HLS, live DASH), N HLS
# clients following their playlists and fetching every segment, M .ts clients reading, and
# every --kill-every seconds one upstream (in turn the TS primary and the HLS/DASH origin)
# killed and restored a minute later. Then the stop/start loop: --cycles channels on live HLS
# and DASH sources started, read mid-download and deleted, with a CPU burner beside them.
#
# It prints "key=value" figures: RSS after warm-up and at the end (and its growth), segments
# any client missed, sluiced restarts, the time from each kill to the channel's next segment,
# and the cycles survived. Exit status 1 when a figure is out of bounds.
import argparse
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import engine_client  # noqa: E402  (PacedTsHandler, ThreadingServer, Client, playlist_uris)

SEGMENT_S = 2


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def figure(key, value):
    print(f"{key}={value}", flush=True)


# -- upstreams --------------------------------------------------------------------------------


class KillableServer:
    """A threaded HTTP server on a fixed port that can be killed (every connection cut, new ones
    refused) and restored on the same port."""

    def __init__(self, handler, port=0):
        self.handler = handler
        self.server = None
        self.port = port
        self.restore()

    def restore(self):
        engine_client.ThreadingServer.allow_reuse_address = True
        self.server = engine_client.ThreadingServer(("127.0.0.1", self.port), self.handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def kill(self):
        self.server.shutdown()
        self.server.server_close()
        # The handlers' sockets: shut down under them, so every download breaks off.
        for thread in threading.enumerate():
            sock = getattr(thread, "sluice_socket", None)
            if sock is not None and getattr(thread, "sluice_port", None) == self.port:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def tracked(base):
    """A handler class whose connections KillableServer.kill() can cut."""

    class Handler(base):
        def setup(self):
            super().setup()
            threading.current_thread().sluice_socket = self.connection
            threading.current_thread().sluice_port = self.server.server_address[1]

        def log_message(self, fmt, *args):
            pass

    return Handler


def directory_handler(directory):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=directory, **kwargs)

    return Handler


def make_ts(path, seconds, size):
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc=size={size}:rate=25", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=48000", "-t", str(seconds), "-c:v",
                    "libx264", "-preset", "ultrafast", "-g", "50", "-bf", "0", "-b:v", "300k",
                    "-c:a", "aac", "-b:a", "64k", "-f", "mpegts", path], check=True)


def live_packager(directory):
    """gst-launch-1.0 with cmafsink writing a live HLS + DASH window (the matrix test's)."""
    return subprocess.Popen(
        ["gst-launch-1.0", "-q", "-e", "videotestsrc", "is-live=true", "pattern=smpte", "!",
         "video/x-raw,width=320,height=240,framerate=25/1", "!", "x264enc",
         "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=25", "bitrate=300", "!",
         "h264parse", "!", "queue", "!", "cmafsink", "name=sink", f"location={directory}",
         "playlist-type=live", "target-duration=2", "window-size=6", "audiotestsrc",
         "is-live=true", "!", "audio/x-raw,rate=48000,channels=2", "!", "avenc_aac", "!",
         "aacparse", "!", "queue", "!", "sink."],
        stderr=subprocess.DEVNULL)


# -- sluiced -------------------------------------------------------------------------------------


class Sluiced:
    def __init__(self, build, state):
        self.binary = os.path.join(build, "daemon", "sluiced")
        self.state = state
        self.restarts = 0
        self.process = None
        self.port = None
        self.log = open(os.path.join(state, "sluiced.log"), "ab")
        self.start()

    def start(self):
        config = os.path.join(self.state, "sluiced.conf")
        with open(config, "w") as f:
            f.write(f"[live]\nsegment_duration={SEGMENT_S}\n")
        env = dict(os.environ)
        self.process = subprocess.Popen(
            [self.binary, "--config", config, "--listen", f"127.0.0.1:{self.port or 0}",
             "--state-dir", os.path.join(self.state, "state")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 30
        for line in self.process.stdout:
            self.log.write(line)
            text = line.decode(errors="replace")
            if "listening on http://127.0.0.1:" in text:
                self.port = int(text.split("127.0.0.1:")[1].split("/")[0])
                break
            if time.monotonic() > deadline:
                raise RuntimeError("sluiced did not start")
        threading.Thread(target=self._drain, args=(self.process,), daemon=True).start()

    def _drain(self, process):
        for line in process.stdout:
            self.log.write(line)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def alive(self):
        """True while it runs; a dead sluiced is counted and started again."""
        if self.process.poll() is None:
            return True
        log(f"sluiced exited with {self.process.returncode}; restarting")
        self.restarts += 1
        self.start()
        return False

    def rss_kib(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return -9

    def api(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        text = response.read().decode()
        conn.close()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {text}")
        return json.loads(text) if text else None


def media_playlist(sluiced, proxy, channel):
    """The URL of the first media playlist of a channel's master (starting the channel)."""
    client = engine_client.Client()
    for _ in range(60):
        status, _, body = client.get(f"{sluiced.base}/live/{proxy}/{channel}.m3u8", timeout=60)
        if status == 200:
            uris = [u for u in engine_client.playlist_uris(body.decode()) if u.endswith(".m3u8")]
            video = [u for u in uris if "video" in u] or uris
            return urllib.parse.urljoin(f"{sluiced.base}/live/{proxy}/{channel}.m3u8", video[0])
        time.sleep(1)
    raise RuntimeError(f"channel {channel} did not start")


# -- clients ---------------------------------------------------------------------------------------


class Totals:
    def __init__(self):
        self.lock = threading.Lock()
        self.segments = 0
        self.missed = 0
        self.errors = 0
        self.ts_bytes = 0
        self.ts_reconnects = 0


def hls_client(url, totals, stop):
    """Follows a media playlist and fetches each new segment once; a segment that left the
    window before it was fetched is missed."""
    client = engine_client.Client()
    last = None
    while not stop.is_set():
        try:
            status, _, body = client.get(url)
            if status != 200:
                raise OSError(f"playlist {status}")
            text = body.decode()
            first = int(text.split("#EXT-X-MEDIA-SEQUENCE:")[1].split()[0])
            uris = [u for u in engine_client.playlist_uris(text) if not u.endswith(".mp4")]
            for index, uri in enumerate(uris):
                number = first + index
                if last is not None and number <= last:
                    continue
                if last is not None and number > last + 1:
                    with totals.lock:
                        totals.missed += number - last - 1
                status, _, _ = client.get(urllib.parse.urljoin(url, uri))
                with totals.lock:
                    if status == 200:
                        totals.segments += 1
                    else:
                        totals.errors += 1
                last = number
        except (OSError, http.client.HTTPException, ValueError, IndexError):
            with totals.lock:
                totals.errors += 1
            client = engine_client.Client()
        stop.wait(SEGMENT_S / 2)


def ts_client(url, totals, stop):
    parts = urllib.parse.urlsplit(url)
    while not stop.is_set():
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            conn.request("GET", parts.path)
            response = conn.getresponse()
            while not stop.is_set():
                chunk = response.read(65536)
                if not chunk:
                    break
                with totals.lock:
                    totals.ts_bytes += len(chunk)
            conn.close()
        except (OSError, http.client.HTTPException):
            pass
        if not stop.is_set():
            with totals.lock:
                totals.ts_reconnects += 1
            stop.wait(1)


def next_segment_after(url, since, timeout=60):
    """Seconds from `since` until url's newest segment changes."""
    client = engine_client.Client()
    newest = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _, body = client.get(url)
            uris = [u for u in engine_client.playlist_uris(body.decode()) if not u.endswith(".mp4")]
            if status == 200 and uris:
                if newest is None:
                    newest = uris[-1]
                elif uris[-1] != newest:
                    return time.monotonic() - since
        except (OSError, http.client.HTTPException):
            client = engine_client.Client()
        time.sleep(0.1)
    return None


# -- the soak --------------------------------------------------------------------------------------


def soak(args, work):
    ts_file = os.path.join(work, "source.ts")
    seconds = args.duration + 300
    log(f"making {seconds} s of MPEG-TS")
    make_ts(ts_file, seconds, "320x240")
    with open(ts_file, "rb") as f:
        engine_client.PacedTsHandler.data = f.read()
    engine_client.PacedTsHandler.bytes_per_s = len(engine_client.PacedTsHandler.data) / seconds
    ts_primary = KillableServer(tracked(engine_client.PacedTsHandler))
    ts_backup = KillableServer(tracked(engine_client.PacedTsHandler))
    packaged = os.path.join(work, "packager")
    os.makedirs(packaged)
    packager = live_packager(packaged)
    files = KillableServer(tracked(directory_handler(packaged)))
    while not os.path.exists(os.path.join(packaged, "video_0-8.m4s")):
        time.sleep(0.5)

    sluiced = Sluiced(args.build, work)
    origin = f"http://127.0.0.1:{files.port}"
    channels = {
        "ts": sluiced.api("POST", "/api/v1/channels", {
            "name": "ts", "stream_url": f"http://127.0.0.1:{ts_primary.port}/live.ts",
            "backup_urls": [f"http://127.0.0.1:{ts_backup.port}/live.ts"]})["id"],
        "hls": sluiced.api("POST", "/api/v1/channels",
                           {"name": "hls", "stream_url": f"{origin}/master.m3u8"})["id"],
        "dash": sluiced.api("POST", "/api/v1/channels",
                            {"name": "dash", "stream_url": f"{origin}/manifest.mpd"})["id"],
    }
    sluiced.api("POST", "/api/v1/proxies", {"name": "soak", "channel_ids": list(channels.values())})
    media = {name: media_playlist(sluiced, "soak", cid) for name, cid in channels.items()}

    totals = Totals()
    stop = threading.Event()
    names = list(channels)
    threads = []
    for i in range(args.hls_clients):
        threads.append(threading.Thread(target=hls_client,
                                        args=(media[names[i % 3]], totals, stop), daemon=True))
    for i in range(args.ts_clients):
        url = f"{sluiced.base}/live/soak/{channels[names[i % 3]]}.ts"
        threads.append(threading.Thread(target=ts_client, args=(url, totals, stop), daemon=True))
    for t in threads:
        t.start()

    start = time.monotonic()
    warmup = min(120, args.duration / 4)
    rss_start = None
    rss_samples = []
    switches = []
    next_kill = start + args.kill_every
    victim = 0
    while time.monotonic() - start < args.duration:
        time.sleep(1)
        sluiced.alive()
        now = time.monotonic()
        if rss_start is None and now - start >= warmup:
            rss_start = sluiced.rss_kib()
            figure("rss_start_kib", rss_start)
        if int(now - start) % 10 == 0:
            rss_samples.append(sluiced.rss_kib())
        if now >= next_kill:
            next_kill += args.kill_every
            if victim % 2 == 0:
                killed, name, watched = ts_primary, "ts primary", media["ts"]
            else:
                killed, name, watched = files, "hls/dash origin", media["hls"]
            victim += 1
            log(f"{now - start:.0f} s: killing the {name}")
            at = time.monotonic()
            killed.kill()
            if killed is ts_primary:
                stall = next_segment_after(watched, at)
                switches.append(stall)
                log(f"  next segment {stall if stall is None else round(stall, 2)} s after")
            threading.Timer(min(60, args.kill_every / 2), killed.restore).start()
    stop.set()
    rss_end = sluiced.rss_kib()
    status = sluiced.stop()
    packager.send_signal(signal.SIGINT)
    packager.wait()

    growth = (rss_end - rss_start) / rss_start * 100 if rss_start else 0
    figure("duration_s", args.duration)
    figure("hls_clients", args.hls_clients)
    figure("ts_clients", args.ts_clients)
    figure("rss_end_kib", rss_end)
    figure("rss_peak_kib", max(rss_samples or [0]))
    figure("rss_growth_pct", f"{growth:.1f}")
    figure("segments_fetched", totals.segments)
    figure("segments_missed", totals.missed)
    figure("request_errors", totals.errors)
    figure("ts_mbytes", round(totals.ts_bytes / 1e6, 1))
    figure("ts_reconnects", totals.ts_reconnects)
    figure("sluiced_restarts", sluiced.restarts)
    figure("failover_next_segment_s",
           ",".join("none" if s is None else f"{s:.2f}" for s in switches))
    figure("sluiced_exit", status)
    ok = growth < 5 and totals.missed == 0 and sluiced.restarts == 0 and status == 0
    return ok


# -- the stop/start loop --------------------------------------------------------------------------


def burner():
    """A second CPU load: a process that spins until told to stop."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def cycles(args, work):
    packaged = os.path.join(work, "packager-cycles")
    os.makedirs(packaged)
    packager = live_packager(packaged)
    files = KillableServer(tracked(directory_handler(packaged)))
    while not os.path.exists(os.path.join(packaged, "video_0-8.m4s")):
        time.sleep(0.5)
    os.makedirs(os.path.join(work, "cycles"))
    sluiced = Sluiced(args.build, os.path.join(work, "cycles"))
    load = burner()
    origin = f"http://127.0.0.1:{files.port}"
    proxy = sluiced.api("POST", "/api/v1/proxies", {"name": "cycles", "channel_ids": []})
    survived = 0
    started = time.monotonic()
    for i in range(args.cycles):
        url = f"{origin}/master.m3u8" if i % 2 == 0 else f"{origin}/manifest.mpd"
        channel = sluiced.api("POST", "/api/v1/channels", {"name": f"c{i}", "stream_url": url})
        sluiced.api("PUT", f"/api/v1/proxies/{proxy['id']}",
                    {"name": "cycles", "channel_ids": [channel["id"]]})
        # Reading: the master (which starts it), then a segment, left half read.
        conn = http.client.HTTPConnection("127.0.0.1", sluiced.port, timeout=60)
        try:
            media = media_playlist(sluiced, "cycles", channel["id"])
            client = engine_client.Client()
            _, _, body = client.get(media)
            segments = [u for u in engine_client.playlist_uris(body.decode())
                        if u.endswith(".m4s")]
            parts = urllib.parse.urlsplit(urllib.parse.urljoin(media, segments[-1]))
            conn.request("GET", parts.path)
            conn.getresponse().read(1000)
        except (OSError, http.client.HTTPException, RuntimeError, IndexError) as e:
            log(f"cycle {i}: {e}")
        # Torn down while being read; every other cycle its upstream drops out too.
        sluiced.api("DELETE", f"/api/v1/channels/{channel['id']}")
        if i % 10 == 5:
            files.kill()
            files.restore()
        conn.close()
        if sluiced.alive():
            survived += 1
        else:
            log(f"cycle {i}: sluiced had died")
    load.kill()
    status = sluiced.stop()
    packager.send_signal(signal.SIGINT)
    packager.wait()
    figure("cycles", args.cycles)
    figure("cycles_survived", survived)
    figure("cycles_seconds", round(time.monotonic() - started))
    figure("cycles_sluiced_restarts", sluiced.restarts)
    figure("cycles_sluiced_exit", status)
    return survived == args.cycles and status == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("build")
    parser.add_argument("--duration", type=int, default=3600)
    parser.add_argument("--hls-clients", type=int, default=200)
    parser.add_argument("--ts-clients", type=int, default=20)
    parser.add_argument("--kill-every", type=int, default=300)
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--only", choices=["soak", "cycles"])
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="sluice-soak-")
    # The build tree's plugin (for the packager's cmafsink) and sluiced's ingest child.
    build = os.path.abspath(args.build)
    os.environ.setdefault("GST_PLUGIN_PATH", os.path.join(build, "plugins", "gst"))
    os.environ.setdefault("SLUICE_INGEST_HELPER",
                          os.path.join(build, "plugins", "ingest", "sluice-ingest"))
    ok = True
    try:
        if args.only != "cycles":
            ok &= soak(args, work)
        if args.only != "soak":
            ok &= cycles(args, work)
    finally:
        if os.environ.get("SLUICE_SOAK_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
    print("PASS" if ok else "FAIL", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
