package dev.doppel.provenance.c2pa;

import java.util.List;

/**
 * What a file's C2PA manifest store says once checked.
 *
 * @param present whether the file holds a manifest store at all
 * @param signatureValid the claim's COSE signature verifies with the signer's certificate
 * @param signer the signing certificate's subject
 * @param trust "trusted", "development certificate (untrusted)" or "untrusted: ..."
 * @param assertionsValid every assertion the claim lists is present with the hash it records
 * @param bindingValid the hard binding (data or BMFF hash) matches the file's bytes
 * @param actions the actions recorded (c2pa.opened, c2pa.edited, ...)
 * @param digitalSourceType the IPTC source type an action declares, or null
 * @param generator the claim generator (name and version)
 * @param problem the first thing that failed, or null when all checks passed
 */
public record Verification(
    boolean present,
    boolean signatureValid,
    String signer,
    String trust,
    boolean assertionsValid,
    boolean bindingValid,
    List<String> actions,
    String digitalSourceType,
    String generator,
    String problem) {

  static Verification absent() {
    return new Verification(false, false, null, null, false, false, List.of(), null, null, null);
  }

  static Verification unreadable(String problem) {
    return new Verification(true, false, null, null, false, false, List.of(), null, null, problem);
  }

  /** Signature, assertions and binding all valid (trust is reported separately). */
  public boolean valid() {
    return present && signatureValid && assertionsValid && bindingValid;
  }
}
