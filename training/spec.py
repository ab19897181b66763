"""The JSON spec that defines a pair model and how it is trained (no code needed for a new one)."""
import hashlib
import json

DEFAULTS = {
    "name": "pair",
    "size": 96,
    "template": "FACE",
    "encoder_channels": [32, 64, 128, 256],
    "latent": 256,
    "shared_upscale_channels": 128,
    "decoder_channels": [128, 64, 32],
    "discriminator_channels": [32, 64, 128],
    "loss": {"l1": 1.0, "dssim": 1.0, "eyes": 3.0, "mouth": 2.0, "mask": 0.5,
             "mask_tv": 0.1, "adversarial": 0.1},
    # decay_from: fraction of the steps after which both learning rates follow a cosine down to
    # final_lr_scale x their start; ema: decay of the generator's weight average, which is what
    # previews, evaluation and export use (0 turns it off)
    "optim": {"lr_g": 1e-4, "lr_d": 2e-4, "beta1": 0.5, "beta2": 0.999,
              "decay_from": 0.6, "final_lr_scale": 0.05, "ema": 0.999},
    "augment": {"warp_grid": 5, "warp_sigma": 0.0195, "rotate_deg": 10, "scale": 0.05,
                "shift": 0.05, "flip": True, "colour": 0.05},
    # precision: "bf16" runs forward passes under bfloat16 autocast (weights, optimiser state and
    # losses stay float32); about 1.5x faster on CPUs with AVX512-BF16 and on recent GPUs
    "precision": "fp32",
    "batch": 16,
    "steps": 20000,
    "adversarial_from": 2000,
    "seed": 1,
    "holdout_every": 10,
    "preview_every": 500,
    "checkpoint_every": 500,
    "log_every": 50,
}


def load(path):
    with open(path) as f:
        raw = f.read()
    spec = json.loads(raw)
    merged = json.loads(json.dumps(DEFAULTS))
    for key, value in spec.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    unknown = set(spec) - set(DEFAULTS)
    if unknown:
        raise SystemExit(f"{path}: unknown spec keys {sorted(unknown)}")
    if merged["precision"] not in ("fp32", "bf16"):
        raise SystemExit(f"{path}: precision must be fp32 or bf16")
    size = merged["size"]
    stages = len(merged["encoder_channels"])
    if size % (2 ** stages) != 0:
        raise SystemExit(f"{path}: size {size} must be divisible by 2^{stages}")
    merged["sha256"] = hashlib.sha256(
        json.dumps(merged, sort_keys=True).encode()).hexdigest()
    return merged
