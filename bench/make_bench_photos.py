#!/usr/bin/env python3
"""Makes N phone-like 12 MP JPEGs (4032x3024, sensor grain, quality 92, 4:2:0, EXIF of a phone
with time and GPS) from the real photos in the pinned packages, for the scan benchmark.

    python3 bench/make_bench_photos.py OUT_DIR [--count N] [--deps DIR]

Deterministic and idempotent: an OUT_DIR holding the N files of the same recipe is left alone.
"""

import argparse
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile

RECIPE = 2  # bump when the output changes
WIDTH, HEIGHT = 4032, 3024


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.exit("make_bench_photos: %s failed:\n%s" % (" ".join(cmd), r.stderr))
    return r.stdout


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--count", type=int, default=48)
    ap.add_argument("--deps", default=os.environ.get("CAMROLL_DEPS_DIR") or os.path.join(repo, ".deps"))
    args = ap.parse_args()
    sources = sorted(p for p in glob.glob(os.path.join(
        args.deps, "deb/plasma-workspace-wallpapers/usr/share/wallpapers/*/contents/images/2560x1600.jpg"))
        if os.path.getsize(p) > 0)
    sources += sorted(glob.glob(os.path.join(args.deps, "deb/mate-backgrounds/usr/share/backgrounds/mate/nature/*.jpg")))
    if not sources:
        sys.exit("make_bench_photos: no source photos under %s (run scripts/fetch-packages.sh)" % args.deps)
    stamp = os.path.join(args.out_dir, "recipe.json")
    want = {"recipe": RECIPE, "count": args.count, "sources": [os.path.basename(os.path.dirname(os.path.dirname(p)))
                                                               + "/" + os.path.basename(p) for p in sources]}
    if os.path.isfile(stamp):
        with open(stamp) as f:
            if json.load(f) == want:
                print("make_bench_photos: up to date: %s" % args.out_dir)
                return
    os.makedirs(args.out_dir, exist_ok=True)
    for old in glob.glob(os.path.join(args.out_dir, "*.jpg")):
        os.remove(old)
    exif_args = []
    with tempfile.TemporaryDirectory() as work:
        for i in range(args.count):
            src = sources[i % len(sources)]
            variant = i // len(sources)
            name = os.path.join(args.out_dir, "PXL_2026%02d%02d_%06d.jpg" % (1 + i % 12, 1 + i % 28, 100000 + i))
            big = os.path.join(work, "big.v")
            w, h = map(int, run(["vipsheader", "-f", "width", src]).split() + run(["vipsheader", "-f", "height", src]).split())
            scale = max(WIDTH / w, HEIGHT / h) * (1.0 + 0.05 * variant)
            run(["vips", "resize", src, big, "%.6f" % scale, "--kernel", "lanczos3"])
            bw = int(run(["vipsheader", "-f", "width", big]))
            bh = int(run(["vipsheader", "-f", "height", big]))
            left = (bw - WIDTH) * (variant % 3) // 2
            top = (bh - HEIGHT) // 2
            crop = os.path.join(work, "crop.v")
            run(["vips", "crop", big, crop, str(left), str(top), str(WIDTH), str(HEIGHT)])
            if variant % 2:
                run(["vips", "flip", crop, os.path.join(work, "flip.v"), "horizontal"])
                os.replace(os.path.join(work, "flip.v"), crop)
            # Sensor grain: a phone photo's fine noise is what makes its JPEG big and slow to decode.
            noise = os.path.join(work, "noise.v")
            run(["vips", "gaussnoise", noise, str(WIDTH), str(HEIGHT), "--sigma", "5", "--mean", "0",
                 "--seed", str(1000 + i)])
            grainy = os.path.join(work, "grainy.v")
            run(["vips", "add", crop, noise, grainy])
            run(["vips", "cast", grainy, name + "[Q=92,strip,subsample-mode=on]", "uchar"])
            exif_args += ["-DateTimeOriginal=2026:%02d:%02d 12:%02d:00" % (1 + i % 12, 1 + i % 28, i % 60),
                          "-OffsetTimeOriginal=+01:00", "-Make=Google", "-Model=Pixel 8",
                          "-GPSLatitude=%.5f" % (38.70 + 0.001 * i), "-GPSLatitudeRef=N",
                          "-GPSLongitude=%.5f" % (9.13 + 0.001 * i), "-GPSLongitudeRef=W",
                          "-Orientation#=1", "-overwrite_original", name, "-execute"]
        argfile = os.path.join(work, "args")
        with open(argfile, "w") as f:
            f.write("\n".join(exif_args) + "\n")
        run(["exiftool", "-q", "-@", argfile])
    with open(stamp, "w") as f:
        json.dump(want, f)
    total = sum(os.path.getsize(p) for p in glob.glob(os.path.join(args.out_dir, "*.jpg")))
    print("make_bench_photos: %d photos, %.1f MB each on average, in %s" % (
        args.count, total / args.count / 1e6, args.out_dir))


if __name__ == "__main__":
    main()
