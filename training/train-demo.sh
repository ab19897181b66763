#!/bin/sh
# Rebuilds the shipped demo pair model (models/pair96-*.onnx) from the public-domain sample clips:
# extract both face sets, train training/specs/cpu96.json, evaluate, export.
#   training/train-demo.sh [OUT]          (default OUT: training/runs/cpu96; resumes if present)
# Set PYTHON to an interpreter with torch, numpy, Pillow and onnx (default: python3).
set -eu
cd "$(dirname "$0")/.."
out=${1:-training/runs/cpu96}
py=${PYTHON:-python3}
faces=training/runs/facesets
mkdir -p "$faces"
[ -x bin/doppel ] && ls target/doppel-*.jar >/dev/null 2>&1 || mvn -q -B package -DskipTests
[ -d "$faces/astronaut" ] || bin/doppel extract samples/astronaut.mp4 -o "$faces/astronaut" --size 128 -q
[ -d "$faces/hopper" ] || bin/doppel extract samples/hopper.mp4 -o "$faces/hopper" --size 128 -q
"$py" training/train.py --spec training/specs/cpu96.json --faceset-a "$faces/astronaut" \
  --faceset-b "$faces/hopper" --name-a astronaut --name-b hopper --out "$out" --threads 2
"$py" training/evaluate.py --spec training/specs/cpu96.json --checkpoint "$out/checkpoint.pt" \
  --faceset-a "$faces/astronaut" --faceset-b "$faces/hopper" --out "$out/quality.json"
"$py" training/export.py --spec training/specs/cpu96.json --checkpoint "$out/checkpoint.pt" \
  --name-a astronaut --name-b hopper --out models
rm -f models/pair96-*.reference.bin
