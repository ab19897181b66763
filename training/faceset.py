"""Reads face sets written by `doppel extract`: crop PNG, mask PNG and JSON per face."""
import json
import os

import numpy as np
from PIL import Image, ImageDraw

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


def read_index(root):
    """A face set's faceset.json: template, crop size and the mesh regions (written by extract
    from dev.doppel.face.MeshTopology, so Java and Python name the same vertices)."""
    path = os.path.join(root, "faceset.json")
    if not os.path.isfile(path):
        raise SystemExit(f"{root}: no faceset.json (not a folder written by doppel extract)")
    with open(path) as f:
        index = json.load(f)
    if "topology" not in index:
        raise SystemExit(f"{path}: no mesh topology (written by an older Doppel); "
                         f"run doppel extract again")
    return index


def holdout(tracks, holdout_every):
    """Held-out flags: every holdout_every-th crop of each track in frame order (positions
    k-1, 2k-1, ...), and the last crop of the longest track when that holds out none, so the
    held-out set is never empty. tracks: one (track key, frame) per crop."""
    order = {}
    for i, (key, frame) in enumerate(tracks):
        order.setdefault(key, []).append((frame, i))
    held = np.zeros(len(tracks), dtype=bool)
    for crops in order.values():
        crops.sort()
        for position, (_, i) in enumerate(crops):
            held[i] = position % holdout_every == holdout_every - 1
    if not held.any():
        longest = max(order.values(), key=len)
        held[longest[-1][1]] = True
    return held


def load_faceset(roots, size, template, holdout_every):
    """Images (N,3,S,S) RGB in [0,1], masks (N,1,S,S), region weights (N,2,S,S: eyes, mouth),
    split into training and held-out samples (see holdout). Every face set must use the model's
    template and crops at least as large as its size (smaller ones would be upscaled)."""
    images, masks, regions, tracks, crops = [], [], [], [], []
    for root in roots:
        index = read_index(root)
        if index["template"] != template:
            raise SystemExit(f"{root}: crops aligned to the {index['template']} template; the "
                             f"spec's model uses {template}: extract with --template {template}")
        if index["size"] < size:
            raise SystemExit(f"{root}: {index['size']}-pixel crops are smaller than the spec's "
                             f"size {size}: extract with --size {size} or more")
        topo = index["topology"]
        for path in find_crops([root]):
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
                _polygon_mask(size, [lm[i] for i in topo["right_eye"]], scale, grow=1.6),
                _polygon_mask(size, [lm[i] for i in topo["left_eye"]], scale, grow=1.6))
            mouth = _polygon_mask(size, [lm[i] for i in topo["lips_outer"]], scale, grow=1.2)
            images.append(np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255.0)
            masks.append(np.asarray(mask, dtype=np.float32)[None] / 255.0)
            regions.append(np.stack([eyes, mouth]))
            tracks.append(((root, meta["source"], meta["track"]), meta["frame"]))
            crops.append(path)
    if len(images) < 2:
        raise SystemExit(f"{roots}: {len(images)} crop(s); training needs at least 2 "
                         f"(one is held out)")
    images, masks, regions = np.stack(images), np.stack(masks), np.stack(regions)
    test = holdout(tracks, holdout_every)
    train = ~test
    return {
        "train": (images[train], masks[train], regions[train]),
        "test": (images[test], masks[test], regions[test]),
        "paths": crops,
    }
