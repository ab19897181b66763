package dev.doppel.face;

import java.util.List;

/**
 * One face found by the detector, in frame pixels.
 *
 * @param keypoints BlazeFace's six: subject's right eye, left eye, nose tip, mouth centre, right
 *     ear tragion, left ear tragion (the subject's right eye appears on the image's left)
 */
public record Detection(Box box, double score, List<Point2> keypoints) {}
