#!/usr/bin/env python3
"""Quality figures of a trained pair model on held-out crops (every spec.holdout_every-th frame,
never trained on):

- reconstruction PSNR / SSIM inside the face mask for A->A and B->B;
- an identity probe: logistic regression on 24x24 colour crops with everything outside the
  face oval blacked out (so background and clothes cannot give the answer), trained only on
  the training crops of the A and B face sets, then asked who the A->B and B->A outputs show.

    training/evaluate.py --spec S --checkpoint RUN/checkpoint.pt --faceset-a A --faceset-b B
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec as specs  # noqa: E402
from faceset import load_faceset  # noqa: E402
from metrics import masked_psnr_ssim  # noqa: E402
from model import inference_model  # noqa: E402

PROBE_SIZE = 24


def probe_features(images, masks):
    x = torch.as_tensor(images) * torch.as_tensor(masks)
    x = F.interpolate(x, size=(PROBE_SIZE, PROBE_SIZE), mode="area")
    return x.flatten(1).numpy().astype(np.float64)


def train_probe(features, steps=3000, lr=0.5, l2=1e-3):
    """Softmax regression by gradient descent, one class per identity (in the given order);
    returns a function from features to the index of the most likely identity."""
    x = np.concatenate(features)
    y = np.concatenate([np.full(len(f), k) for k, f in enumerate(features)])
    n = len(features)
    mean, std = x.mean(0), x.std(0) + 1e-6
    x = (x - mean) / std
    w, b = np.zeros((x.shape[1], n)), np.zeros(n)
    onehot = np.eye(n)[y]
    for _ in range(steps):
        logits = x @ w + b
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        g = p - onehot
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean(0)
    return lambda z: (((z - mean) / std) @ w + b).argmax(1)


def main():
    p = argparse.ArgumentParser(description="Quality figures of a trained model.")
    p.add_argument("--spec", required=True)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--identity", action="append", nargs="+", metavar=("NAME", "FACESET"),
                   help="an identity's name and face set folder(s), in training order")
    p.add_argument("--faceset-a", nargs="+")
    p.add_argument("--faceset-b", nargs="+")
    p.add_argument("--out", help="write the figures as JSON here")
    args = p.parse_args()
    spec = specs.load(args.spec)
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    model = inference_model(spec, ckpt)
    model.eval()
    if args.identity:
        roots = [i[1:] for i in args.identity]
    else:
        roots = [args.faceset_a, args.faceset_b]
    names = model.identities
    if len(roots) != len(names):
        raise SystemExit(f"the checkpoint has {len(names)} identities; {len(roots)} face sets given")
    sets = [load_faceset(r, spec["size"], spec["template"], spec["holdout_every"]) for r in roots]
    probe = train_probe([probe_features(*s["train"][:2]) for s in sets])
    report = {"steps": ckpt["step"], "spec_sha256": spec["sha256"], "identities": names}
    with torch.no_grad():
        for k, (name, data) in enumerate(zip(names, sets)):
            images = torch.as_tensor(data["test"][0])
            masks = torch.as_tensor(data["test"][1])
            z = model.encoder(images)
            rec, _ = model.decoder(name)(z)
            psnr, ssim = masked_psnr_ssim(rec, images, masks)
            report[f"{name}2{name}"] = {"psnr_db": round(psnr, 2), "ssim": round(ssim, 4),
                                        "heldout_crops": len(images)}
            on_originals = probe(probe_features(images.numpy(), masks.numpy())) == k
            for t, target in enumerate(names):
                if target == name:
                    continue
                swapped, _ = model.decoder(target)(z)
                # the swapped face is judged inside the source crop's face oval, where it was
                # rendered
                says_target = probe(probe_features(swapped.numpy(), masks.numpy())) == t
                report[f"{name}2{target}"] = {
                    "probe_says_target": round(float(says_target.mean()), 4),
                    "probe_on_originals_says_source": round(float(on_originals.mean()), 4)}
    print(json.dumps(report, indent=2))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
