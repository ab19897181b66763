#!/usr/bin/env python3
"""Static INT8 quantisation (QDQ, calibrated on training crops) of an exported pair graph, with
the quality check that decides whether it may ship: reconstruction PSNR inside the face mask on
held-out crops, FP32 graph vs INT8 graph, both run by ONNX Runtime (the files Doppel runs).

    training/quantize.py --model models/pair96-hopper2astronaut.onnx \
        --faceset training/runs/facesets/astronaut \
        --calibration training/runs/facesets/astronaut training/runs/facesets/hopper

--faceset is the identity whose decoder the graph holds (hopper2astronaut: the astronaut), so
the graph reconstructs those faces. Dynamic quantisation was tried first: it makes ConvInteger
nodes, which ONNX Runtime's Java build cannot run and its Python build runs 4x slower than FP32;
static QDQ runs as QLinearConv, faster than FP32. Needs onnxruntime (pip), torch, numpy, Pillow, onnx;
not in Debian, so no CI test runs this.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faceset import load_faceset  # noqa: E402
from metrics import masked_psnr_ssim  # noqa: E402


def run(path, images):
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    s = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    name = s.get_inputs()[0].name
    outs = [s.run(None, {name: images[i:i + 1]}) for i in range(len(images))]
    # outputs: rgb (1x3xSxS) and mask (1x1xSxS), in either order
    return np.concatenate([o[0] if o[0].shape[1] == 3 else o[1] for o in outs])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True)
    p.add_argument("--faceset", required=True, nargs="+")
    p.add_argument("--calibration", required=True, nargs="+",
                   help="face sets whose training crops calibrate activation ranges")
    p.add_argument("--holdout-every", type=int, default=10)
    p.add_argument("--out")
    args = p.parse_args()
    import onnx
    from onnxruntime.quantization import (CalibrationDataReader, QuantFormat, QuantType,
                                          quantize_static)
    out = args.out or args.model[:-len(".onnx")] + ".int8.onnx"
    graph = onnx.load(args.model)
    size = int(graph.graph.input[0].type.tensor_type.shape.dim[2].dim_value)
    template = {p.key: p.value for p in graph.metadata_props}.get("doppel.template", "FACE")
    calibration = load_faceset(args.calibration, size, template, args.holdout_every)["train"][0]

    class Crops(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{"face": calibration[i:i + 1].astype(np.float32)}
                                 for i in range(0, len(calibration), 2)])

        def get_next(self):
            return next(self.batches, None)

    quantize_static(args.model, out, Crops(), quant_format=QuantFormat.QDQ,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    m = onnx.load(out)
    entry = m.metadata_props.add()
    entry.key, entry.value = "doppel.quantization", "int8 static QDQ (training/quantize.py)"
    onnx.save(m, out)
    data = load_faceset(args.faceset, size, template, args.holdout_every)
    images, masks, _ = data["test"]
    images = images.astype(np.float32)
    fp32 = run(args.model, images)
    int8 = run(out, images)
    report = {"model": args.model, "int8": out, "heldout_crops": len(images),
              "fp32_psnr_db": round(masked_psnr_ssim(fp32, images, masks)[0], 2),
              "int8_psnr_db": round(masked_psnr_ssim(int8, images, masks)[0], 2),
              "int8_vs_fp32_psnr_db": round(masked_psnr_ssim(int8, fp32, masks)[0], 2),
              "fp32_mb": round(os.path.getsize(args.model) / 1e6, 1),
              "int8_mb": round(os.path.getsize(out) / 1e6, 1)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
