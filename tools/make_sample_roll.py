#!/usr/bin/env python3
"""Builds the sample camera roll: a year (2026) of a Lisbon phone owner's photos and videos, made
from real photos in the pinned packages (.deps/). The roll is OUT_DIR/roll/ (a phone's folder:
DCIM/Camera, Pictures/Screenshots) and its ground truth lies beside it, OUT_DIR/ground_truth.json,
with file paths relative to the roll.

    python3 tools/make_sample_roll.py OUT_DIR [--deps DIR] [--jobs N] [--force] [--no-verify]

Deterministic (same sources -> byte-identical files, mtimes included), idempotent (a roll whose
ground_truth.json has the same generator_version and source hashes is left alone) and atomic (built
in OUT_DIR.tmp-PID, then renamed). Python standard library only; shells out to vips, heif-enc,
exiftool, ffmpeg and ffprobe. See tools/README.md for the story the roll tells.
"""

import argparse
import concurrent.futures
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

GENERATOR_VERSION = 3
ROLL_DIR = "roll"  # the camera roll inside OUT_DIR; ground_truth.json sits beside it
SEED = 20260418
PROG = "make_sample_roll"

HOME = {"city": "Lisbon", "country_code": "PT", "lat": 38.7223, "lon": -9.1393}

# Places: centre, GPS jitter (degrees, lat and lon), altitude in metres.
PLACES = {
    "lisbon": dict(lat=38.7223, lon=-9.1393, jlat=0.01, jlon=0.01, alt=62),
    "evora": dict(lat=38.5714, lon=-7.9087, jlat=0.005, jlon=0.005, alt=301),
    "porto": dict(lat=41.1496, lon=-8.6109, jlat=0.01, jlon=0.01, alt=84),
    # The beach: jitter along the shore and inland only, never into the sea.
    "beach": dict(lat=38.6446, lon=-9.2386, jlat=0.004, jlon=0.0, jlon_east=0.002, alt=4),
    # Around Paris, within ~5 km of the centre.
    "paris": dict(lat=48.8566, lon=2.3522, jlat=0.03, jlon=0.04, alt=35),
}

# Daylight saving time in 2026 (EU rule): from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC.
DST_START = dt.datetime(2026, 3, 29, 1, 0)
DST_END = dt.datetime(2026, 10, 25, 1, 0)
ZONES = {"lisbon": (0, 60), "paris": (60, 120)}  # (standard, summer) offset in minutes

PIXEL = ("Google", "Pixel 8")
IPHONE = ("Apple", "iPhone 15")

WALL = "plasma-workspace-wallpapers/usr/share/wallpapers/{}/contents/images/2560x1600.jpg"
SKIMAGE = "deb/python3-skimage/usr/lib/python3/dist-packages/skimage/data/"
MATE = "deb/mate-backgrounds/usr/share/backgrounds/mate/"


def wall(name):
    return "deb/" + WALL.format(name)


def nature(name):
    return MATE + "nature/" + name + ".jpg"


def face(i):
    return "npm/face-api/demo/sample%d.jpg" % i


class Fail(Exception):
    pass


# --------------------------------------------------------------------------------------------
# The roll. Each shot: when (local wall clock + milliseconds), where, what, and how it is stored.
# --------------------------------------------------------------------------------------------

def shot(local, src, place, event=None, *, ms=0, gps=True, exif_offset=True, gps_time=False,
         fmt="jpeg", orientation=1, portrait=False, region=None, fx=0.5, fy=0.5, max_k=400,
         burst=None, blur=0.0, bright=1.0, shift=(0.0, 0.0), name=None, video=None, extra=()):
    return dict(local=dt.datetime.strptime(local, "%Y-%m-%d %H:%M:%S"), src=src, place=place,
                event=event, ms=ms, gps=gps, exif_offset=exif_offset, gps_time=gps_time, fmt=fmt,
                orientation=orientation, portrait=portrait, region=region, fx=fx, fy=fy,
                max_k=max_k, burst=burst, blur=blur, bright=bright, shift=shift, name=name,
                video=video, extra=list(extra))


def roll():
    shots = []
    add = shots.append
    # 1. Everyday at home, single photos, Feb-Nov.
    add(shot("2026-02-08 09:41:17", SKIMAGE + "coffee.png", "lisbon", ms=204))
    add(shot("2026-02-27 18:22:45", SKIMAGE + "chelsea.png", "lisbon", ms=880, gps=False))
    add(shot("2026-03-15 11:05:09", nature("YellowFlower"), "lisbon", ms=31, fx=0.6))
    add(shot("2026-04-04 16:30:52", nature("RainDrops"), "lisbon", ms=417))
    add(shot("2026-05-24 10:15:33", nature("LadyBird"), "lisbon", ms=650))
    add(shot("2026-06-06 19:40:05", nature("TwoWings"), "lisbon", ms=112, fx=0.7))
    add(shot("2026-08-22 08:55:41", nature("Blinds"), "lisbon", ms=943))
    add(shot("2026-11-14 12:30:27", wall("OneStandsOut"), "lisbon", ms=308, gps=False))
    # 2. Birthday party at home, Saturday evening; indoors, half of them without a GPS fix.
    for i, (t, ms, gps) in enumerate([("20:05:12", 345, True), ("20:31:48", 102, False),
                                      ("21:02:27", 760, True), ("21:34:05", 19, False),
                                      ("21:58:40", 533, True), ("22:27:13", 874, False)]):
        add(shot("2026-04-18 " + t, face(i + 1), "lisbon", "birthday", ms=ms, gps=gps,
                 fy=0.3))
    # 3. Day trip to Evora. GreenMeadow: no offset anywhere (floating local time).
    add(shot("2026-05-16 10:12:40", wall("Path"), "evora", "evora", ms=410, fx=0.3))
    add(shot("2026-05-16 12:02:18", nature("GreenMeadow"), "evora", "evora", ms=90,
             exif_offset=False))
    add(shot("2026-05-16 13:55:51", nature("Garden"), "evora", "evora", ms=600))
    add(shot("2026-05-16 15:48:07", nature("FreshFlower"), "evora", "evora", ms=275))
    # 4. Weekend in Porto: two HEICs from an iPhone, two JPEGs whose offset only GPS time gives,
    #    golden hour on Friday, a burst of five on Saturday.
    add(shot("2026-06-19 19:10:08", wall("Grey"), "porto", "porto", ms=512, exif_offset=False,
             gps_time=True, region=(1280, 320, 1280, 960)))
    add(shot("2026-06-19 21:05:33", wall("EveningGlow"), "porto", "porto", ms=221))
    add(shot("2026-06-20 10:22:41", SKIMAGE + "motorcycle_left.png", "porto", "porto", ms=207,
             fmt="heif", name="IMG_5120.HEIC"))
    burst_plan = [  # (second, ms, blur sigma, brightness, shift dx, dy in % of the crop)
        ("11:47:02", 105, 3.0, 1.04, (-1.6, 1.1)),
        ("11:47:03", 912, 4.5, 0.97, (2.4, -1.3)),
        ("11:47:05", 330, 0.0, 1.00, (1.2, -1.0)),  # the sharp one: best
        ("11:47:07", 4, 2.5, 0.95, (-2.8, 2.0)),
        ("11:47:09", 871, 5.0, 1.05, (2.9, 2.6)),
    ]
    for t, ms, blur, bright, (dx, dy) in burst_plan:
        add(shot("2026-06-20 " + t, wall("ColorfulCups"), "porto", "porto", ms=ms,
                 burst="porto-burst", blur=blur, bright=bright, shift=(dx / 100, dy / 100),
                 region=(320, 80, 1920, 1440)))
    add(shot("2026-06-20 13:31:20", MATE + "abstract/Elephants.jpg", "porto", "porto", ms=660,
             exif_offset=False, gps_time=True))
    add(shot("2026-06-21 14:06:55", nature("Wood"), "porto", "porto", ms=480, fmt="heif",
             name="IMG_5134.HEIC"))
    add(shot("2026-06-21 15:53:10", nature("Storm"), "porto", "porto", ms=17))
    # 5. Beach day at Costa da Caparica, with one MP4 (slow pan over the dunes).
    add(shot("2026-07-12 11:08:31", wall("BytheWater"), "beach", "beach", ms=840))
    add(shot("2026-07-12 12:41:15", nature("Dune"), "beach", "beach", ms=302, fx=0.0))
    add(shot("2026-07-12 13:20:04", nature("Dune"), "beach", "beach", ms=516, fmt="mp4",
             video=dict(duration=6, location=(38.6446, -9.2386), pan=+1,
                        crop=(0, 52, 1680, 945))))
    add(shot("2026-07-12 14:02:47", nature("Aqua"), "beach", "beach", ms=119, fx=0.55))
    add(shot("2026-07-12 14:55:09", wall("Kite"), "beach", "beach", ms=730, fx=0.75))
    add(shot("2026-07-12 15:48:33", wall("ColdRipple"), "beach", "beach", ms=402))
    # 6. Paris, Thursday to Sunday: one HEIC, two portraits stored rotated, one MOV.
    add(shot("2026-10-08 17:48:12", wall("FallenLeaf"), "paris", "paris", ms=250))
    add(shot("2026-10-08 19:31:40", wall("summer_1am"), "paris", "paris", ms=618))
    add(shot("2026-10-09 10:14:05", SKIMAGE + "astronaut.png", "paris", "paris", ms=903,
             portrait=True, orientation=6))
    add(shot("2026-10-09 11:52:30", SKIMAGE + "rocket.jpg", "paris", "paris", ms=77))
    add(shot("2026-10-09 13:40:02", SKIMAGE + "hubble_deep_field.jpg", "paris", "paris",
             ms=444))
    add(shot("2026-10-09 15:20:19", wall("Autumn"), "paris", "paris", ms=688, fmt="heif",
             name="IMG_5391.HEIC", fx=0.8))
    add(shot("2026-10-10 09:10:44", wall("DarkestHour"), "paris", "paris", ms=561))
    add(shot("2026-10-10 10:55:26", SKIMAGE + "camera.png", "paris", "paris", ms=138,
             portrait=True, orientation=8))
    # The tower's ironwork: the other half of the Grey photo taken in Porto.
    add(shot("2026-10-11 11:05:00", wall("Grey"), "paris", "paris", ms=0, fmt="mov",
             name="IMG_5402.MOV",
             video=dict(duration=3, location=(48.8584, 2.2945), pan=-1,
                        crop=(0, 440, 1280, 720))))
    # 7. A screenshot of a document, no metadata at all.
    add(shot("2026-05-03 10:12:55", SKIMAGE + "page.png", "lisbon", ms=0, fmt="png", gps=False,
             exif_offset=False, extra=[SKIMAGE + "text.png"]))
    return shots


EVENTS = [
    dict(id="birthday", trip=False, city="Lisbon", country_code="PT"),
    dict(id="evora", trip=False, city="Évora", country_code="PT"),
    dict(id="porto", trip=True, city="Porto", country_code="PT"),
    dict(id="beach", trip=False, city="Costa da Caparica", country_code="PT"),
    dict(id="paris", trip=True, city="Paris", country_code="FR"),
]


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def log(msg):
    print("%s: %s" % (PROG, msg), flush=True)


def offset_minutes(zone, local):
    std, summer = ZONES[zone]
    utc = local - dt.timedelta(minutes=std)
    return summer if DST_START <= utc < DST_END else std


def fmt_offset(minutes):
    sign = "+" if minutes >= 0 else "-"
    return "%s%02d:%02d" % (sign, abs(minutes) // 60, abs(minutes) % 60)


def iso6709(lat, lon):
    return "%+08.4f%+09.4f/" % (lat, lon)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run(cmd, what):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise Fail("%s: tool not found: %s" % (what, cmd[0]))
    if p.returncode != 0:
        raise Fail("%s: %s failed (exit %d)\n  command: %s\n  stderr: %s" % (
            what, cmd[0], p.returncode, " ".join(cmd),
            p.stderr.decode("utf-8", "replace").strip()[-2000:]))
    return p.stdout.decode("utf-8", "replace")


def image_info(path):
    """Width, height and number of bands of a PNG or JPEG, read from its header."""
    with open(path, "rb") as f:
        data = f.read(1 << 20)
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        bands = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}.get(data[25], 3)
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"), bands
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker = data[i + 1]
            if marker == 0xFF:
                i += 1
                continue
            length = int.from_bytes(data[i + 2:i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD,
                          0xCE, 0xCF):
                return (int.from_bytes(data[i + 7:i + 9], "big"),
                        int.from_bytes(data[i + 5:i + 7], "big"), data[i + 9])
            i += 2 + length
    raise Fail("cannot read the size of %s" % path)


# --------------------------------------------------------------------------------------------
# Planning: names, times, GPS, crops
# --------------------------------------------------------------------------------------------

def plan(shots, deps):
    files = []
    sizes = {}
    for s in shots:
        zone = "paris" if s["place"] == "paris" else "lisbon"
        off = offset_minutes(zone, s["local"])
        s["offset_min"] = off
        s["utc"] = s["local"] - dt.timedelta(minutes=off) + dt.timedelta(milliseconds=s["ms"])
        stamp = s["local"].strftime("%Y%m%d_%H%M%S") + "%03d" % s["ms"]
        if s["fmt"] == "png":
            s["file"] = "Pictures/Screenshots/Screenshot_%s.png" % s["local"].strftime(
                "%Y%m%d-%H%M%S")
        elif s["name"]:
            s["file"] = "DCIM/Camera/" + s["name"]
        elif s["fmt"] == "mp4":
            s["file"] = "DCIM/Camera/VID_%s.mp4" % stamp
        else:
            s["file"] = "DCIM/Camera/PXL_%s.jpg" % stamp
        s["camera"] = IPHONE if s["fmt"] in ("heif", "mov") else PIXEL
        # GPS with a per-file seeded jitter.
        if s["video"]:
            s["gps_pos"] = s["video"]["location"]
        elif s["gps"]:
            p = PLACES[s["place"]]
            # A burst is shot from one spot: one position for all of it, then a few metres.
            r = random.Random("%d:%s" % (SEED, s["burst"] or s["file"]))
            lat = p["lat"] + r.uniform(-p["jlat"], p["jlat"])
            lon = p["lon"] + r.uniform(-p["jlon"], p["jlon"]) + r.uniform(0, p.get("jlon_east", 0))
            if s["burst"]:
                r = random.Random("%d:%s" % (SEED, s["file"]))
                lat += r.uniform(-2e-5, 2e-5)
                lon += r.uniform(-2e-5, 2e-5)
            s["gps_pos"] = (round(lat, 5), round(lon, 5))
        else:
            s["gps_pos"] = None
        if s["fmt"] in ("jpeg", "heif"):
            if s["src"] not in sizes:
                sizes[s["src"]] = image_info(os.path.join(deps, s["src"]))
            w, h, s["bands"] = sizes[s["src"]]
            plan_crop(s, (w, h))
        elif s["fmt"] == "png":
            s["size"] = (1170, 2532)
        else:
            s["size"] = (1280, 720)
        files.append(s)
    names = [s["file"] for s in files]
    if len(set(names)) != len(names):
        raise Fail("internal: duplicate file names")
    check_story(files)
    return files


def plan_crop(s, src_size):
    """Crop rectangle (x, y, w, h) at 4:3 or 3:4 and the output size (never upscaled)."""
    sw, sh = src_size
    rx, ry, rw, rh = s["region"] or (0, 0, sw, sh)
    aw, ah = (3, 4) if s["portrait"] else (4, 3)
    k = min(rw // aw, rh // ah)
    k -= k % 2  # even output sizes (HEIC-friendly)
    cw, ch = aw * k, ah * k
    cx = rx + int(round((rw - cw) * s["fx"]))
    cy = ry + int(round((rh - ch) * s["fy"]))
    dx, dy = s["shift"]
    cx += int(round(dx * cw))
    cy += int(round(dy * ch))
    if cx < 0 or cy < 0 or cx + cw > sw or cy + ch > sh:
        raise Fail("internal: crop of %s outside the source" % s["src"])
    s["crop"] = (cx, cy, cw, ch)
    ok = min(k, s["max_k"])
    s["size"] = (aw * ok, ah * ok)  # upright display size


def check_story(files):
    """The rules of the story: 12 h between events/everyday photos, gaps <= 2 h inside an event
    (trips may sleep), bursts within 8 s."""
    order = sorted(files, key=lambda s: s["utc"])
    twelve = dt.timedelta(hours=12)
    for a in order:
        for b in order:
            if a is b:
                continue
            if a["event"] is None or a["event"] != b["event"]:
                if abs(a["utc"] - b["utc"]) < twelve:
                    raise Fail("internal: %s and %s are less than 12 h apart" % (a["file"],
                                                                                b["file"]))
    trips = {e["id"]: e["trip"] for e in EVENTS}
    for ev in trips:
        m = [s for s in order if s["event"] == ev]
        for a, b in zip(m, m[1:]):
            gap = b["utc"] - a["utc"]
            if gap > dt.timedelta(hours=2) and not (trips[ev] and a["local"].date() !=
                                                    b["local"].date()):
                raise Fail("internal: gap of %s inside %s" % (gap, ev))
    bursts = [s for s in order if s["burst"]]
    if bursts and bursts[-1]["utc"] - bursts[0]["utc"] > dt.timedelta(seconds=8):
        raise Fail("internal: burst longer than 8 s")


# --------------------------------------------------------------------------------------------
# Rendering (vips, heif-enc, ffmpeg)
# --------------------------------------------------------------------------------------------

def render_photo(s, deps, work, out_dir):
    src = os.path.join(deps, s["src"])
    base = os.path.join(work, os.path.basename(s["file"]).replace(".", "_"))
    what = "render %s from %s" % (s["file"], s["src"])
    cx, cy, cw, ch = s["crop"]
    w, h = s["size"]
    ops = [["crop", str(cx), str(cy), str(cw), str(ch)]]
    if s["bands"] in (2, 4):
        ops.append(["flatten", "--background", "255"])
    if s["bands"] in (1, 2):
        ops.append(["colourspace", "srgb"])
    if (w, h) != (cw, ch):
        ops.append(["thumbnail_image", str(w), "--height", str(h), "--size", "down",
                    "--crop", "centre", "--no-rotate"])
    if s["blur"] > 0:
        ops.append(["gaussblur", "%g" % s["blur"]])
    if s["bright"] != 1.0:
        ops.append(["linear", "%g" % s["bright"], "0", "--uchar"])
    # Stored rotated so that applying the EXIF orientation gives the upright picture.
    rot = {6: "d270", 8: "d90", 3: "d180"}.get(s["orientation"])
    if rot:
        ops.append(["rot", rot])
    dest = os.path.join(out_dir, s["file"])
    final = dest + "[Q=90,strip]" if s["fmt"] == "jpeg" else base + ".png[strip,compression=1]"
    cur = src
    for i, op in enumerate(ops):
        nxt = final if i == len(ops) - 1 else "%s_%d.v" % (base, i)
        run(["vips", op[0], cur, nxt] + op[1:], what)
        cur = nxt
    if s["fmt"] == "heif":
        run(["heif-enc", "-q", "60", "-o", dest, base + ".png"], what)


def render_screenshot(s, deps, work, out_dir):
    """An iPhone-sized (1170x2532) screen of a document reader: status bar, app bar, the page."""
    src = os.path.join(deps, s["src"])
    what = "render %s from %s" % (s["file"], s["src"])
    b = os.path.join(work, "shot_")
    w, h = s["size"]
    run(["vips", "black", b + "black.v", str(w), str(h), "--bands", "3"], what)
    run(["vips", "linear", b + "black.v", b + "bg.v", "0", "255", "--uchar"], what)
    run(["vips", "black", b + "bar0.v", str(w), "140", "--bands", "3"], what)
    run(["vips", "linear", b + "bar0.v", b + "status.v", "0", "242", "--uchar"], what)
    run(["vips", "black", b + "bar1.v", str(w), "170", "--bands", "3"], what)
    run(["vips", "linear", b + "bar1.v", b + "appbar.v", "0 0 0", "38 92 190", "--uchar"], what)
    run(["vips", "resize", src, b + "page1.v", "3"], what)
    run(["vips", "colourspace", b + "page1.v", b + "page.v", "srgb"], what)
    run(["vips", "insert", b + "bg.v", b + "status.v", b + "s1.v", "0", "0"], what)
    run(["vips", "insert", b + "s1.v", b + "appbar.v", b + "s2.v", "0", "140"], what)
    run(["vips", "insert", b + "s2.v", b + "page.v", b + "s3.v", "9", "380"], what)
    # A figure further down the page: the photo of a notebook (text.png).
    fig = os.path.join(deps, s["extra"][0])
    run(["vips", "resize", fig, b + "fig1.v", "2.5"], what)
    run(["vips", "colourspace", b + "fig1.v", b + "fig.v", "srgb"], what)
    run(["vips", "insert", b + "s3.v", b + "fig.v", os.path.join(out_dir, s["file"]) +
         "[strip,compression=6]", "25", "1030"], what)


def render_video(s, deps, work, out_dir):
    src = os.path.join(deps, s["src"])
    v = s["video"]
    fps = 30
    n = v["duration"] * fps
    # 16:9 crop of the still at 2560x1440, then a slow zoom with a sideways drift.
    pan = v["pan"]
    x_expr = "(iw-iw/zoom)/2+%d*on*(iw-iw/zoom)/(2*%d)" % (pan, n)
    cw, ch, cx, cy = v["crop"][2], v["crop"][3], v["crop"][0], v["crop"][1]
    vf = ("crop=%d:%d:%d:%d,scale=2560:1440,format=rgb24," % (cw, ch, cx, cy) +
          "zoompan=z='1.1+0.15*on/%d':x='%s':y='(ih-ih/zoom)/2':d=%d:s=1280x720:fps=%d,"
          "format=yuv420p" % (n, x_expr, n, fps))
    utc = s["utc"].replace(microsecond=0)
    lat, lon = v["location"]
    cmd = ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", src, "-vf", vf, "-frames:v", str(n),
           "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "24", "-threads", "2",
           "-g", "30", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
           "-metadata", "creation_time=" + utc.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
           "-metadata", "location=" + iso6709(lat, lon)]
    if s["fmt"] == "mov":
        local = s["local"].strftime("%Y-%m-%dT%H:%M:%S") + fmt_offset(s["offset_min"]).replace(
            ":", "")
        cmd += ["-movflags", "use_metadata_tags",
                "-metadata", "com.apple.quicktime.creationdate=" + local,
                "-metadata", "com.apple.quicktime.location.ISO6709=" + iso6709(lat, lon),
                "-metadata", "com.apple.quicktime.make=" + s["camera"][0],
                "-metadata", "com.apple.quicktime.model=" + s["camera"][1]]
    else:
        cmd += ["-movflags", "+faststart"]
    cmd.append(os.path.join(out_dir, s["file"]))
    run(cmd, "render %s from %s" % (s["file"], s["src"]))


# --------------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------------

def exif_args(s):
    a = ["-overwrite_original"]
    local = s["local"].strftime("%Y:%m:%d %H:%M:%S")
    a += ["-DateTimeOriginal=" + local, "-CreateDate=" + local, "-ModifyDate=" + local,
          "-SubSecTimeOriginal=%03d" % s["ms"], "-SubSecTimeDigitized=%03d" % s["ms"]]
    if s["exif_offset"]:
        off = fmt_offset(s["offset_min"])
        a += ["-OffsetTimeOriginal=" + off, "-OffsetTimeDigitized=" + off, "-OffsetTime=" + off]
    a += ["-Make=" + s["camera"][0], "-Model=" + s["camera"][1],
          "-Orientation#=%d" % s["orientation"], "-ColorSpace#=1"]
    if s["gps_pos"]:
        lat, lon = s["gps_pos"]
        a += ["-GPSLatitude=%.5f" % abs(lat), "-GPSLatitudeRef=" + ("N" if lat >= 0 else "S"),
              "-GPSLongitude=%.5f" % abs(lon), "-GPSLongitudeRef=" + ("E" if lon >= 0 else "W"),
              "-GPSAltitude=%d" % PLACES[s["place"]]["alt"], "-GPSAltitudeRef#=0"]
        if s["gps_time"]:
            utc = s["utc"]
            a += ["-GPSDateStamp=" + utc.strftime("%Y:%m:%d"),
                  "-GPSTimeStamp=" + utc.strftime("%H:%M:%S")]
    return a


def write_metadata(photos, out_dir, work):
    argfile = os.path.join(work, "exiftool.args")
    with open(argfile, "w", encoding="utf-8") as f:
        for s in photos:
            for arg in exif_args(s) + [os.path.join(out_dir, s["file"]), "-execute"]:
                f.write(arg + "\n")
    out = run(["exiftool", "-charset", "filename=utf8", "-@", argfile], "exiftool (write EXIF)")
    updated = sum(int(line.split()[0]) for line in out.splitlines()
                  if "image files updated" in line)
    if updated != len(photos):
        raise Fail("exiftool updated %d of %d files:\n%s" % (updated, len(photos), out))


# --------------------------------------------------------------------------------------------
# Ground truth and self-check
# --------------------------------------------------------------------------------------------

def ground_truth(files, sources):
    out = {"generator_version": GENERATOR_VERSION, "sources_sha256": sources, "home": HOME,
           "files": [], "events": [], "bursts": []}
    order = sorted(files, key=lambda s: (s["utc"], s["file"]))
    for s in order:
        kind = {"mp4": "video", "mov": "video", "png": "screenshot"}.get(s["fmt"], "photo")
        if s["fmt"] == "png":
            offset, source = None, None
        elif s["fmt"] == "mp4":
            offset, source = fmt_offset(s["offset_min"]), "neighbours"
        elif s["fmt"] == "mov":
            offset, source = fmt_offset(s["offset_min"]), "video"
        elif s["exif_offset"]:
            offset, source = fmt_offset(s["offset_min"]), "exif"
        elif s["gps_time"]:
            offset, source = fmt_offset(s["offset_min"]), "gps"
        else:
            # The file has a floating local time; the photos around it tell the real offset.
            offset, source = fmt_offset(s["offset_min"]), "neighbours"
        e = {"file": s["file"], "kind": kind, "format": s["fmt"],
             "taken_local": s["local"].strftime("%Y-%m-%dT%H:%M:%S"), "offset": offset,
             "offset_source": source,
             "gps": list(s["gps_pos"]) if s["gps_pos"] else None,
             "orientation": s["orientation"], "width": s["size"][0], "height": s["size"][1]}
        if kind == "video":
            e["duration_s"] = float(s["video"]["duration"])
        e.update({"event": s["event"], "burst": s["burst"], "source": s["src"]})
        out["files"].append(e)
    for ev in EVENTS:
        m = [s for s in order if s["event"] == ev["id"]]
        out["events"].append(dict(ev, start_local=m[0]["local"].strftime("%Y-%m-%dT%H:%M:%S"),
                                  end_local=m[-1]["local"].strftime("%Y-%m-%dT%H:%M:%S"),
                                  members=[s["file"] for s in m]))
    for bid in sorted({s["burst"] for s in order if s["burst"]}):
        m = [s for s in order if s["burst"] == bid]
        best = [s for s in m if s["blur"] == 0]
        out["bursts"].append({"id": bid, "members": [s["file"] for s in m],
                              "best": best[0]["file"]})
    return out


def verify(gt, out_dir):
    """Reads the files back with exiftool and ffprobe and compares them with the ground truth."""
    entries = {e["file"]: e for e in gt["files"]}
    paths = [os.path.join(out_dir, f) for f in entries]
    out = run(["exiftool", "-j", "-n", "-G", "-a", "-charset", "filename=utf8",
               "-EXIF:all", "-File:ImageWidth", "-File:ImageHeight", "-QuickTime:ImageWidth",
               "-QuickTime:ImageHeight", "-Composite:ImageSize"] + paths, "exiftool (verify)")
    problems = []
    for r in json.loads(out):
        rel = os.path.relpath(r["SourceFile"], out_dir).replace(os.sep, "/")
        e = entries[rel]

        def want(tag, value):
            got = r.get(tag)
            if isinstance(value, float) and isinstance(got, (int, float)):
                if abs(got - value) > 2e-6:
                    problems.append("%s: %s is %r, want %r" % (rel, tag, got, value))
            elif got != value:
                problems.append("%s: %s is %r, want %r" % (rel, tag, got, value))

        if e["kind"] == "video":
            continue
        if e["kind"] == "screenshot":
            exif = [k for k in r if k.startswith("EXIF:")]
            if exif:
                problems.append("%s: screenshot carries EXIF %s" % (rel, exif))
            w, h = (int(x) for x in r["Composite:ImageSize"].split())
            if (w, h) != (e["width"], e["height"]):
                problems.append("%s: size %dx%d" % (rel, w, h))
            continue
        want("EXIF:DateTimeOriginal", e["taken_local"].replace("-", ":").replace("T", " "))
        want("EXIF:OffsetTimeOriginal", e["offset"] if e["offset_source"] == "exif" else None)
        want("EXIF:Orientation", e["orientation"])
        if e["gps"]:
            want("EXIF:GPSLatitude", abs(e["gps"][0]))
            want("EXIF:GPSLongitude", abs(e["gps"][1]))
            want("EXIF:GPSLatitudeRef", "N" if e["gps"][0] >= 0 else "S")
            want("EXIF:GPSLongitudeRef", "E" if e["gps"][1] >= 0 else "W")
        else:
            want("EXIF:GPSLatitude", None)
        if e["offset_source"] != "gps":
            want("EXIF:GPSTimeStamp", None)
        w, h = (int(x) for x in r["Composite:ImageSize"].split())
        if e["orientation"] in (5, 6, 7, 8):
            w, h = h, w
        if (w, h) != (e["width"], e["height"]):
            problems.append("%s: display size %dx%d, want %dx%d" % (rel, w, h, e["width"],
                                                                   e["height"]))
    for rel, e in entries.items():
        if e["kind"] != "video":
            continue
        p = json.loads(run(["ffprobe", "-v", "error", "-of", "json", "-show_entries",
                            "format=duration:format_tags:stream=codec_name,width,height,pix_fmt",
                            os.path.join(out_dir, rel)], "ffprobe (verify)"))
        tags = p["format"].get("tags", {})
        st = p["streams"][0]
        if (st["codec_name"], st["width"], st["height"], st["pix_fmt"]) != (
                "h264", e["width"], e["height"], "yuv420p"):
            problems.append("%s: stream %r" % (rel, st))
        if abs(float(p["format"]["duration"]) - e["duration_s"]) > 0.05:
            problems.append("%s: duration %s" % (rel, p["format"]["duration"]))
        if tags.get("location") != iso6709(*e["gps"]):
            problems.append("%s: location %r" % (rel, tags.get("location")))
        if "creation_time" not in tags:
            problems.append("%s: no creation_time" % rel)
        if e["offset_source"] == "video":
            if "com.apple.quicktime.creationdate" not in tags:
                problems.append("%s: no com.apple.quicktime.creationdate" % rel)
    if problems:
        raise Fail("verification failed:\n  " + "\n  ".join(problems))


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def main():
    t0 = time.monotonic()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--deps", default=os.environ.get("CAMROLL_DEPS_DIR") or
                    os.path.join(repo, ".deps"),
                    help="unpacked pinned packages (default $CAMROLL_DEPS_DIR or <repo>/.deps)")
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--force", action="store_true", help="regenerate even when up to date")
    ap.add_argument("--no-verify", action="store_true", help="skip reading the files back")
    args = ap.parse_args()
    deps = os.path.abspath(args.deps)
    out_dir = os.path.abspath(args.out_dir)

    shots = roll()
    srcs = sorted({p for s in shots for p in [s["src"]] + s["extra"]})
    missing = [p for p in srcs if not os.path.isfile(os.path.join(deps, p)) or
               os.path.getsize(os.path.join(deps, p)) == 0]
    if missing:
        raise Fail("missing source photos under %s (run scripts/fetch-packages.sh):\n  %s" % (
            deps, "\n  ".join(missing)))
    sources = {p: sha256_file(os.path.join(deps, p)) for p in srcs}
    log("sources: %d files hashed under %s" % (len(sources), deps))

    gt_path = os.path.join(out_dir, "ground_truth.json")
    if not args.force and os.path.isfile(gt_path):
        try:
            with open(gt_path, encoding="utf-8") as f:
                old = json.load(f)
            if (old.get("generator_version") == GENERATOR_VERSION and
                    old.get("sources_sha256") == sources and
                    all(os.path.isfile(os.path.join(out_dir, ROLL_DIR, e["file"]))
                        for e in old.get("files", []))):
                log("up to date: %s (%.2f s)" % (out_dir, time.monotonic() - t0))
                return 0
        except (OSError, ValueError, KeyError, TypeError):
            pass
    if os.path.exists(out_dir) and not os.path.isfile(gt_path) and (
            not os.path.isdir(out_dir) or os.listdir(out_dir)):
        raise Fail("%s exists and is not a sample roll (no ground_truth.json): not replacing it"
                   % out_dir)

    for tool in ("vips", "vipsheader", "heif-enc", "exiftool", "ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            raise Fail("tool not found: %s (scripts/setup.sh installs it)" % tool)

    files = plan(shots, deps)
    log("plan: %d files, %d events" % (len(files), len(EVENTS)))

    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    tmp = "%s.tmp-%d" % (out_dir, os.getpid())
    shutil.rmtree(tmp, ignore_errors=True)
    work = tempfile.mkdtemp(prefix="camroll-roll-")
    tmp_roll = os.path.join(tmp, ROLL_DIR)
    try:
        for d in sorted({os.path.dirname(s["file"]) for s in files}):
            os.makedirs(os.path.join(tmp_roll, d), exist_ok=True)
        # Slow jobs first: videos and HEICs.
        jobs = sorted(files, key=lambda s: (s["fmt"] not in ("mp4", "mov", "heif"), s["file"]))
        renderers = {"jpeg": render_photo, "heif": render_photo, "png": render_screenshot,
                     "mp4": render_video, "mov": render_video}
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = [pool.submit(renderers[s["fmt"]], s, deps, work, tmp_roll) for s in jobs]
            try:
                for fut in futures:
                    fut.result()
            except BaseException:
                for fut in futures:
                    fut.cancel()  # stop at the first failure; running jobs finish
                raise
        counts = {}
        for s in files:
            counts[s["fmt"]] = counts.get(s["fmt"], 0) + 1
        log("render: %s (%.1f s)" % (", ".join("%d %s" % (n, k) for k, n in sorted(
            counts.items())), time.monotonic() - t0))

        photos = [s for s in files if s["fmt"] in ("jpeg", "heif")]
        write_metadata(photos, tmp_roll, work)
        log("metadata: EXIF written to %d photos (%.1f s)" % (len(photos),
                                                              time.monotonic() - t0))

        gt = ground_truth(files, sources)
        with open(os.path.join(tmp, "ground_truth.json"), "w", encoding="utf-8") as f:
            json.dump(gt, f, indent=2, ensure_ascii=False)
            f.write("\n")
        if not args.no_verify:
            verify(gt, tmp_roll)
            log("verify: tags read back as the ground truth says (%.1f s)" % (
                time.monotonic() - t0))

        # Phones set each file's mtime to its capture instant.
        epoch = dt.datetime(1970, 1, 1)
        last = 0
        for s in files:
            ns = int((s["utc"] - epoch).total_seconds() * 1000) * 1000000
            os.utime(os.path.join(tmp_roll, s["file"]), ns=(ns, ns))
            last = max(last, ns)
        os.utime(os.path.join(tmp, "ground_truth.json"), ns=(last, last))

        old = None
        if os.path.exists(out_dir):
            old = "%s.old-%d" % (out_dir, os.getpid())
            os.rename(out_dir, old)
        os.rename(tmp, out_dir)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    by_kind = {}
    for e in gt["files"]:
        by_kind[e["kind"]] = by_kind.get(e["kind"], 0) + 1
    log("done: %s in %s (%.1f s)" % (", ".join("%d %s" % (n, k) for k, n in sorted(
        by_kind.items())), out_dir, time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Fail as e:
        print("%s: error: %s" % (PROG, e), file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
