#!/usr/bin/env python3
"""Judges a trained model's swaps on real clips with Doppel's own tools (issue 13's figures).

    training/swap_report.py --model work/g5 --clip bbaf=clips/bbaf2n.mpg --clip brbk=... \
        --clip stranger:sbwe=clips/sbwe5n.mpg --out work/report

For every clip and every identity of the model other than the clip's own, runs
`doppel swap CLIP --model MODEL --to TARGET` with the identity guard on (no --faces) and
records whether it swapped; a clip named `stranger:NAME` is someone the model never saw, whose
faces the guard should leave alone. For swaps of the model's own people it measures, on the
output against the driving clip (landmarks from `doppel faces --json`, pixels decoded by the
ffmpeg CLI):
- detail: variance of the Laplacian of the inner face (central 60% of the face box) over the
  input's, every 10th frame (1.0 = as sharp as the input);
- expression: Pearson correlation over time of the mouth opening (inner-lip gap / face height,
  mesh points 13-14 over 10-152);
- blink: frame of the deepest eye closing (mean of mesh 159-145 and 386-374 over face height)
  in the output and in the input;
- flicker: mean absolute change between consecutive frames inside the inner face, in 8-bit
  grey levels, on the input's least-moving second, output and input.
Needs numpy and the ffmpeg CLI; writes OUT/report.json and prints a table."""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

MOUTH = (13, 14)
FACE_HEIGHT = (10, 152)
EYES = ((159, 145), (386, 374))


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    return r


def frames(path):
    """Grey frames (N x H x W, float) of a video, decoded by the ffmpeg CLI."""
    probe = json.loads(run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                            "stream=width,height", "-of", "json", path]).stdout)
    w, h = probe["streams"][0]["width"], probe["streams"][0]["height"]
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-fps_mode", "passthrough",
                          "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w).astype(np.float64)


def faces(doppel, path, out):
    """First face of each frame from `doppel faces --json` (None where there is none)."""
    run([doppel, "faces", path, "--json", out, "-q"])
    rows = []
    with open(out) as f:
        for line in f:
            fs = json.loads(line)["faces"]
            rows.append(fs[0] if fs else None)
    return rows


def ratio(face, a, b):
    p = np.asarray(face["landmarks"])
    height = np.linalg.norm(p[FACE_HEIGHT[0]][:2] - p[FACE_HEIGHT[1]][:2])
    return np.linalg.norm(p[a][:2] - p[b][:2]) / max(height, 1e-6)


def inner_box(face, shape):
    x, y, w, h = face["box"]
    x0, y0 = int(x + 0.2 * w), int(y + 0.2 * h)
    x1, y1 = int(x + 0.8 * w), int(y + 0.8 * h)
    return max(0, y0), min(shape[0], y1), max(0, x0), min(shape[1], x1)


def laplacian_var(img):
    lap = (-4 * img[1:-1, 1:-1] + img[:-2, 1:-1] + img[2:, 1:-1] + img[1:-1, :-2]
           + img[1:-1, 2:])
    return float(lap.var())


def measure(doppel, clip, output, work):
    src_faces = faces(doppel, clip, os.path.join(work, "in.jsonl"))
    out_faces = faces(doppel, output, os.path.join(work, "out.jsonl"))
    src, out = frames(clip), frames(output)
    n = min(len(src), len(out), len(src_faces), len(out_faces))
    both = [i for i in range(n) if src_faces[i] and out_faces[i]]
    detail = []
    for i in both[::10]:
        y0, y1, x0, x1 = inner_box(src_faces[i], src[i].shape)
        v_in = laplacian_var(src[i][y0:y1, x0:x1])
        if v_in > 0:
            detail.append(laplacian_var(out[i][y0:y1, x0:x1]) / v_in)
    mouth_in = np.array([ratio(src_faces[i], *MOUTH) for i in both])
    mouth_out = np.array([ratio(out_faces[i], *MOUTH) for i in both])
    eyes_in = np.array([np.mean([ratio(src_faces[i], *e) for e in EYES]) for i in both])
    eyes_out = np.array([np.mean([ratio(out_faces[i], *e) for e in EYES]) for i in both])
    corr = float(np.corrcoef(mouth_in, mouth_out)[0, 1]) if len(both) > 2 else float("nan")
    # the least-moving second of the input: smallest mean landmark motion over 25 frames
    motion = [np.abs(np.asarray(src_faces[both[k]]["landmarks"])[:, :2]
                     - np.asarray(src_faces[both[k - 1]]["landmarks"])[:, :2]).mean()
              for k in range(1, len(both))]
    window = min(25, len(motion))
    start = int(np.argmin(np.convolve(motion, np.ones(window), "valid"))) if motion else 0
    idx = both[start:start + window + 1]
    y0, y1, x0, x1 = inner_box(src_faces[idx[0]], src[0].shape)

    def flicker(v):
        return float(np.mean([np.abs(v[b][y0:y1, x0:x1] - v[a][y0:y1, x0:x1]).mean()
                              for a, b in zip(idx, idx[1:])]))

    return {"frames": n, "frames_with_faces": len(both),
            "detail_ratio": round(float(np.mean(detail)), 3) if detail else None,
            "mouth_correlation": round(corr, 3),
            "blink_frame_input": both[int(np.argmin(eyes_in))],
            "blink_frame_output": both[int(np.argmin(eyes_out))],
            "flicker_output": round(flicker(out), 2), "flicker_input": round(flicker(src), 2),
            "flicker_window_start": both[start]}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--doppel", default=os.path.join(here, "..", "bin", "doppel"))
    p.add_argument("--model", required=True, help="a trained model's prefix")
    p.add_argument("--clip", action="append", required=True,
                   help="NAME=CLIP for a clip of the model's identity NAME, or stranger:NAME=CLIP")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    card = open(args.model + ".md").read()
    identities = None
    for line in card.splitlines():
        if line.startswith("# ") and "identities, " in line:
            identities = line.split("identities, ", 1)[1].split(", ")
        elif line.startswith("# ") and "pair model" in line:
            identities = line.split("pair model ", 1)[1].split(" <-> ")
    if not identities:
        raise SystemExit(f"{args.model}.md does not name the model's identities")
    results = []
    for spec in args.clip:
        name, clip = spec.split("=", 1)
        stranger = name.startswith("stranger:")
        name = name.split(":", 1)[-1]
        for target in identities:
            if target == name:
                continue
            out = os.path.join(args.out, f"{name}-as-{target}.mp4")
            r = run([args.doppel, "swap", clip, "-o", out, "--model", args.model,
                     "--to", target, "-q"])
            swapped = int(r.stdout.split(" faces swapped")[0].rsplit(", ", 1)[1])
            sidecar = json.load(open(out + ".doppel.json"))
            guard = sidecar["settings"].get("identity_guard", {})
            row = {"clip": name, "stranger": stranger, "target": target,
                   "faces_swapped": swapped,
                   "guard_psnr": guard.get("psnr_per_track", {}).get("1"),
                   "closest": guard.get("closest_identity_per_track", {}).get("1")}
            if not stranger and swapped > 0:
                work = os.path.join(args.out, f"{name}-as-{target}")
                os.makedirs(work, exist_ok=True)
                row.update(measure(args.doppel, clip, out, work))
            results.append(row)
            print(json.dumps(row), flush=True)
    own = [r for r in results if not r["stranger"]]
    strangers = [r for r in results if r["stranger"]]
    summary = {
        "accepted_own": f"{sum(r['faces_swapped'] > 0 for r in own)}/{len(own)}",
        "refused_strangers": f"{sum(r['faces_swapped'] == 0 for r in strangers)}/{len(strangers)}",
    }
    for key in ("detail_ratio", "mouth_correlation"):
        vals = [r[key] for r in own if r.get(key) is not None]
        if vals:
            summary[key + "_mean"] = round(float(np.mean(vals)), 3)
            summary[key + "_min"] = round(float(np.min(vals)), 3)
    blinks = [abs(r["blink_frame_output"] - r["blink_frame_input"]) for r in own
              if "blink_frame_input" in r]
    if blinks:
        summary["blink_within_2_frames"] = f"{sum(b <= 2 for b in blinks)}/{len(blinks)}"
    flick = [r["flicker_output"] - r["flicker_input"] for r in own if "flicker_output" in r]
    if flick:
        summary["flicker_excess_max"] = round(float(np.max(flick)), 2)
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump({"model": args.model, "summary": summary, "runs": results}, f, indent=2)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    sys.exit(main())
