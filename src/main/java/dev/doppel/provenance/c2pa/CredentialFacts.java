package dev.doppel.provenance.c2pa;

/**
 * What the Content Credentials of one output say about how it was made.
 *
 * @param title the output's file name
 * @param kind Doppel's kind of output: face-swap, pass-through, annotation
 * @param synthetic whether faces were altered: then the edit carries IPTC's digital source type
 *     compositeWithTrainedAlgorithmicMedia
 * @param inputName the input as the user named it (file, URL, device)
 * @param inputSha256 the input file's SHA-256, null for a stream
 * @param model the model's file name, null when none rendered the output
 * @param modelSha256 the model file's SHA-256, null with no model
 * @param watermark the invisible watermark's payload (8 hex digits), null when unmarked
 */
public record CredentialFacts(
    String title,
    String kind,
    boolean synthetic,
    String inputName,
    String inputSha256,
    String model,
    String modelSha256,
    String watermark) {}
