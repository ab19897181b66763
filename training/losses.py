"""Reconstruction losses: masked L1 and DSSIM with extra weight on eyes and mouth; mask L1 and
total variation; LSGAN adversarial terms."""
import torch
import torch.nn.functional as F


def _gaussian_window(size=11, sigma=1.5, channels=3, device="cpu"):
    ax = torch.arange(size, dtype=torch.float32, device=device) - (size - 1) / 2
    g = torch.exp(-(ax ** 2) / (2 * sigma ** 2))
    g = g / g.sum()
    w = (g[:, None] * g[None, :])[None, None]
    return w.repeat(channels, 1, 1, 1)


def ssim_map(x, y):
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    w = _gaussian_window(channels=x.shape[1], device=x.device)
    pad = w.shape[-1] // 2
    mu_x = F.conv2d(x, w, padding=pad, groups=x.shape[1])
    mu_y = F.conv2d(y, w, padding=pad, groups=x.shape[1])
    sxx = F.conv2d(x * x, w, padding=pad, groups=x.shape[1]) - mu_x ** 2
    syy = F.conv2d(y * y, w, padding=pad, groups=x.shape[1]) - mu_y ** 2
    sxy = F.conv2d(x * y, w, padding=pad, groups=x.shape[1]) - mu_x * mu_y
    return ((2 * mu_x * mu_y + c1) * (2 * sxy + c2)) / ((mu_x ** 2 + mu_y ** 2 + c1) * (sxx + syy + c2))


def reconstruction(rgb, target, mask, regions, weights):
    """Weighted L1 + DSSIM inside the (slightly dilated) face mask."""
    region_w = 1 + (weights["eyes"] - 1) * regions[:, :1] + (weights["mouth"] - 1) * regions[:, 1:2]
    m = F.max_pool2d(mask, 7, stride=1, padding=3)
    w = m * region_w
    denom = w.sum() * 3 + 1e-6
    l1 = (torch.abs(rgb - target) * w).sum() / denom
    dssim = ((1 - ssim_map(rgb, target)) / 2 * w).sum() / denom
    return weights["l1"] * l1 + weights["dssim"] * dssim, l1, dssim


def mask_losses(alpha, target_mask, weights):
    l1 = torch.abs(alpha - target_mask).mean()
    tv = (torch.abs(alpha[:, :, 1:, :] - alpha[:, :, :-1, :]).mean()
          + torch.abs(alpha[:, :, :, 1:] - alpha[:, :, :, :-1]).mean())
    return weights["mask"] * l1 + weights["mask_tv"] * tv, l1


def lsgan_generator(fake_score):
    return ((fake_score - 1) ** 2).mean()


def lsgan_discriminator(real_score, fake_score):
    return ((real_score - 1) ** 2).mean() + (fake_score ** 2).mean()
