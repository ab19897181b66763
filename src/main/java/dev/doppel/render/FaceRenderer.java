package dev.doppel.render;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.max;

import dev.doppel.blend.FaceBlender;
import dev.doppel.face.Alignment;
import dev.doppel.face.Face;
import dev.doppel.face.MeshTopology;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.SwapOutput;
import dev.doppel.swap.Swapper;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The per-face stage of every swap: align the face to the model's template, render it with the
 * model, blend it back through the exact inverse transform. {@code swap} and {@code dataset} both
 * render through here, so a stage added to it (a watermark, an enhancer, an occlusion mask) reaches
 * every output. It borrows the swapper and blender; their owners close them.
 */
public final class FaceRenderer {
  private final Swapper swapper;
  private final FaceBlender blender;

  public FaceRenderer(Swapper swapper, FaceBlender blender) {
    this.swapper = swapper;
    this.blender = blender;
  }

  /**
   * Renders one face into {@code frame}. When {@code writtenMask} (8-bit, frame-sized) is given,
   * the alpha actually used is max-combined into it: exactly the pixels Doppel changed.
   */
  public void render(Mat frame, Face face, Mat writtenMask) {
    ModelInfo info = swapper.info();
    Alignment alignment = Alignment.of(face.fivePoints(), info.template(), info.size());
    try (Mat crop = alignment.crop(frame);
        SwapOutput out = swapper.swap(crop);
        FaceBlender.Pasted pasted =
            blender.paste(
                frame,
                alignment,
                out.face(),
                out.mask(),
                face.maskPolygon(),
                face.landmarks().points(MeshTopology.LIPS_INNER))) {
      if (writtenMask != null && pasted.region().width() > 0) {
        try (Mat dst = writtenMask.apply(pasted.region());
            Mat alpha8 = new Mat()) {
          pasted.alpha().convertTo(alpha8, CV_8UC1, 255, 0);
          max(dst, alpha8, dst);
        }
      }
    }
  }
}
