package dev.doppel.face;

import java.util.ArrayList;
import java.util.List;

/**
 * The 468-point face mesh in frame pixels; z is depth in the same scale as x (smaller is nearer the
 * camera), as MediaPipe defines it. Immutable.
 */
public final class Landmarks {
  public static final int COUNT = 468;
  private final float[] xyz;

  public Landmarks(float[] xyz) {
    if (xyz.length != COUNT * 3) throw new IllegalArgumentException("need 468 x,y,z triples");
    this.xyz = xyz.clone();
  }

  public int size() {
    return COUNT;
  }

  public double x(int i) {
    return xyz[3 * i];
  }

  public double y(int i) {
    return xyz[3 * i + 1];
  }

  public double z(int i) {
    return xyz[3 * i + 2];
  }

  public Point2 point(int i) {
    return new Point2(xyz[3 * i], xyz[3 * i + 1]);
  }

  public List<Point2> points(int... indices) {
    List<Point2> out = new ArrayList<>(indices.length);
    for (int i : indices) out.add(point(i));
    return out;
  }

  public List<Point2> all() {
    List<Point2> out = new ArrayList<>(COUNT);
    for (int i = 0; i < COUNT; i++) out.add(point(i));
    return out;
  }

  /** A copy of the raw x,y,z triples. */
  public float[] toArray() {
    return xyz.clone();
  }

  public Box bounds() {
    return Box.bounding(all());
  }

  /** Eye centres, nose tip and mouth corners, image-left first (see {@link FivePoints}). */
  public FivePoints fivePoints() {
    return new FivePoints(
        centroid(MeshTopology.RIGHT_EYE),
        centroid(MeshTopology.LEFT_EYE),
        point(MeshTopology.NOSE_TIP),
        point(MeshTopology.MOUTH_RIGHT_CORNER),
        point(MeshTopology.MOUTH_LEFT_CORNER));
  }

  /** The face outline, ordered around the face, as a polygon for masks. */
  public List<Point2> faceOval() {
    return points(MeshTopology.FACE_OVAL);
  }

  private Point2 centroid(int[] indices) {
    double sx = 0;
    double sy = 0;
    for (int i : indices) {
      sx += x(i);
      sy += y(i);
    }
    return new Point2(sx / indices.length, sy / indices.length);
  }
}
