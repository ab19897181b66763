"""Batch augmentation on the training device: affine jitter, flip, colour jitter and the
deepfakes random warp (a coarse grid of random offsets, smoothly upsampled), all through
grid_sample on whole batches."""
import math

import torch
import torch.nn.functional as F


def augment(images, masks, regions, spec, generator):
    """Returns (warped input, target, target mask, target regions). The target has the same
    affine jitter and colour as the input but not the random warp: the autoencoder must undo
    the warp, which is what makes it learn faces rather than copying pixels."""
    a = spec["augment"]
    n, _, h, w = images.shape
    dev = images.device

    def uniform(lo, hi, *shape):
        return lo + (hi - lo) * torch.rand(*shape, generator=generator, device=dev)

    angle = uniform(-1, 1, n) * math.radians(a["rotate_deg"])
    scale = 1 + uniform(-1, 1, n) * a["scale"]
    tx = uniform(-1, 1, n) * a["shift"] * 2
    ty = uniform(-1, 1, n) * a["shift"] * 2
    flip = (torch.rand(n, generator=generator, device=dev) < 0.5) if a["flip"] else \
        torch.zeros(n, dtype=torch.bool, device=dev)
    sx = torch.where(flip, -torch.ones_like(scale), torch.ones_like(scale))
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([
        torch.stack([cos * sx, -sin, tx], dim=1),
        torch.stack([sin * sx, cos, ty], dim=1)], dim=1)
    grid = F.affine_grid(theta, (n, 3, h, w), align_corners=False)

    g = a["warp_grid"]
    noise = torch.randn(n, 2, g, g, generator=generator, device=dev) * a["warp_sigma"] * 2
    flow = F.interpolate(noise, size=(h, w), mode="bicubic", align_corners=True)
    warp_grid = grid + flow.permute(0, 2, 3, 1)

    gain = 1 + uniform(-1, 1, n, 1, 1, 1) * a["colour"]
    bias = uniform(-1, 1, n, 3, 1, 1) * a["colour"] * 0.5

    def colour(x):
        return (x * gain + bias).clamp(0, 1)

    target = colour(F.grid_sample(images, grid, padding_mode="reflection", align_corners=False))
    warped = colour(F.grid_sample(images, warp_grid, padding_mode="reflection",
                                  align_corners=False))
    target_mask = F.grid_sample(masks, grid, padding_mode="zeros", align_corners=False)
    target_regions = F.grid_sample(regions, grid, padding_mode="zeros", align_corners=False)
    return warped, target, target_mask, target_regions
