"""The multi-identity GAN (a pair is two identities): one shared encoder, and one decoder (RGB +
alpha mask) and one PatchGAN discriminator per identity, in the deepfakes/faceswap-GAN design. 3x3 convolutions and
pixel-shuffle upsampling keep it cheap enough to run on a CPU. No normalisation layers in the
decoder (they shift skin colour)."""
import torch
from torch import nn


def act():
    return nn.LeakyReLU(0.1, inplace=True)


class Upscale(nn.Module):
    """3x3 conv to 4x channels, then pixel shuffle: doubles the resolution."""

    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout * 4, 3, padding=1)
        self.shuffle = nn.PixelShuffle(2)
        self.act = act()

    def forward(self, x):
        return self.act(self.shuffle(self.conv(x)))


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1)
        self.act = act()

    def forward(self, x):
        return self.act(x + self.conv2(self.act(self.conv1(x))))


class Encoder(nn.Module):
    def __init__(self, spec):
        super().__init__()
        chans = spec["encoder_channels"]
        layers, cin = [], 3
        for c in chans:
            layers += [nn.Conv2d(cin, c, 3, stride=2, padding=1), act()]
            cin = c
        self.convs = nn.Sequential(*layers)
        self.side = spec["size"] // (2 ** len(chans))
        flat = cin * self.side * self.side
        self.to_latent = nn.Linear(flat, spec["latent"])
        self.from_latent = nn.Linear(spec["latent"], flat)
        self.channels = cin
        self.upscale = Upscale(cin, spec["shared_upscale_channels"])

    def forward(self, x):
        x = self.convs(x)
        x = self.to_latent(torch.flatten(x, 1))
        x = self.from_latent(x).view(-1, self.channels, self.side, self.side)
        return self.upscale(x)


class Decoder(nn.Module):
    def __init__(self, spec):
        super().__init__()
        layers, cin = [], spec["shared_upscale_channels"]
        for i, c in enumerate(spec["decoder_channels"]):
            layers.append(Upscale(cin, c))
            if i == 0:
                layers.append(Residual(c))  # one residual block at low resolution, where it is cheap
            cin = c
        self.body = nn.Sequential(*layers)
        self.rgb = nn.Conv2d(cin, 3, 3, padding=1)
        self.mask = nn.Conv2d(cin, 1, 3, padding=1)

    def forward(self, x):
        x = self.body(x)
        return torch.sigmoid(self.rgb(x)), torch.sigmoid(self.mask(x))


class Discriminator(nn.Module):
    """PatchGAN on the image concatenated with the warped input it was made from."""

    def __init__(self, spec):
        super().__init__()
        layers, cin = [], 6
        for c in spec["discriminator_channels"]:
            layers += [nn.Conv2d(cin, c, 4, stride=2, padding=1), act()]
            cin = c
        layers.append(nn.Conv2d(cin, 1, 3, padding=1))
        self.net = nn.Sequential(*layers)

    def forward(self, image, warped):
        return self.net(torch.cat([image, warped], dim=1))


class MultiModel(nn.Module):
    """One shared encoder; one decoder and one discriminator per identity. A pair is the case of
    two identities. Swapping X into Y is Y's decoder on the encoding of X's face."""

    def __init__(self, spec, identities=("a", "b")):
        super().__init__()
        self.identities = list(identities)
        self.encoder = Encoder(spec)
        self.decoders = nn.ModuleList([Decoder(spec) for _ in self.identities])
        self.discs = nn.ModuleList([Discriminator(spec) for _ in self.identities])

    def decoder(self, identity):
        return self.decoders[self.identities.index(identity)]

    def disc(self, identity):
        return self.discs[self.identities.index(identity)]

    def generator_parameters(self):
        return list(self.encoder.parameters()) + list(self.decoders.parameters())

    def discriminator_parameters(self):
        return list(self.discs.parameters())


def upgrade_state(state):
    """A checkpoint of the two-decoder PairModel (decoder_a/decoder_b/disc_a/disc_b) as the
    MultiModel of identities 0 and 1."""
    renames = {"decoder_a.": "decoders.0.", "decoder_b.": "decoders.1.",
               "disc_a.": "discs.0.", "disc_b.": "discs.1."}
    out = {}
    for key, value in state.items():
        for old, new in renames.items():
            if key.startswith(old):
                key = new + key[len(old):]
        out[key] = value
    return out


class WeightAverage:
    """Exponential moving average of the generator's weights (as in progressive GANs): averages
    out the step-to-step noise of adversarial training, so previews, evaluation and the exported
    graphs use it. The decay ramps up from 0.5 so that short runs still follow the model."""

    def __init__(self, model, decay):
        import copy
        self.decay = decay
        self.model = copy.deepcopy(model).eval()
        for p in self.model.parameters():
            p.requires_grad_(False)

    def update(self, model, step):
        d = min(self.decay, (1 + step) / (10 + step))
        with torch.no_grad():
            for avg, live in zip(self.model.generator_parameters(), model.generator_parameters()):
                avg.mul_(d).add_(live.detach(), alpha=1 - d)


def inference_model(spec, checkpoint):
    """The generator to evaluate or export from a checkpoint: its weight average when the run
    kept one, else the live weights."""
    model = MultiModel(spec, checkpoint.get("identities", ["a", "b"]))
    model.load_state_dict(upgrade_state(checkpoint.get("ema") or checkpoint["model"]))
    return model.eval()


class SwapGraph(nn.Module):
    """What ships: encoder + one decoder. Input 1x3xSxS RGB in [0,1]; outputs rgb, mask."""

    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder

    def forward(self, x):
        return self.decoder(self.encoder(x))


def count_macs(module, size):
    """Multiply-accumulates of one forward pass on a 1x3xSxS input (conv and linear layers)."""
    macs = [0]

    def conv_hook(m, inp, out):
        k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
        macs[0] += out.numel() * k

    def linear_hook(m, inp, out):
        macs[0] += m.in_features * m.out_features

    hooks = []
    for m in module.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    with torch.no_grad():
        module(torch.zeros(1, 3, size, size))
    for h in hooks:
        h.remove()
    return macs[0]
