#!/usr/bin/env node
// Verifies an audit export (export_audit's pages concatenated, JSON Lines) with the public key alone:
//
//   node scripts/verify-audit-export.mjs EXPORT.jsonl --public-key KEY.pem [--previous OLD.jsonl]
//
// Plain Node (no dependencies, nothing from this repository), so a third party can read and run it.
// Checks: every record's hash recomputes and links to the one before, seqs 1..n without a gap; every
// checkpoint's digest recomputes, chains to the previous one, is signed by KEY and names a record the
// export holds with the same hash; the seal is signed by KEY over the last record and the last
// checkpoint. With --previous, every checkpoint of the older export must still be there unchanged
// (catches a store wiped or truncated together with its checkpoints). Exit 0: verified; 1: not; 2: usage.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = 'usage: verify-audit-export.mjs EXPORT.jsonl --public-key KEY.pem [--previous OLD.jsonl]\n';

/** Object keys sorted, no whitespace, undefined members dropped: src/shared/canonical-json.ts. */
function canonicalJson(value) {
  const sortDeep = (v) => {
    if (Array.isArray(v)) return v.map(sortDeep);
    if (v !== null && typeof v === 'object') {
      const out = {};
      for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortDeep(v[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sortDeep(value));
}

const sha256 = (s) => createHash('sha256').update(s).digest('hex');

/** src/governance/audit/chain.ts: SHA-256 over prevHash, a newline, and the record without its hashes. */
function hashRecord(record) {
  const rest = { ...record };
  const prevHash = rest.prevHash;
  for (const k of ['prevHash', 'hash', 'type']) delete rest[k];
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(rest)).digest('hex');
}

/** src/governance/audit/checkpoint.ts: checkpointMessage and exportSealMessage. */
const checkpointMessage = ({ workspace, seq, headSeq, headHash, records, at, prevDigest, keyId }) =>
  `gf-audit-checkpoint/v1\n${canonicalJson({ workspace, seq, headSeq, headHash, records, at, prevDigest, keyId })}`;
const sealMessage = ({ workspace, headSeq, headHash, lastCheckpointDigest, at, keyId }) =>
  `gf-audit-export/v1\n${canonicalJson({ workspace, headSeq, headHash, lastCheckpointDigest, at, keyId })}`;

function signedBy(message, signature, key) {
  try {
    return verify(null, Buffer.from(message), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

function readLines(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new Error(`line ${i + 1} is not JSON`);
      }
    });
}

function verifyExport(lines, publicKeyPem, previous) {
  const problems = [];
  const key = createPublicKey(publicKeyPem);
  const keyId = sha256(key.export({ type: 'spki', format: 'der' })).slice(0, 16);
  const header = lines[0];
  if (header?.type !== 'header' || header.format !== 'gf-audit-export/v1') {
    return { problems: ['the first line is not a gf-audit-export/v1 header'] };
  }
  // The header's own publicKey is informational: only the key given on the command line is trusted.
  if (header.keyId !== keyId) problems.push(`the export was signed with key ${header.keyId}, not ${keyId}`);
  const workspace = header.workspace;
  const hashes = new Map();
  let prev = { seq: 0, hash: '' };
  const checkpoints = [];
  let seal;
  for (const line of lines.slice(1)) {
    if (line.workspace !== workspace) problems.push(`a ${line.type} line is for workspace ${line.workspace}`);
    if (line.type === 'record') {
      if (line.seq !== prev.seq + 1) problems.push(`record ${prev.seq + 1} is missing (next is ${line.seq})`);
      else if (line.prevHash !== prev.hash)
        problems.push(`record ${line.seq}: prevHash does not match record ${prev.seq}`);
      if (hashRecord(line) !== line.hash)
        problems.push(`record ${line.seq}: content does not match its hash`);
      hashes.set(line.seq, line.hash);
      prev = { seq: line.seq, hash: line.hash };
    } else if (line.type === 'checkpoint') {
      checkpoints.push(line);
    } else if (line.type === 'seal') {
      seal = line;
    } else {
      problems.push(`unknown line type ${line.type}`);
    }
  }
  let prevCp;
  for (const cp of checkpoints) {
    const expected = (prevCp?.seq ?? 0) + 1;
    if (cp.seq !== expected) problems.push(`checkpoint ${expected} is missing (next is ${cp.seq})`);
    else if (cp.prevDigest !== (prevCp?.digest ?? ''))
      problems.push(`checkpoint ${cp.seq}: prevDigest does not match`);
    const message = checkpointMessage(cp);
    if (sha256(message) !== cp.digest) problems.push(`checkpoint ${cp.seq}: fields do not match its digest`);
    if (!signedBy(message, cp.signature, key))
      problems.push(`checkpoint ${cp.seq}: signature does not verify`);
    if (cp.headSeq > 0 && hashes.get(cp.headSeq) !== cp.headHash) {
      problems.push(
        hashes.has(cp.headSeq)
          ? `checkpoint ${cp.seq}: record ${cp.headSeq} is not the one it signed (rewritten)`
          : `checkpoint ${cp.seq}: signed record ${cp.headSeq}, which the export does not hold (truncated)`,
      );
    }
    prevCp = cp;
  }
  if (!seal) problems.push('no seal line: the export is incomplete (concatenate every page)');
  else {
    if (!signedBy(sealMessage(seal), seal.signature, key))
      problems.push('the seal signature does not verify');
    if (seal.headSeq !== prev.seq || seal.headHash !== prev.hash)
      problems.push('the seal does not name the last record');
    if (seal.lastCheckpointDigest !== (prevCp?.digest ?? ''))
      problems.push('the seal does not name the last checkpoint');
  }
  if (previous) {
    const now = new Map(checkpoints.map((c) => [c.seq, c.digest]));
    for (const old of previous.filter((l) => l.type === 'checkpoint')) {
      if (now.get(old.seq) !== old.digest) {
        problems.push(
          `checkpoint ${old.seq} of the previous export is ${now.has(old.seq) ? 'changed' : 'gone'}`,
        );
      }
    }
  }
  return { problems, workspace, records: prev.seq, checkpoints: checkpoints.length, keyId };
}

function main() {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { 'public-key': { type: 'string' }, previous: { type: 'string' } },
    });
  } catch (err) {
    process.stderr.write(`${err.message}\n${USAGE}`);
    process.exit(2);
  }
  const file = args.positionals[0];
  const keyArg = args.values['public-key'];
  if (!file || !keyArg || args.positionals.length > 1) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  let result;
  try {
    const pem = keyArg.includes('-----BEGIN') ? keyArg : readFileSync(keyArg, 'utf8');
    const previous = args.values.previous ? readLines(args.values.previous) : undefined;
    result = verifyExport(readLines(file), pem, previous);
  } catch (err) {
    process.stderr.write(`verify-audit-export: ${err.message}\n`);
    process.exit(2);
  }
  if (result.problems.length > 0) {
    process.stdout.write(`NOT VERIFIED: ${result.problems.length} problem(s)\n`);
    for (const p of result.problems) process.stdout.write(`  - ${p}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `VERIFIED ${result.workspace}: ${result.records} record(s), ${result.checkpoints} checkpoint(s), key ${result.keyId}\n`,
  );
}

main();
