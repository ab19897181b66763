package dev.doppel.face;

import java.util.List;

/**
 * One face in one frame, everything later stages need.
 *
 * @param trackId the same number for the same person across frames of one video
 * @param box bounds of the mesh
 * @param score face-presence probability from the landmark model
 * @param landmarks smoothed 468-point mesh
 * @param detected whether the detector ran on this frame (otherwise the face was tracked)
 */
public record Face(
    int trackId,
    Box box,
    double score,
    Landmarks landmarks,
    FivePoints fivePoints,
    HeadPose pose,
    boolean detected) {

  static Face of(int trackId, double score, Landmarks mesh, boolean detected) {
    return new Face(
        trackId, mesh.bounds(), score, mesh, mesh.fivePoints(), HeadPose.of(mesh), detected);
  }

  /** The face outline polygon, for masks. */
  public List<Point2> maskPolygon() {
    return landmarks.faceOval();
  }
}
