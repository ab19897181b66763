"""Reads a Doppel dataset's DeepfakeBench export the way DeepfakeBench's loader does.

Follows training/dataset/abstract_dataset.py of DeepfakeBench: the index is
<json folder>/<dataset name>.json, read as info[name][label][mode] -> {video: {"label", "frames"}}
(no compression level for a dataset outside the FaceForensics++ family); a video's label string
must be in label_dict; frame paths are opened as they are, from the folder DeepfakeBench runs in;
the mask of a frame is its path with 'frames' replaced by 'masks', its landmarks the path with
'frames' replaced by 'landmarks' and '.png' by '.npy'.

Usage: deepfakebench_reader.py JSON_FOLDER NAME... (run in the folder DeepfakeBench would run in).
Prints one JSON object: videos and frames per name, label and mode; exits 1 on the first problem.
"""
import json
import os
import sys

import numpy as np
from PIL import Image

LABEL_DICT = {"Doppel_real": 0, "Doppel_fake": 1}  # the two entries a user adds
MODES = ("train", "val", "test")


def fail(msg):
    print("deepfakebench_reader: " + msg, file=sys.stderr)
    sys.exit(1)


def check_frame(path, label, size):
    if not os.path.exists(path):
        fail(path + ": no such frame")
    img = Image.open(path)
    if img.mode != "RGB" or img.size != (size, size):
        fail("%s: %s %s, not RGB %dx%d" % (path, img.mode, img.size, size, size))
    mask_path = path.replace("frames", "masks")
    if not os.path.exists(mask_path):
        fail(mask_path + ": no such mask")
    mask = np.array(Image.open(mask_path))
    if mask.shape != (size, size) or not set(np.unique(mask)) <= {0, 255}:
        fail("%s: mask %s with values %s" % (mask_path, mask.shape, np.unique(mask)))
    landmark_path = path.replace("frames", "landmarks").replace(".png", ".npy")
    if not os.path.exists(landmark_path):
        fail(landmark_path + ": no such landmarks")
    lm = np.load(landmark_path)
    if lm.shape != (81, 2) or lm.dtype != np.float32:
        fail("%s: %s %s, not (81, 2) float32" % (landmark_path, lm.shape, lm.dtype))
    inside = np.mean((lm >= -0.05 * size) & (lm <= 1.05 * size))
    if inside < 0.99:
        fail("%s: landmarks outside the crop" % landmark_path)
    return int((mask > 0).sum())


def main(folder, names):
    report = {}
    for name in names:
        with open(os.path.join(folder, name + ".json")) as f:
            info = json.load(f)
        per_label = {}
        size = None
        for label in info[name]:
            per_mode = {}
            for mode in MODES:
                videos = info[name][label][mode]
                counts = {}
                for video, v in videos.items():
                    if v["label"] not in LABEL_DICT:
                        fail("%s: label %s not in label_dict" % (video, v["label"]))
                    frames = v["frames"]
                    if not frames:
                        fail(video + ": no frames")
                    stems = [int(p.split("/")[-1].split(".")[0]) for p in frames]
                    if stems != sorted(stems):
                        fail(video + ": frames not in order")
                    if len(frames) > 32:
                        fail(video + ": more than 32 frames")
                    if v.get("masks") != [p.replace("frames", "masks") for p in frames]:
                        fail(video + ": masks list does not follow the frames")
                    if size is None:
                        size = Image.open(frames[0]).size[0]
                    masked = [check_frame(p, v["label"], size) for p in frames]
                    if v["label"] == "Doppel_real" and any(masked):
                        fail(video + ": a real with a non-empty mask")
                    if v["label"] == "Doppel_fake" and not all(masked):
                        fail(video + ": a fake frame with an empty mask")
                    counts[video] = len(frames)
                per_mode[mode] = counts
            per_label[label] = per_mode
        report[name] = per_label
    print(json.dumps(report, sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
