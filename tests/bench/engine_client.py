#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 Sluice authors
#
# The live engine benchmark's helpers (tests/bench/engine.sh), Python 3 standard library only:
#
#   serve FILE SECONDS       a live MPEG-TS source over HTTP: FILE sent at real-time pace
#   cold MASTER_URL          cold start: first playlist request to a fetchable first segment
#   join TS_URL N            warm .ts joins: first byte and first keyframe packet, N times
#   poll MASTER_URL SECONDS  an HLS player: polls the media playlists, fetches new segments
#   snapshot MEDIA_URL DIR   a media playlist and its segments, copied into DIR
#
# Figures go to stdout as "key=value" lines; anything else goes to stderr.
import http.client
import http.server
import os
import random
import re
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

USER_AGENT = "sluice-bench/1"
TICK_S = 0.04


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# -- serve ---------------------------------------------------------------------------------


class PacedTsHandler(http.server.BaseHTTPRequestHandler):
    """One live connection: the file from a 188-byte boundary, at its own bitrate.

    A live upstream is joined wherever it happens to be, so by default every connection starts
    at a random point of the first two seconds (mid-GOP, like zapping to a real channel);
    ?join=start starts on the file's first keyframe (the best case).
    """

    protocol_version = "HTTP/1.0"
    data = b""
    bytes_per_s = 0.0

    def log_message(self, fmt, *args):
        pass

    @classmethod
    def tick_bytes(cls):
        return int(cls.bytes_per_s * TICK_S) // 188 * 188 + 188

    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        offset = 0
        if query.get("join", ["random"])[0] != "start":
            offset = int(random.uniform(0, 2.0) * self.bytes_per_s) // 188 * 188
        # Where each channel joined, for the benchmark's floor (the source's own delay).
        print(f"join ch={query.get('ch', [''])[0]} offset={offset} "
              f"tick_bytes={self.tick_bytes()}", flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "video/MP2T")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        per_tick = self.tick_bytes()
        start = time.monotonic()
        tick = 0
        try:
            while offset < len(self.data):
                self.wfile.write(self.data[offset:offset + per_tick])
                self.wfile.flush()
                offset += per_tick
                tick += 1
                # An absolute schedule: a late tick does not slow the stream down.
                delay = start + tick * TICK_S - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
        except (BrokenPipeError, ConnectionResetError):
            pass



class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 64


def serve(path, seconds):
    with open(path, "rb") as f:
        PacedTsHandler.data = f.read()
    PacedTsHandler.bytes_per_s = len(PacedTsHandler.data) / float(seconds)
    server = ThreadingServer(("127.0.0.1", 0), PacedTsHandler)
    print(f"port={server.server_address[1]}", flush=True)
    server.serve_forever()


# -- HTTP client helpers --------------------------------------------------------------------


class Client:
    """Keep-alive connections per host, like a player."""

    def __init__(self):
        self.connections = {}

    def get(self, url, timeout=30):
        parts = urllib.parse.urlsplit(url)
        conn = self.connections.get(parts.netloc)
        if conn is None:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
            self.connections[parts.netloc] = conn
        path = parts.path + ("?" + parts.query if parts.query else "")
        try:
            conn.request("GET", path, headers={"User-Agent": USER_AGENT})
            response = conn.getresponse()
        except (http.client.HTTPException, OSError):
            conn.close()
            del self.connections[parts.netloc]
            raise
        body = response.read()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), body


def playlist_uris(text):
    """Every URI a playlist names: its plain lines and URI="..." attributes, in order."""
    uris = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            uris += re.findall(r'URI="([^"]+)"', line)
        else:
            uris.append(line)
    return uris


def segment_uris(text):
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


# -- cold ----------------------------------------------------------------------------------


def cold(master_url):
    client = Client()
    start = time.monotonic()
    status, headers, body = client.get(master_url)
    master_s = time.monotonic() - start
    if status != 200:
        log(f"cold: {master_url} answered {status}: {body[:300]!r}")
        print(f"status={status}")
        return 1
    variants = segment_uris(body.decode())
    if not variants:
        log(f"cold: no variant in {body[:300]!r}")
        return 1
    media_url = urllib.parse.urljoin(master_url, variants[0])
    status, _, media = client.get(media_url)
    segments = segment_uris(media.decode()) if status == 200 else []
    if not segments:
        log(f"cold: {media_url} answered {status} with no segment: {media[:300]!r}")
        return 1
    status, _, segment = client.get(urllib.parse.urljoin(media_url, segments[0]))
    playable_s = time.monotonic() - start
    if status != 200 or not segment:
        log(f"cold: first segment {segments[0]} answered {status}")
        return 1
    print(f"status=200\nmaster_s={master_s:.3f}\nplayable_s={playable_s:.3f}")
    print(f"segments={len(segments)}\nsegment_bytes={len(segment)}\nmedia_url={media_url}")
    print(f"decision={headers.get('x-sluice-decision', '')}")
    return 0


# -- join ----------------------------------------------------------------------------------


class TsProbe:
    """Finds the video PID through PAT and PMT, then the first video packet with RAI set."""

    VIDEO_TYPES = {0x01, 0x02, 0x10, 0x1B, 0x24, 0x27}

    def __init__(self):
        self.buffer = b""
        self.pmt_pid = None
        self.video_pid = None
        self.first_pid = None
        self.first_video_rai = None  # was the first video PES start a random access point?
        self.keyframe = False

    def feed(self, data):
        self.buffer += data
        while len(self.buffer) >= 188 and not self.keyframe:
            packet, self.buffer = self.buffer[:188], self.buffer[188:]
            if packet[0] != 0x47:
                continue
            self.packet(packet)
        return self.keyframe

    def packet(self, p):
        pusi = p[1] & 0x40
        pid = ((p[1] & 0x1F) << 8) | p[2]
        afc = (p[3] >> 4) & 3
        if self.first_pid is None:
            self.first_pid = pid
        payload = 4
        rai = False
        if afc & 2:
            length = p[4]
            rai = length > 0 and bool(p[5] & 0x40)
            payload = 5 + length
        if not afc & 1 or payload >= 188:
            if pid == self.video_pid and rai:
                self.keyframe = True
            return
        body = p[payload:]
        if pid == 0 and pusi:
            section = body[1 + body[0]:]
            length = ((section[1] & 0x0F) << 8) | section[2]
            for i in range(8, 3 + length - 4, 4):
                program = (section[i] << 8) | section[i + 1]
                if program:
                    self.pmt_pid = ((section[i + 2] & 0x1F) << 8) | section[i + 3]
                    break
        elif pid == self.pmt_pid and pusi and self.video_pid is None:
            section = body[1 + body[0]:]
            length = ((section[1] & 0x0F) << 8) | section[2]
            info = ((section[10] & 0x0F) << 8) | section[11]
            i = 12 + info
            while i + 5 <= 3 + length - 4:
                stream_type = section[i]
                es_pid = ((section[i + 1] & 0x1F) << 8) | section[i + 2]
                if stream_type in self.VIDEO_TYPES:
                    self.video_pid = es_pid
                    break
                i += 5 + (((section[i + 3] & 0x0F) << 8) | section[i + 4])
        elif pid == self.video_pid and self.video_pid is not None:
            if pusi and self.first_video_rai is None:
                self.first_video_rai = rai
            if rai:
                self.keyframe = True


def join_once(url):
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.connect()
    probe = TsProbe()
    start = time.monotonic()
    conn.request("GET", parts.path, headers={"User-Agent": USER_AGENT})
    response = conn.getresponse()
    headers_s = time.monotonic() - start
    first_s = None
    key_s = None
    while key_s is None:
        data = response.read1(65536)
        if not data:
            break
        if first_s is None:
            first_s = time.monotonic() - start
        if probe.feed(data):
            key_s = time.monotonic() - start
    decision = response.getheader("X-Sluice-Decision", "")
    conn.close()
    if response.status != 200 or key_s is None:
        log(f"join: status {response.status}, no keyframe")
        return None
    return (headers_s, first_s, key_s, probe.first_pid == 0, bool(probe.first_video_rai),
            decision)


def join(url, count):
    for _ in range(int(count)):
        result = join_once(url)
        if result is None:
            return 1
        headers_s, first_s, key_s, pat_first, key_first, decision = result
        print(f"join headers_ms={headers_s * 1e3:.2f} first_byte_ms={first_s * 1e3:.2f} "
              f"keyframe_ms={key_s * 1e3:.2f} pat_first={int(pat_first)} "
              f"keyframe_first={int(key_first)} decision={decision}", flush=True)
        # Joins land anywhere in the GOP, as zapping viewers do.
        time.sleep(random.uniform(0.1, 0.4))
    return 0


# -- poll ----------------------------------------------------------------------------------


def poll(master_url, seconds):
    """A player: every target duration, each media playlist; every new segment, once."""
    client = Client()
    status, _, master = client.get(master_url)
    if status != 200:
        log(f"poll: {master_url} answered {status}")
        return 1
    medias = [urllib.parse.urljoin(master_url, u) for u in playlist_uris(master.decode())]
    seen = set()
    fetched = bytes_in = errors = 0
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        tick = time.monotonic()
        for media_url in medias:
            try:
                status, _, text = client.get(media_url)
            except (OSError, http.client.HTTPException):
                errors += 1
                continue
            if status != 200:
                errors += 1
                continue
            for uri in playlist_uris(text.decode()):
                url = urllib.parse.urljoin(media_url, uri)
                if url in seen:
                    continue
                seen.add(url)
                status, _, body = client.get(url)
                fetched += 1
                bytes_in += len(body)
                errors += status != 200
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    print(f"fetched={fetched}\nbytes={bytes_in}\nerrors={errors}")
    return 0


# -- snapshot ------------------------------------------------------------------------------


def snapshot(media_url, directory):
    """The media playlist and every file it names, for a static server to serve the same
    bytes under the same paths. Prints the newest segment's name."""
    client = Client()
    status, _, text = client.get(media_url)
    if status != 200:
        log(f"snapshot: {media_url} answered {status}")
        return 1
    os.makedirs(directory, exist_ok=True)
    name = os.path.basename(urllib.parse.urlsplit(media_url).path)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(text)
    for uri in playlist_uris(text.decode()):
        status, _, body = client.get(urllib.parse.urljoin(media_url, uri))
        if status != 200:
            log(f"snapshot: {uri} answered {status}")
            return 1
        with open(os.path.join(directory, os.path.basename(uri)), "wb") as f:
            f.write(body)
    segments = segment_uris(text.decode())
    newest = segments[-1]
    print(f"newest={newest}\nbytes={os.path.getsize(os.path.join(directory, newest))}")
    return 0


def main(argv):
    commands = {"serve": (serve, 2), "cold": (cold, 1), "join": (join, 2), "poll": (poll, 2),
                "snapshot": (snapshot, 2)}
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != commands[argv[1]][1]:
        log(__doc__ or "usage: engine_client.py serve|cold|join|poll|snapshot ARGS")
        return 2
    return commands[argv[1]][0](*argv[2:]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
