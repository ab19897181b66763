"""The one quality measure of the recipe: training's held-out report, evaluate.py and
quantize.py all call it, so their figures mean the same thing."""
import torch

from losses import ssim_map


def masked_psnr_ssim(rgb, target, mask):
    """PSNR (dB) and SSIM of rgb against target inside the mask, over the whole batch.

    rgb, target: (N,3,S,S) in [0,1]; mask: (N,1,S,S) weights in [0,1]. Tensors or numpy arrays.
    """
    rgb, target, mask = (torch.as_tensor(x, dtype=torch.float32) for x in (rgb, target, mask))
    m = mask.expand_as(rgb)
    mse = ((rgb - target) ** 2 * m).sum() / m.sum()
    ssim = (ssim_map(rgb, target) * m).sum() / m.sum()
    return float(10 * torch.log10(1 / mse)), float(ssim)
