// Checks the C2PA manifest store of each file named with @trustnxt/c2pa-ts, an implementation
// independent of Doppel's, and prints one JSON line per file:
// {"file", "found", "valid", "errors": [codes], "codes": [all codes], "actions", "sourceType"}.
// c2pa-ts's BMFF reader accepts only HEIF brands; its box parsing and BMFF hashing are those of
// ISO BMFF in general, so the MP4/QuickTime brands are added to the list it accepts.
import * as fs from 'node:fs/promises';
import { webcrypto } from 'node:crypto';

// Node 18 (Debian 12's) has WebCrypto only as node:crypto's export; c2pa-ts uses the global one
if (!globalThis.crypto) globalThis.crypto = webcrypto;
const { BMFF, JPEG, PNG } = await import('@trustnxt/c2pa-ts/asset');
const { SuperBox } = await import('@trustnxt/c2pa-ts/jumbf');
const { ManifestStore, ValidationResult } = await import('@trustnxt/c2pa-ts/manifest');

for (const brand of ['isom', 'iso2', 'mp41', 'mp42', 'avc1', 'qt  ']) BMFF.canReadBrands.add(brand);

for (const file of process.argv.slice(2)) {
  const buf = new Uint8Array(await fs.readFile(file));
  let asset;
  if (JPEG.canRead(buf)) asset = new JPEG(buf);
  else if (PNG.canRead(buf)) asset = new PNG(buf);
  else if (BMFF.canRead(buf)) asset = new BMFF(buf);
  else {
    console.log(JSON.stringify({ file, found: false, valid: false, errors: ['unknown format'] }));
    continue;
  }
  const jumbf = asset.getManifestJUMBF();
  if (!jumbf) {
    console.log(JSON.stringify({ file, found: false, valid: false, errors: [] }));
    continue;
  }
  let result;
  let actions = [];
  let sourceType = null;
  try {
    const store = ManifestStore.read(SuperBox.fromBuffer(jumbf));
    result = await store.validate(asset);
    const manifest = store.getActiveManifest();
    for (const a of manifest?.assertions?.getActionAssertions() ?? []) {
      for (const action of a.actions) {
        actions.push(action.action);
        if (action.digitalSourceType) sourceType = action.digitalSourceType;
      }
    }
  } catch (e) {
    result = ValidationResult.fromError(e);
  }
  const entries = result.statusEntries ?? [];
  console.log(
    JSON.stringify({
      file,
      found: true,
      valid: result.isValid,
      errors: entries.filter(e => !e.success).map(e => e.code),
      codes: entries.map(e => e.code),
      actions,
      sourceType,
    }),
  );
}
