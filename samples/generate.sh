#!/bin/sh
# Rebuilds the sample clips (astronaut.mp4, hopper.mp4, duo.mp4) and clips.json from the two
# public-domain portraits in this folder. Needs espeak-ng (Debian: apt-get install espeak-ng).
# The clips are deterministic apart from encoder builds; update manifest.json afterwards:
#   samples/generate.sh && samples/manifest.sh
set -eu
cd "$(dirname "$0")/.."
command -v espeak-ng >/dev/null || { echo "generate.sh: espeak-ng is needed (apt-get install espeak-ng)" >&2; exit 2; }
mvn -q test-compile exec:java -Dexec.mainClass=dev.doppel.tools.SampleClipGenerator -Dexec.args=samples
ls -l samples/*.mp4
