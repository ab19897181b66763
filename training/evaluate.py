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


def train_probe(xa, xb, steps=3000, lr=0.5, l2=1e-3):
    """Logistic regression by gradient descent: label 0 = A, 1 = B."""
    x = np.concatenate([xa, xb])
    y = np.concatenate([np.zeros(len(xa)), np.ones(len(xb))])
    mean, std = x.mean(0), x.std(0) + 1e-6
    x = (x - mean) / std
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = p - y
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return lambda z: 1 / (1 + np.exp(-(((z - mean) / std) @ w + b)))


def main():
    p = argparse.ArgumentParser(description="Quality figures of a pair model.")
    p.add_argument("--spec", required=True)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--faceset-a", required=True, nargs="+")
    p.add_argument("--faceset-b", required=True, nargs="+")
    p.add_argument("--out", help="write the figures as JSON here")
    args = p.parse_args()
    spec = specs.load(args.spec)
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    model = inference_model(spec, ckpt)
    model.eval()
    a = load_faceset(args.faceset_a, spec["size"], spec["template"], spec["holdout_every"])
    b = load_faceset(args.faceset_b, spec["size"], spec["template"], spec["holdout_every"])
    probe = train_probe(probe_features(*a["train"][:2]), probe_features(*b["train"][:2]))
    report = {"steps": ckpt["step"], "spec_sha256": spec["sha256"]}
    with torch.no_grad():
        for name, data, same, other, label in (("a", a, "a", "b", 1), ("b", b, "b", "a", 0)):
            images = torch.as_tensor(data["test"][0])
            masks = torch.as_tensor(data["test"][1])
            z = model.encoder(images)
            rec, _ = model.decoder(same)(z)
            swapped, _ = model.decoder(other)(z)
            psnr, ssim = masked_psnr_ssim(rec, images, masks)
            # the swapped face is judged inside the source crop's face oval, where it was rendered
            says_b = probe(probe_features(swapped.numpy(), masks.numpy())) > 0.5
            says_b_original = probe(probe_features(images.numpy(), masks.numpy())) > 0.5
            correct = says_b if label == 1 else ~says_b
            report[f"{same}2{same}"] = {"psnr_db": round(psnr, 2), "ssim": round(ssim, 4),
                                        "heldout_crops": len(images)}
            report[f"{same}2{other}"] = {
                "probe_says_target": round(float(correct.mean()), 4),
                "probe_on_originals_says_source": round(
                    float((~says_b_original if label == 1 else says_b_original).mean()), 4)}
    print(json.dumps(report, indent=2))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
