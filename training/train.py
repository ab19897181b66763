#!/usr/bin/env python3
"""Trains Doppel's GAN on the face sets of two or more identities written by `doppel extract`.

    training/train.py --spec training/specs/cpu96.json \
        --identity alice work/faces-alice --identity bob work/faces-bob --out work/run1

(--faceset-a/--faceset-b with --name-a/--name-b name a pair the older way.) Resumes from
OUT/checkpoint.pt when present. Writes OUT/loss.csv, OUT/preview-NNNNNN.png, OUT/eval.json
(held-out PSNR/SSIM per identity) and, at the end, ONNX graphs: a pair's two directions
(SPEC-alice2bob.onnx, SPEC-bob2alice.onnx), or for three or more identities one graph per
identity that swaps any other into it (SPEC-to-alice.onnx, ...).
Runs on CUDA when available, else CPU (also Debian's python3-torch 1.13)."""
import argparse
import csv
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec as specs  # noqa: E402
from augment import augment  # noqa: E402
from export import export_model  # noqa: E402
from faceset import load_faceset  # noqa: E402
from losses import (lsgan_discriminator, lsgan_generator, mask_losses,  # noqa: E402
                    reconstruction)
from metrics import masked_psnr_ssim  # noqa: E402
from model import MultiModel, SwapGraph, WeightAverage, count_macs, upgrade_state  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--spec", required=True)
    p.add_argument("--identity", action="append", nargs="+", metavar=("NAME", "FACESET"),
                   help="an identity's name and its face set folder(s); two or more")
    p.add_argument("--faceset-a", nargs="+")
    p.add_argument("--faceset-b", nargs="+")
    p.add_argument("--name-a", default="a")
    p.add_argument("--name-b", default="b")
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, help="override the spec's step count")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--threads", type=int, help="CPU threads for torch")
    p.add_argument("--minutes", type=float, help="stop (with a checkpoint) after this long")
    p.add_argument("--progress-json", action="store_true",
                   help="one '@progress {json}' line per step on stdout (for doppel train)")
    p.add_argument("--parent-pid", type=int,
                   help="exit when this process is gone (doppel train killed with -9)")
    args = p.parse_args()
    if args.identity:
        args.identities = [(i[0], i[1:]) for i in args.identity]
    elif args.faceset_a and args.faceset_b:
        args.identities = [(args.name_a, args.faceset_a), (args.name_b, args.faceset_b)]
    else:
        p.error("give --identity NAME FACESET for each identity (two or more)")
    names = [n for n, _ in args.identities]
    if len(names) < 2 or len(set(names)) != len(names):
        p.error("two or more identities with different names are needed")
    if any(len(roots) == 0 for _, roots in args.identities):
        p.error("each --identity needs a face set folder after its name")
    return args


def exit_with_parent(pid):
    """A watchdog thread: a Java parent killed with SIGKILL cannot stop its child, so the child
    notices that it was re-parented and exits (no checkpoint is written: the last one stands)."""
    import threading

    def watch():
        while os.getppid() == pid:
            time.sleep(1)
        os._exit(3)

    threading.Thread(target=watch, daemon=True).start()


def trim_log(path, step):
    """On resume: drop the rows a killed run logged after its last checkpoint."""
    if not os.path.exists(path):
        return
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    kept = rows[:1] + [r for r in rows[1:] if r and int(r[0]) <= step]
    with open(path + ".tmp", "w", newline="") as f:
        csv.writer(f).writerows(kept)
    os.replace(path + ".tmp", path)


def to_tensor(split, device):
    return tuple(torch.from_numpy(np.ascontiguousarray(x)).to(device) for x in split)


def psnr_ssim(model, identity, data):
    """Reconstruction quality X->X on held-out crops, inside the face mask."""
    images, masks, _ = data
    if len(images) == 0:
        return None
    with torch.no_grad():
        rgb, _ = model.decoder(identity)(model.encoder(images))
    psnr, ssim = masked_psnr_ssim(rgb, images, masks)
    return {"psnr": psnr, "ssim": ssim, "n": len(images)}


def preview(model, data, path):
    """Per identity: its faces, their reconstruction, their swap into the next identity, the mask."""
    from PIL import Image
    rows = []
    ids = model.identities
    with torch.no_grad():
        for k, ident in enumerate(ids):
            other = ids[(k + 1) % len(ids)]
            x = data[ident]["preview"]
            z = model.encoder(x)
            same, _ = model.decoder(ident)(z)
            swap, mask = model.decoder(other)(z)
            for i in range(len(x)):
                cells = [x[i], same[i], swap[i], mask[i].expand(3, -1, -1)]
                rows.append(torch.cat(cells, dim=2))
    grid = torch.cat(rows, dim=1).clamp(0, 1).mul(255).byte().permute(1, 2, 0).cpu().numpy()
    Image.fromarray(grid).save(path)


def lr_scale(spec, step):
    """1 until optim.decay_from x steps, then a cosine down to optim.final_lr_scale at the end."""
    import math
    opt, total = spec["optim"], spec["steps"]
    start = int(opt["decay_from"] * total)
    if step < start or total <= start:
        return 1.0
    t = (step - start) / (total - start)
    final = opt["final_lr_scale"]
    return final + (1 - final) * 0.5 * (1 + math.cos(math.pi * t))


def main():
    args = parse_args()
    if args.parent_pid:
        exit_with_parent(args.parent_pid)
    spec = specs.load(args.spec)
    if args.steps is not None:
        spec["steps"] = args.steps
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "cuda" or (
        args.device == "auto" and torch.cuda.is_available()) else "cpu")
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(spec["seed"])
    np.random.seed(spec["seed"])
    if hasattr(torch, "use_deterministic_algorithms"):
        torch.use_deterministic_algorithms(True, warn_only=True)

    data = {}
    names = [n for n, _ in args.identities]
    for ident, roots in args.identities:
        sets = load_faceset(roots, spec["size"], spec["template"], spec["holdout_every"])
        train, test = to_tensor(sets["train"], device), to_tensor(sets["test"], device)
        data[ident] = {"train": train, "test": test,
                       "preview": (test[0] if len(test[0]) >= 3 else train[0])[:3]}
        print(f"{ident}: {len(train[0])} training crops, {len(test[0])} held out",
              flush=True)

    # channels_last lets oneDNN (CPU) and cuDNN pick their fastest convolution kernels
    model = MultiModel(spec, names).to(device, memory_format=torch.channels_last)
    autocast = lambda: torch.autocast(device.type, dtype=torch.bfloat16,  # noqa: E731
                                      enabled=spec["precision"] == "bf16")
    opt = spec["optim"]
    opt_g = torch.optim.Adam(model.generator_parameters(), lr=opt["lr_g"],
                             betas=(opt["beta1"], opt["beta2"]))
    opt_d = torch.optim.Adam(model.discriminator_parameters(), lr=opt["lr_d"],
                             betas=(opt["beta1"], opt["beta2"]))
    average = WeightAverage(model, opt["ema"]) if opt["ema"] > 0 else None
    gen = torch.Generator(device=device).manual_seed(spec["seed"])
    step, elapsed = 0, 0.0
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    if os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path, map_location=device)
        if ckpt["spec_sha256"] != spec["sha256"]:
            raise SystemExit(f"{ckpt_path} was trained with another spec; use a new --out")
        if len(ckpt.get("identities", ["a", "b"])) != len(names):
            raise SystemExit(f"{ckpt_path} was trained on other identities; use a new --out")
        model.load_state_dict(upgrade_state(ckpt["model"]))
        opt_g.load_state_dict(ckpt["opt_g"])
        opt_d.load_state_dict(ckpt["opt_d"])
        if average is not None:
            average.model.load_state_dict(upgrade_state(ckpt["ema"]))
        gen.set_state(ckpt["rng"].to("cpu") if device.type == "cpu" else ckpt["rng"])
        step, elapsed = ckpt["step"], ckpt["elapsed"]
        print(f"resumed at step {step}", flush=True)

    def save_checkpoint():
        torch.save({"model": model.state_dict(), "opt_g": opt_g.state_dict(),
                    "opt_d": opt_d.state_dict(), "rng": gen.get_state(), "step": step,
                    "ema": average.model.state_dict() if average is not None else None,
                    "elapsed": elapsed, "spec_sha256": spec["sha256"], "identities": names},
                   ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)

    log_path = os.path.join(args.out, "loss.csv")
    trim_log(log_path, step)
    new_log = not os.path.exists(log_path)
    log = open(log_path, "a", newline="")
    writer = csv.writer(log)
    # columns per identity, by position (rec_0 is the first identity's), then the shared ones
    columns = ([f"{k}_{i}" for k in ("rec", "l1", "mask") for i in range(len(names))]
               + ["adv_g"] + [f"d_{i}" for i in range(len(names))])
    if new_log:
        writer.writerow(["step", "seconds"] + columns)
    w = spec["loss"]
    started = time.time() - elapsed
    deadline = time.time() + args.minutes * 60 if args.minutes else None
    model.train()
    while step < spec["steps"]:
        adversarial = step >= spec["adversarial_from"]
        scale = lr_scale(spec, step)
        for group in opt_g.param_groups:
            group["lr"] = opt["lr_g"] * scale
        for group in opt_d.param_groups:
            group["lr"] = opt["lr_d"] * scale
        g_total, stats, fakes = 0, {}, {}
        for pos, ident in enumerate(names):
            images, masks, regions = data[ident]["train"]
            idx = torch.randint(len(images), (spec["batch"],), generator=gen, device=device)
            warped, target, tmask, tregions = augment(images[idx], masks[idx], regions[idx],
                                                      spec, gen)
            warped = warped.contiguous(memory_format=torch.channels_last)
            with autocast():
                rgb, alpha = model.decoder(ident)(model.encoder(warped))
            rgb, alpha = rgb.float(), alpha.float()
            rec, l1, _ = reconstruction(rgb, target, tmask, tregions, w)
            mloss, ml1 = mask_losses(alpha, tmask, w)
            g = rec + mloss
            if adversarial:
                with autocast():
                    score = model.disc(ident)(rgb, warped)
                adv = lsgan_generator(score.float())
                g = g + w["adversarial"] * adv
                stats["adv_g"] = stats.get("adv_g", 0) + float(adv)
            g_total = g_total + g
            stats[f"rec_{pos}"], stats[f"l1_{pos}"], stats[f"mask_{pos}"] = \
                float(rec), float(l1), float(ml1)
            fakes[ident] = (target, rgb.detach(), warped)
        opt_g.zero_grad(set_to_none=True)
        g_total.backward()
        opt_g.step()
        if adversarial:
            d_total = 0
            for ident, (real, fake, warped) in fakes.items():
                with autocast():
                    real_score = model.disc(ident)(real, warped)
                    fake_score = model.disc(ident)(fake, warped)
                d = lsgan_discriminator(real_score.float(), fake_score.float())
                stats[f"d_{names.index(ident)}"] = float(d)
                d_total = d_total + d
            opt_d.zero_grad(set_to_none=True)
            d_total.backward()
            opt_d.step()
        step += 1
        if average is not None:
            average.update(model, step)
        elapsed = time.time() - started
        if args.progress_json:
            print("@progress " + json.dumps(
                {"step": step, "steps": spec["steps"], "seconds": round(elapsed, 2),
                 "checkpoint": step % spec["checkpoint_every"] == 0,
                 "losses": {k: round(v, 5) for k, v in stats.items()}}), flush=True)
        if step % spec["log_every"] == 0 or step == spec["steps"]:
            writer.writerow([step, round(elapsed, 1)] + [
                round(stats.get(k, float("nan")), 5) for k in columns])
            log.flush()
            recs = " ".join(f"rec_{n} {stats[f'rec_{i}']:.4f}" for i, n in enumerate(names))
            print(f"step {step} {elapsed:.0f}s {recs}", flush=True)
        if step % spec["preview_every"] == 0 or step == spec["steps"]:
            shown = average.model if average is not None else model.eval()
            preview(shown, data, os.path.join(args.out, f"preview-{step:06d}.png"))
            model.train()
        if step % spec["checkpoint_every"] == 0:
            save_checkpoint()
        if deadline and time.time() > deadline:
            print(f"time limit reached at step {step}", flush=True)
            break
    save_checkpoint()
    log.close()

    model = average.model if average is not None else model.eval()
    quality = {ident: psnr_ssim(model, ident, data[ident]["test"]) for ident in names}
    graph = SwapGraph(model.encoder, model.decoder(names[-1])).eval().cpu()
    report = {"spec": spec["name"], "spec_sha256": spec["sha256"], "steps": step,
              "seconds": round(elapsed, 1), "device": str(device),
              "torch": torch.__version__, "threads": torch.get_num_threads(),
              "macs_per_face": count_macs(graph, spec["size"]),
              "heldout_reconstruction": quality}
    model.to(device)
    with open(os.path.join(args.out, "eval.json"), "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report), flush=True)
    paths = export_model(model.cpu(), spec, args.out, step, quality)
    for p in paths:
        print("exported", p, flush=True)


if __name__ == "__main__":
    main()
