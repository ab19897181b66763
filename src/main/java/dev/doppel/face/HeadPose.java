package dev.doppel.face;

/**
 * Head orientation in degrees, from the mesh's own 3D axes: the cheek-to-cheek line (234 to 454)
 * and the forehead-to-chin line (10 to 152), orthonormalised.
 *
 * @param yaw positive when the face turns towards the image's right
 * @param pitch positive when the face tilts down (chin towards the chest)
 * @param roll positive when the face tilts clockwise in the image
 */
public record HeadPose(double yaw, double pitch, double roll) {
  static HeadPose of(Landmarks m) {
    double[] x = axis(m, MeshTopology.RIGHT_CHEEK, MeshTopology.LEFT_CHEEK);
    double[] y = axis(m, MeshTopology.FOREHEAD_TOP, MeshTopology.CHIN);
    double dot = x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
    for (int i = 0; i < 3; i++) y[i] -= dot * x[i];
    normalise(y);
    double yaw = Math.toDegrees(Math.atan2(x[2], Math.hypot(x[0], x[1])));
    double pitch = Math.toDegrees(Math.atan2(y[2], Math.hypot(y[0], y[1])));
    double roll = Math.toDegrees(Math.atan2(x[1], x[0]));
    return new HeadPose(yaw, pitch, roll);
  }

  private static double[] axis(Landmarks m, int from, int to) {
    double[] v = {m.x(to) - m.x(from), m.y(to) - m.y(from), m.z(to) - m.z(from)};
    normalise(v);
    return v;
  }

  private static void normalise(double[] v) {
    double n = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (n > 0) for (int i = 0; i < 3; i++) v[i] /= n;
  }
}
