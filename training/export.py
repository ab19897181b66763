"""ONNX export: one graph per target identity, the shared encoder and that identity's decoder.
A pair's two graphs are named by direction (SPEC-alice2bob.onnx, SPEC-bob2alice.onnx); a model of
three or more identities has SPEC-to-NAME.onnx, which swaps any of the others into NAME. Input
`face` 1x3xSxS RGB in [0,1]; outputs `rgb` 1x3xSxS in [0,1] and `mask` 1x1xSxS in [0,1].
metadata_props tell Doppel's Java side how to use the graph."""
import inspect
import os

import numpy as np
import torch

from model import SwapGraph, count_macs

OPSET = 17


def export_direction(encoder, decoder, spec, path, source, target, steps, direction,
                     source_quality=None, identities=None, target_quality=None):
    graph = SwapGraph(encoder, decoder).eval()
    size = spec["size"]
    example = torch.rand(1, 3, size, size, generator=torch.Generator().manual_seed(0))
    kwargs = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # the TorchScript exporter: no onnxscript needed
    with torch.no_grad():
        torch.onnx.export(graph, example, path, input_names=["face"],
                          output_names=["rgb", "mask"], opset_version=OPSET, **kwargs)
        rgb, mask = graph(example)
    import onnx  # Debian: python3-onnx
    m = onnx.load(path)
    meta = {
        "doppel.kind": "pair",
        "doppel.size": str(size),
        "doppel.template": spec["template"],
        "doppel.colour_order": "RGB",
        "doppel.input_range": "0..1",
        "doppel.direction": direction,
        "doppel.source_identity": source,
        "doppel.target_identity": target,
        "doppel.spec_name": spec["name"],
        "doppel.spec_sha256": spec["sha256"],
        "doppel.steps": str(steps),
        "doppel.macs": str(count_macs(graph, size)),
    }
    if identities:
        meta["doppel.identities"] = ",".join(identities)
    if target_quality:
        # this graph reconstructs its target from the target's own faces this well: the
        # yardstick the identity guard of a multi-identity model uses for that person
        meta["doppel.target_heldout_psnr"] = f"{target_quality['psnr']:.2f}"
        meta["doppel.target_heldout_ssim"] = f"{target_quality['ssim']:.4f}"
    if source_quality:
        # how well the model reconstructs its source identity on held-out crops: the yardstick
        # for judging whether a face in a clip is that person (the partner graph's decoder)
        meta["doppel.source_heldout_psnr"] = f"{source_quality['psnr']:.2f}"
        meta["doppel.source_heldout_ssim"] = f"{source_quality['ssim']:.4f}"
    del m.metadata_props[:]
    for k, v in meta.items():
        entry = m.metadata_props.add()
        entry.key, entry.value = k, v
    onnx.save(m, path)
    # a reference pair for checking the ONNX runtime against PyTorch
    ref = path[:-len(".onnx")] + ".reference.bin"
    np.concatenate([example.numpy().ravel(), rgb.numpy().ravel(), mask.numpy().ravel()]) \
        .astype("<f4").tofile(ref)
    return path


def export_model(model, spec, out_dir, steps, quality=None):
    """quality: held-out reconstruction figures per identity name. A pair's graph also carries
    its source's figure (for the guard, which reconstructs through the partner graph)."""
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.join(out_dir, spec["name"])
    quality = quality or {}
    ids = model.identities
    if len(ids) == 2:
        a, b = ids
        return [
            export_direction(model.encoder, model.decoder(b), spec, f"{base}-{a}2{b}.onnx",
                             a, b, steps, "a2b", quality.get(a), ids, quality.get(b)),
            export_direction(model.encoder, model.decoder(a), spec, f"{base}-{b}2{a}.onnx",
                             b, a, steps, "b2a", quality.get(b), ids, quality.get(a)),
        ]
    paths = []
    for target in ids:
        others = "+".join(n for n in ids if n != target)
        paths.append(export_direction(model.encoder, model.decoder(target), spec,
                                      f"{base}-to-{target}.onnx", others, target, steps,
                                      "to-" + target, None, ids, quality.get(target)))
    return paths


def main():
    """Exports a training checkpoint's graphs (see export_model)."""
    import argparse
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import spec as specs
    from model import inference_model
    p = argparse.ArgumentParser(description="Export a checkpoint to ONNX graphs.")
    p.add_argument("--spec", required=True)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--name-a", help="names for a pair checkpoint that has none (older runs)")
    p.add_argument("--name-b")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    spec = specs.load(args.spec)
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    if ckpt["spec_sha256"] != spec["sha256"]:
        raise SystemExit(f"{args.checkpoint} was trained with another spec")
    model = inference_model(spec, ckpt)
    if args.name_a and args.name_b and len(model.identities) == 2:
        model.identities = [args.name_a, args.name_b]
    for path in export_model(model.eval(), spec, args.out, ckpt["step"]):
        print("exported", path)


if __name__ == "__main__":
    main()
