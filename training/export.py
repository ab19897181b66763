"""ONNX export: one graph per direction (a2b, b2a). Input `face` 1x3xSxS RGB in [0,1];
outputs `rgb` 1x3xSxS in [0,1] and `mask` 1x1xSxS in [0,1]. metadata_props tell Doppel's Java
side how to use the graph."""
import inspect
import os

import numpy as np
import torch

from model import SwapGraph, count_macs

OPSET = 17


def export_direction(encoder, decoder, spec, path, source, target, steps, direction,
                     source_quality=None):
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


def export_pair(model, spec, out_dir, name_a, name_b, steps, quality=None):
    """quality: held-out reconstruction figures per identity ("a", "b"), written into the
    metadata of the graph that reads that identity."""
    os.makedirs(out_dir, exist_ok=True)
    base = os.path.join(out_dir, spec["name"])
    quality = quality or {}
    return [
        export_direction(model.encoder, model.decoder_b, spec, f"{base}-{name_a}2{name_b}.onnx",
                         name_a, name_b, steps, "a2b", quality.get("a")),
        export_direction(model.encoder, model.decoder_a, spec, f"{base}-{name_b}2{name_a}.onnx",
                         name_b, name_a, steps, "b2a", quality.get("b")),
    ]


def main():
    """Exports both directions from a training checkpoint."""
    import argparse
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import spec as specs
    from model import inference_model
    p = argparse.ArgumentParser(description="Export a checkpoint to ONNX (both directions).")
    p.add_argument("--spec", required=True)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--name-a", default="a")
    p.add_argument("--name-b", default="b")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    spec = specs.load(args.spec)
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    if ckpt["spec_sha256"] != spec["sha256"]:
        raise SystemExit(f"{args.checkpoint} was trained with another spec")
    model = inference_model(spec, ckpt)
    for path in export_pair(model.eval(), spec, args.out, args.name_a, args.name_b, ckpt["step"]):
        print("exported", path)


if __name__ == "__main__":
    main()
