#!/bin/sh
# Re-extracts the MediaPipe models from their npm packages and checks them against
# models/manifest.json. Needs npm (registry access) and sha256sum.
#   models/fetch-mediapipe.sh          verify the extracted files equal the committed ones
#   models/fetch-mediapipe.sh --write  also (re)write them into models/
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent @mediapipe/face_detection@0.4.1657300184 @mediapipe/face_mesh@0.4.1657299874 >/dev/null
mkdir fd fm
tar xzf mediapipe-face_detection-0.4.1657300184.tgz -C fd
tar xzf mediapipe-face_mesh-0.4.1657299874.tgz -C fm
cp fd/package/face_detection_short_range.tflite fd/package/face_detection_full_range.tflite .
# the landmark model's byte range, as the package's loader script lists it
loader=fm/package/face_mesh_solution_packed_assets_loader.js
range=$(grep -o '"filename": "/third_party/mediapipe/modules/face_landmark/face_landmark.tflite", "start": [0-9]*, "end": [0-9]*' "$loader" \
  | sed 's/.*"start": \([0-9]*\), "end": \([0-9]*\)/\1 \2/')
set -- $range
[ $# -eq 2 ] || { echo "fetch-mediapipe.sh: landmark model offsets not found in $loader" >&2; exit 1; }
tail -c +$(($1 + 1)) fm/package/face_mesh_solution_packed_assets.data | head -c $(($2 - $1)) > face_landmark.tflite
status=0
for f in face_detection_short_range.tflite face_detection_full_range.tflite face_landmark.tflite; do
  want=$(grep -A1 "\"file\": \"$f\"" "$here/manifest.json" | sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p')
  got=$(sha256sum "$f" | cut -d' ' -f1)
  if [ "$want" = "$got" ]; then echo "ok       $f"; else echo "MISMATCH $f: manifest $want, extracted $got"; status=1; fi
  [ "${1:-}" = "--write" ] && [ "$want" = "$got" ] && cp "$f" "$here/$f"
done
exit $status
