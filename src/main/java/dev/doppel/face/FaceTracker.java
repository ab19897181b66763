package dev.doppel.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Finds and follows every face of a video, frame by frame, with a stable id per person.
 *
 * <p>MediaPipe's approach: the detector runs every {@code detectEvery} frames, and at once when a
 * track is lost; in between, each face's landmark crop is placed from its previous mesh. A track
 * ends when the landmark model's face-presence drops below the threshold; if a detection turns up
 * where a track recently ended, the track resumes under its old id.
 *
 * <p>Owns its two networks; not thread-safe; close it when done.
 */
public final class FaceTracker implements AutoCloseable {
  private static final double SAME_FACE_IOU = 0.3;
  private static final int REMEMBER_LOST_FRAMES = 50;

  private final TrackerSettings settings;
  private final BlazeFaceDetector detector;
  private final FaceMeshModel mesh;
  private final List<Track> active = new ArrayList<>();
  private final List<Track> lost = new ArrayList<>();
  private final StageTimes times = new StageTimes();
  private int nextId = 1;
  private long frameIndex = -1;
  private long lastDetection = Long.MIN_VALUE / 2;

  private static final class Track {
    final int id;
    FaceRoi roi;
    Box lastBox;
    long lastSeen;
    LandmarkSmoother smoother = new LandmarkSmoother();

    Track(int id) {
      this.id = id;
    }
  }

  public FaceTracker(TrackerSettings settings) {
    this.settings = settings;
    this.detector = new BlazeFaceDetector(settings.range(), settings.minDetectionScore());
    this.mesh = new FaceMeshModel();
  }

  /** Milliseconds spent in detection and in the mesh model so far. */
  public StageTimes times() {
    return times;
  }

  /**
   * Frames narrower or lower than this hold no face Doppel can analyse (the detector sees 128 px,
   * the mesh 192 px): they simply have no faces.
   */
  public static final int MIN_FRAME_SIDE = 32;

  /** The faces of the next frame, ordered by track id. */
  public List<Face> next(Mat bgr, double seconds) {
    frameIndex++;
    if (bgr.cols() < MIN_FRAME_SIDE || bgr.rows() < MIN_FRAME_SIDE) return List.of();
    forgetOldLostTracks();
    List<Face> faces = new ArrayList<>();
    boolean detectNow = active.isEmpty() || frameIndex - lastDetection >= settings.detectEvery();
    if (detectNow) detect(bgr);
    boolean anyLost = follow(List.copyOf(active), bgr, seconds, faces, detectNow);
    if (anyLost && !detectNow) {
      // a face slipped out of its crop: look for it (and any newcomer) in this same frame
      follow(detect(bgr), bgr, seconds, faces, true);
    }
    removeDuplicates(faces);
    return faces;
  }

  /** Runs the detector and starts (or resumes) a track per new face; returns those tracks. */
  private List<Track> detect(Mat bgr) {
    long start = System.nanoTime();
    List<Detection> detections = detector.detect(bgr);
    times.add("detect", System.nanoTime() - start);
    lastDetection = frameIndex;
    List<Track> added = new ArrayList<>();
    for (Detection d : detections) {
      if (active.size() >= settings.maxFaces()) break;
      if (active.stream().anyMatch(t -> sameFace(t.lastBox, d.box()))) continue;
      Track track =
          lost.stream()
              .filter(t -> sameFace(t.lastBox, d.box()))
              .max(Comparator.comparingLong(t -> t.lastSeen))
              .orElse(null);
      if (track != null) {
        lost.remove(track);
        track.smoother = new LandmarkSmoother();
      } else {
        track = new Track(nextId++);
      }
      track.roi = FaceRoi.fromDetection(d);
      track.lastBox = d.box();
      active.add(track);
      added.add(track);
    }
    return added;
  }

  /** Runs the mesh on each given track; returns whether any was lost. */
  private boolean follow(
      List<Track> tracks, Mat bgr, double seconds, List<Face> out, boolean detected) {
    boolean anyLost = false;
    for (Track t : tracks) {
      long start = System.nanoTime();
      FaceMeshModel.Result r = mesh.run(bgr, t.roi);
      times.add("mesh", System.nanoTime() - start);
      if (r.presence() < settings.minPresence()) {
        active.remove(t);
        lost.add(t);
        anyLost = true;
        continue;
      }
      Landmarks raw = r.landmarks();
      t.roi = FaceRoi.fromLandmarks(raw);
      t.lastBox = raw.bounds();
      t.lastSeen = frameIndex;
      Landmarks shown = settings.smoothing() ? t.smoother.smooth(raw, seconds) : raw;
      out.add(Face.of(t.id, r.presence(), shown, detected));
    }
    return anyLost;
  }

  private static boolean sameFace(Box track, Box detection) {
    Point2 c = detection.center();
    boolean inside =
        c.x() >= track.x()
            && c.x() <= track.x() + track.width()
            && c.y() >= track.y()
            && c.y() <= track.y() + track.height();
    return inside || track.iou(detection) > SAME_FACE_IOU;
  }

  /** Two tracks that converged on one face: keep the older id. */
  private void removeDuplicates(List<Face> faces) {
    faces.sort(Comparator.comparingInt(Face::trackId));
    for (int i = 0; i < faces.size(); i++) {
      for (int j = faces.size() - 1; j > i; j--) {
        if (faces.get(i).box().iou(faces.get(j).box()) > 0.5) {
          int dropped = faces.get(j).trackId();
          faces.remove(j);
          active.removeIf(t -> t.id == dropped);
        }
      }
    }
  }

  private void forgetOldLostTracks() {
    lost.removeIf(t -> frameIndex - t.lastSeen > REMEMBER_LOST_FRAMES);
  }

  @Override
  public void close() {
    detector.close();
    mesh.close();
  }
}
