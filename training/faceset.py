"""Reads face sets written by `doppel extract`: crop PNG, mask PNG and JSON per face."""
import json
import os

import numpy as np
from PIL import Image, ImageDraw

# MediaPipe mesh vertices (see dev.doppel.face.MeshTopology)
RIGHT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246]
LEFT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466]
LIPS_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37,
              39, 40, 185]


def find_crops(roots):
    """Every crop JSON under the given folders, sorted (stable order = reproducible)."""
    found = []
    for root in roots:
        for folder, _, files in os.walk(root):
            for name in files:
                if name.endswith(".json") and name != "faceset.json":
                    found.append(os.path.join(folder, name))
    if not found:
        raise SystemExit(f"no face crops under {roots} (run doppel extract first)")
    return sorted(found)


def _polygon_mask(size, points, scale, grow=1.0):
    pts = np.asarray(points, dtype=np.float64) * scale
    centre = pts.mean(axis=0)
    pts = centre + (pts - centre) * grow
    img = Image.new("L", (size, size), 0)
    ImageDraw.Draw(img).polygon([tuple(p) for p in pts], fill=255)
    return np.asarray(img, dtype=np.float32) / 255.0


def load_faceset(roots, size, holdout_every):
    """Images (N,3,S,S) RGB in [0,1], masks (N,1,S,S), region weights (N,2,S,S: eyes, mouth),
    split into training and held-out samples (every holdout_every-th crop of each track)."""
    crops = find_crops(roots)
    images, masks, regions, frames = [], [], [], []
    for path in crops:
        with open(path) as f:
            meta = json.load(f)
        folder = os.path.dirname(path)
        crop_size = meta["size"]
        scale = size / crop_size
        img = Image.open(os.path.join(folder, meta["image"])).convert("RGB")
        mask = Image.open(os.path.join(folder, meta["mask"])).convert("L")
        if crop_size != size:
            img = img.resize((size, size), Image.LANCZOS)
            mask = mask.resize((size, size), Image.BILINEAR)
        lm = [p[:2] for p in meta["face"]["landmarks"]]
        eyes = np.maximum(
            _polygon_mask(size, [lm[i] for i in RIGHT_EYE], scale, grow=1.6),
            _polygon_mask(size, [lm[i] for i in LEFT_EYE], scale, grow=1.6))
        mouth = _polygon_mask(size, [lm[i] for i in LIPS_OUTER], scale, grow=1.2)
        images.append(np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255.0)
        masks.append(np.asarray(mask, dtype=np.float32)[None] / 255.0)
        regions.append(np.stack([eyes, mouth]))
        frames.append(meta["frame"])
    images, masks, regions = np.stack(images), np.stack(masks), np.stack(regions)
    held = np.array([f % holdout_every == holdout_every - 1 for f in frames])
    train, test = ~held, held
    if train.sum() == 0:
        raise SystemExit(f"{roots}: every crop was held out; use more frames")
    return {
        "train": (images[train], masks[train], regions[train]),
        "test": (images[test], masks[test], regions[test]),
        "paths": crops,
    }
