#!/usr/bin/env python3
"""Writes stand-ins for InsightFace's inswapper_128.onnx and w600k_r50.onnx: tiny graphs with the
exact input/output names and shapes of the real files (which cannot be downloaded here), built so
that tests can see what Doppel feeds them.

    training/standins.py [--out models]

- standin-w600k_r50.onnx: input `input.1` Nx3x112x112, output `683` Nx512. Output 0..2 = the
  mean of each input channel as fed (so a test reads back the normalisation and channel order),
  output 3 = 1 (the scale reference once Doppel L2-normalises), outputs 4..511 = a fixed random
  projection of the 7x7 average-pooled crop (a crude appearance signature, enough to tell the
  two sample faces apart).
- standin-w600k_r50-mxnet.onnx: the same with the normalisation inside the graph, as MXNet
  exports have it: its first nodes are named `_minusscalar0` (x - 127.5) and `_mulscalar0`
  (x 0.0078125), which tells InsightFace (and Doppel) to feed raw 0..255 values.
- standin-inswapper_128.onnx: inputs `target` 1x3x128x128 (RGB in [0,1]) and `source` 1x512,
  output `output` 1x3x128x128: 0.6·target + 0.4·sigmoid(2·source·P) per channel, a tint that
  depends on the source identity. Its last initializer is `emap` (512x512), unused by the graph,
  exactly where the real file keeps it.
- standin-reference.json: a source embedding and what the contract makes of it (the latent
  normalise(e·emap) and the tint), computed here with numpy, for the Java tests.

Needs only numpy and onnx (Debian: python3-numpy, python3-onnx). Deterministic: same bytes on
every run.
"""
import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
SEED = 20261123


def recogniser(mxnet):
    rng = np.random.RandomState(SEED)
    pooled = 3 * 7 * 7
    w = np.zeros((3 + pooled, 512), np.float32)
    w[0, 0] = w[1, 1] = w[2, 2] = 1.0
    w[3:, 4:] = rng.normal(0, 1 / np.sqrt(pooled), (pooled, 508)).astype(np.float32)
    b = np.zeros(512, np.float32)
    b[3] = 1.0
    nodes, inits = [], []
    x = "input.1"
    if mxnet:
        inits += [numpy_helper.from_array(np.array(127.5, np.float32), "minus_value"),
                  numpy_helper.from_array(np.array(0.0078125, np.float32), "mul_value")]
        nodes += [helper.make_node("Sub", [x, "minus_value"], ["centred"], name="_minusscalar0"),
                  helper.make_node("Mul", ["centred", "mul_value"], ["scaled"],
                                   name="_mulscalar0")]
        x = "scaled"
    inits += [numpy_helper.from_array(w, "fc_weight"), numpy_helper.from_array(b, "fc_bias")]
    nodes += [
        helper.make_node("ReduceMean", [x], ["channel_means"], axes=[2, 3], keepdims=0,
                         name="channel_means"),
        helper.make_node("AveragePool", [x], ["pooled"], kernel_shape=[16, 16],
                         strides=[16, 16], name="pool"),
        helper.make_node("Flatten", ["pooled"], ["pooled_flat"], axis=1, name="flatten"),
        helper.make_node("Concat", ["channel_means", "pooled_flat"], ["features"], axis=1,
                         name="concat"),
        helper.make_node("Gemm", ["features", "fc_weight", "fc_bias"], ["683"], name="fc"),
    ]
    graph = helper.make_graph(
        nodes, "standin_w600k_r50",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, ["None", 3, 112, 112])],
        [helper.make_tensor_value_info("683", TensorProto.FLOAT, ["None", 512])], inits)
    return finish(graph)


def swapper():
    rng = np.random.RandomState(SEED + 1)
    projection = rng.normal(0, 1, (512, 3)).astype(np.float32)
    # scaled so that a unit embedding times emap is far from unit length: the test sees
    # whether the latent is re-normalised
    emap = (rng.normal(0, 1, (512, 512)) * 3 / np.sqrt(512)).astype(np.float32)
    inits = [
        numpy_helper.from_array(projection, "tint_projection"),
        numpy_helper.from_array(np.array(2.0, np.float32), "tint_gain"),
        numpy_helper.from_array(np.array([1, 3, 1, 1], np.int64), "tint_shape"),
        numpy_helper.from_array(np.array(0.4, np.float32), "tint_weight"),
        numpy_helper.from_array(np.array(0.6, np.float32), "target_weight"),
        numpy_helper.from_array(np.array(0.0, np.float32), "zero"),
        numpy_helper.from_array(np.array(1.0, np.float32), "one"),
        numpy_helper.from_array(emap, "emap"),  # last, unused: where inswapper keeps it
    ]
    nodes = [
        helper.make_node("MatMul", ["source", "tint_projection"], ["tint_logits"]),
        helper.make_node("Mul", ["tint_logits", "tint_gain"], ["tint_scaled"]),
        helper.make_node("Sigmoid", ["tint_scaled"], ["tint_rgb"]),
        helper.make_node("Reshape", ["tint_rgb", "tint_shape"], ["tint_map"]),
        helper.make_node("Mul", ["tint_map", "tint_weight"], ["tint"]),
        helper.make_node("Mul", ["target", "target_weight"], ["kept"]),
        helper.make_node("Add", ["kept", "tint"], ["mixed"]),
        helper.make_node("Clip", ["mixed", "zero", "one"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes, "standin_inswapper_128",
        [helper.make_tensor_value_info("target", TensorProto.FLOAT, [1, 3, 128, 128]),
         helper.make_tensor_value_info("source", TensorProto.FLOAT, [1, 512])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 3, 128, 128])], inits)
    return finish(graph), projection, emap


def finish(graph):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="doppel training/standins.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    p = argparse.ArgumentParser(description="Write the inswapper/ArcFace stand-in models.")
    p.add_argument("--out", default="models")
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    onnx.save(recogniser(False), os.path.join(args.out, "standin-w600k_r50.onnx"))
    onnx.save(recogniser(True), os.path.join(args.out, "standin-w600k_r50-mxnet.onnx"))
    model, projection, emap = swapper()
    onnx.save(model, os.path.join(args.out, "standin-inswapper_128.onnx"))

    rng = np.random.RandomState(SEED + 2)
    embedding = rng.normal(0, 1, 512)
    embedding /= np.linalg.norm(embedding)
    latent = embedding @ emap.astype(np.float64)
    unnormalised_norm = float(np.linalg.norm(latent))
    latent /= unnormalised_norm
    tint = 0.4 / (1 + np.exp(-2 * (latent @ projection.astype(np.float64))))
    reference = {
        "about": "Written by training/standins.py: for the source embedding below, the latent "
                 "InsightFace's contract feeds inswapper (normalise(embedding . emap)) and the "
                 "stand-in's tint per RGB channel (output = 0.6 target + tint).",
        "embedding": [round(float(v), 8) for v in embedding],
        "latent": [round(float(v), 8) for v in latent],
        "latent_norm_before_normalising": round(unnormalised_norm, 6),
        "tint_rgb": [round(float(v), 8) for v in tint],
        "emap_first_row_head": [round(float(v), 8) for v in emap[0, :4]],
        "emap_last_row_tail": [round(float(v), 8) for v in emap[-1, -4:]],
    }
    with open(os.path.join(args.out, "standin-reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
