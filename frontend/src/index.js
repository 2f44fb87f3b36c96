// Isoloir ballot protocol, version 1, in the browser (../shared/PROTOCOL.md).
//
// Creates a ballot (ElGamal ciphertexts, zero-one and exactly-one proofs) and its
// reference, and verifies ballots the same way the server does. Bundled by esbuild
// into static/js/isoloir-crypto.js as the global `IsoloirCrypto`; nothing here touches
// the page. Every random scalar comes from crypto.getRandomValues (64 bytes reduced
// mod q, so the bias is below 2^-250); tests pass their own `rand` to reproduce the
// vectors.

import { ristretto255 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import { sha256, sha512 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";

export const VERSION = "isoloir/v1";
export const BLANK = "blank";
const TAG_ZERO_ONE = "isoloir/v1/zero-one";
const TAG_EXACTLY_ONE = "isoloir/v1/exactly-one";

const Point = ristretto255.Point;
export const Q = Point.Fn.ORDER;
const G = Point.BASE;
const O = Point.ZERO;
const HEX64 = /^[0-9a-f]{64}$/;
const ID = /^[A-Za-z0-9._-]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A ballot or parameters the protocol refuses; `message` says which check failed. */
export class ProtocolError extends Error {
  constructor(message) {
    super(message);
    this.name = "ProtocolError";
  }
}

// --- encodings (PROTOCOL.md §Encodings) --------------------------------------------

function mod(a) {
  const r = a % Q;
  return r < 0n ? r + Q : r;
}

export function scalarToBytes(s) {
  return numberToBytesLE(mod(s), 32);
}

export function scalarToHex(s) {
  return bytesToHex(scalarToBytes(s));
}

export function scalarFromHex(value, what = "scalar") {
  if (typeof value !== "string" || !HEX64.test(value)) {
    throw new ProtocolError(`${what} must be 64 lowercase hex characters`);
  }
  const s = bytesToNumberLE(hexToBytes(value));
  if (s >= Q) throw new ProtocolError(`${what} is not reduced mod q`);
  return s;
}

/** A point from its canonical hex; the identity only where the protocol allows it. */
export function pointFromHex(value, what = "point", allowIdentity = false) {
  if (typeof value !== "string" || !HEX64.test(value)) {
    throw new ProtocolError(`${what} must be 64 lowercase hex characters`);
  }
  let point;
  try {
    point = Point.fromBytes(hexToBytes(value));
  } catch {
    throw new ProtocolError(`${what} is not a canonical ristretto255 point`);
  }
  if (!allowIdentity && point.is0()) throw new ProtocolError(`${what} must not be the identity`);
  return point;
}

function pointBytes(point) {
  return point.toBytes();
}

/** Canonical JSON: keys sorted, no spaces, integers only (as Python's json writes it). */
export function canonicalJson(value) {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new ProtocolError("canonical JSON holds integers only");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  throw new ProtocolError(`${typeof value} cannot be written as JSON`);
}

export function sha256Hex(text) {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** H(tag, fp, X1..Xn) = int_le(SHA-512(ascii(tag) || 0x00 || fp || X1 || …)) mod q. */
export function hashToScalar(tag, fp, ...items) {
  const hash = sha512.create();
  hash.update(utf8ToBytes(tag));
  hash.update(new Uint8Array([0]));
  if (fp.length !== 32) throw new ProtocolError("the context hash must be 32 bytes");
  hash.update(fp);
  for (const item of items) {
    const raw = typeof item === "bigint" ? scalarToBytes(item) : item;
    if (raw.length !== 32) throw new ProtocolError("every hashed item must be 32 bytes");
    hash.update(raw);
  }
  return bytesToNumberLE(hash.digest()) % Q;
}

/** A uniform scalar in [1, q−1]: 64 bytes of the system's CSPRNG reduced mod q. */
export function randomScalar() {
  const bytes = new Uint8Array(64);
  for (;;) {
    globalThis.crypto.getRandomValues(bytes);
    const s = bytesToNumberLE(bytes) % Q;
    if (s !== 0n) return s;
  }
}

// --- group operations: a multiplication by 0 or of O gives O -----------------------

function baseMult(s) {
  const k = mod(s);
  return k === 0n ? O : G.multiply(k);
}

// Secret scalars (r, w, t) go through multiply (constant time); public ones through
// multiplyUnsafe, which also accepts 0.
function mult(point, s) {
  const k = mod(s);
  return k === 0n || point.is0() ? O : point.multiply(k);
}

function multPublic(point, s) {
  return point.multiplyUnsafe(mod(s));
}

// --- scrutin parameters -------------------------------------------------------------

const PARAMS_KEYS = ["election", "options", "public_key", "scrutin", "version"];
const BALLOT_KEYS = ["answers", "exactly_one", "scrutin", "version"];
const ANSWER_KEYS = ["alpha", "beta", "proof"];
const PROOF_KEYS = ["challenge", "response"];

function checkKeys(obj, expected, what) {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
    throw new ProtocolError(`${what} must be a JSON object`);
  }
  const keys = Object.keys(obj).sort();
  if (keys.length !== expected.length || keys.some((key, i) => key !== expected[i])) {
    throw new ProtocolError(`${what}: expected the keys ${expected.join(", ")}, got ${keys.join(", ")}`);
  }
  return obj;
}

function checkList(obj, what, length) {
  if (!Array.isArray(obj)) throw new ProtocolError(`${what} must be a JSON array`);
  if (length !== undefined && obj.length !== length) {
    throw new ProtocolError(`${what} must have ${length} entries, not ${obj.length}`);
  }
  return obj;
}

const prepared = new Map();

/**
 * Checks a scrutin's public parameters and prepares them for use: the fingerprint,
 * and the public key Y with a precomputed table, so that every multiplication of a
 * ballot is a fixed-base one (G or Y).
 */
export function prepareParameters(params) {
  checkKeys(params, PARAMS_KEYS, "scrutin parameters");
  if (params.version !== VERSION) throw new ProtocolError(`version must be ${VERSION}`);
  if (typeof params.election !== "string" || !UUID.test(params.election)) {
    throw new ProtocolError("election id must be a UUID in canonical lowercase form");
  }
  if (typeof params.scrutin !== "string" || !ID.test(params.scrutin)) {
    throw new ProtocolError("scrutin id must be 1 to 64 characters of [A-Za-z0-9._-]");
  }
  const options = checkList(params.options, "options");
  for (const option of options) {
    if (typeof option !== "string" || !ID.test(option)) {
      throw new ProtocolError("option id must be 1 to 64 characters of [A-Za-z0-9._-]");
    }
  }
  if (options.length < 2 || options[options.length - 1] !== BLANK) {
    throw new ProtocolError("at least one list, and the blank vote last");
  }
  if (options.slice(0, -1).includes(BLANK)) throw new ProtocolError("a list id is never 'blank'");
  if (new Set(options).size !== options.length) throw new ProtocolError("option ids must be distinct");
  const fingerprintBytes = sha256(utf8ToBytes(canonicalJson(params)));
  const fingerprint = bytesToHex(fingerprintBytes);
  let entry = prepared.get(params.public_key);
  if (entry === undefined) {
    const y = pointFromHex(params.public_key, "public key");
    entry = y.precompute(8, false);
    prepared.set(params.public_key, entry);
  }
  return { params, options: [...options], fingerprint, fingerprintBytes, y: entry };
}

// --- ballot (PROTOCOL.md §Ballot) ---------------------------------------------------

function ballotHash(ciphertexts) {
  const hash = sha256.create();
  for (const [alpha, beta] of ciphertexts) {
    hash.update(alpha);
    hash.update(beta);
  }
  return hash.digest();
}

function proofJson(challenge, response) {
  return { challenge: scalarToHex(challenge), response: scalarToHex(response) };
}

/**
 * The encrypted ballot for `choice` (a list id or "blank") with its proofs.
 *
 * `rand` is drawn in the order the test vectors record: every r_j, then for each answer
 * its w, c_u and s_u, then the exactly-one proof's w. Only fixed-base multiplications
 * are used: the simulated branch takes the form t·G, t·Y + c_u·(u − v)·G with
 * t = s_u − c_u·r_j.
 */
export function createBallot(params, choice, rand = randomScalar) {
  const p = params.fingerprintBytes ? params : prepareParameters(params);
  if (!p.options.includes(choice)) throw new ProtocolError(`unknown option ${choice}`);
  const votes = p.options.map((option) => (option === choice ? 1 : 0));
  const { y, fingerprintBytes: fp } = p;

  const rs = votes.map(() => rand());
  const points = rs.map((r, j) => [baseMult(r), mult(y, r).add(votes[j] ? G : O)]);
  const ciphertexts = points.map(([alpha, beta]) => [pointBytes(alpha), pointBytes(beta)]);
  const bh = ballotHash(ciphertexts);

  const answers = votes.map((v, j) => {
    const r = rs[j];
    const w = rand();
    const cU = rand();
    const sU = rand();
    const u = 1 - v;
    const t = mod(sU - cU * r);
    const commitments = [];
    commitments[v] = [baseMult(w), mult(y, w)];
    commitments[u] = [baseMult(t), mult(y, t).add(baseMult(cU * BigInt(u - v)))];
    const [alpha, beta] = ciphertexts[j];
    const c = hashToScalar(
      TAG_ZERO_ONE,
      fp,
      bh,
      BigInt(j),
      alpha,
      beta,
      pointBytes(commitments[0][0]),
      pointBytes(commitments[0][1]),
      pointBytes(commitments[1][0]),
      pointBytes(commitments[1][1]),
    );
    const cV = mod(c - cU);
    const sV = mod(w + cV * r);
    const proof = [];
    proof[v] = proofJson(cV, sV);
    proof[u] = proofJson(cU, sU);
    return { alpha: bytesToHex(alpha), beta: bytesToHex(beta), proof };
  });

  const totalAlpha = points.reduce((sum, [alpha]) => sum.add(alpha), O);
  const totalBeta = points.reduce((sum, [, beta]) => sum.add(beta), O);
  const w = rand();
  const c = hashToScalar(
    TAG_EXACTLY_ONE,
    fp,
    bh,
    pointBytes(totalAlpha),
    pointBytes(totalBeta),
    pointBytes(baseMult(w)),
    pointBytes(mult(y, w)),
  );
  const s = mod(w + c * rs.reduce((sum, r) => sum + r, 0n));
  return { answers, exactly_one: proofJson(c, s), scrutin: p.fingerprint, version: VERSION };
}

/** The reference: SHA-256 of the ballot's canonical JSON, lowercase hex. */
export function ballotReference(ballot) {
  return sha256Hex(canonicalJson(ballot));
}

/**
 * Every check of PROTOCOL.md §Ballot, Verification 1–3 (weeding is the box's).
 * Returns the reference; throws a ProtocolError naming the first failed check.
 */
export function verifyBallot(params, ballot) {
  const p = params.fingerprintBytes ? params : prepareParameters(params);
  checkKeys(ballot, BALLOT_KEYS, "ballot");
  if (typeof ballot.version !== "string" || typeof ballot.scrutin !== "string") {
    throw new ProtocolError("ballot version and scrutin must be strings");
  }
  checkKeys(ballot.exactly_one, PROOF_KEYS, "exactly_one proof");
  checkList(ballot.answers, "answers").forEach((answer, index) => {
    checkKeys(answer, ANSWER_KEYS, `answer ${index}`);
    checkList(answer.proof, `answer ${index} proof`, 2).forEach((proof) =>
      checkKeys(proof, PROOF_KEYS, `answer ${index} proof`),
    );
  });
  if (ballot.version !== VERSION) throw new ProtocolError(`version must be ${VERSION}`);
  if (!HEX64.test(ballot.scrutin)) throw new ProtocolError("scrutin fingerprint must be 64 lowercase hex");
  if (ballot.scrutin !== p.fingerprint) throw new ProtocolError("the ballot is for another scrutin");
  if (ballot.answers.length !== p.options.length) {
    throw new ProtocolError(`${p.options.length} answers expected, not ${ballot.answers.length}`);
  }

  const decoded = ballot.answers.map((answer, j) => ({
    alpha: pointFromHex(answer.alpha, `alpha ${j}`),
    beta: pointFromHex(answer.beta, `beta ${j}`, true),
    proofs: answer.proof.map((proof) => [
      scalarFromHex(proof.challenge, `challenge ${j}`),
      scalarFromHex(proof.response, `response ${j}`),
    ]),
  }));
  const exactlyC = scalarFromHex(ballot.exactly_one.challenge, "exactly_one challenge");
  const exactlyS = scalarFromHex(ballot.exactly_one.response, "exactly_one response");
  if (new Set(ballot.answers.map((answer) => answer.alpha)).size !== ballot.answers.length) {
    throw new ProtocolError("two answers share the same alpha");
  }

  const { y, fingerprintBytes: fp } = p;
  const bh = ballotHash(ballot.answers.map((answer) => [hexToBytes(answer.alpha), hexToBytes(answer.beta)]));
  decoded.forEach(({ alpha, beta, proofs: [[c0, s0], [c1, s1]] }, j) => {
    const a0 = baseMult(s0).subtract(multPublic(alpha, c0));
    const b0 = multPublic(y, s0).subtract(multPublic(beta, c0));
    const a1 = baseMult(s1).subtract(multPublic(alpha, c1));
    const b1 = multPublic(y, s1).subtract(multPublic(beta.subtract(G), c1));
    const c = hashToScalar(
      TAG_ZERO_ONE,
      fp,
      bh,
      BigInt(j),
      hexToBytes(ballot.answers[j].alpha),
      hexToBytes(ballot.answers[j].beta),
      pointBytes(a0),
      pointBytes(b0),
      pointBytes(a1),
      pointBytes(b1),
    );
    if (mod(c0 + c1) !== c) throw new ProtocolError(`the zero-one proof of answer ${j} does not verify`);
  });

  const totalAlpha = decoded.reduce((sum, { alpha }) => sum.add(alpha), O);
  const totalBeta = decoded.reduce((sum, { beta }) => sum.add(beta), O);
  const t1 = baseMult(exactlyS).subtract(multPublic(totalAlpha, exactlyC));
  const t2 = multPublic(y, exactlyS).subtract(multPublic(totalBeta.subtract(G), exactlyC));
  const c = hashToScalar(
    TAG_EXACTLY_ONE,
    fp,
    bh,
    pointBytes(totalAlpha),
    pointBytes(totalBeta),
    pointBytes(t1),
    pointBytes(t2),
  );
  if (c !== exactlyC) throw new ProtocolError("the exactly-one proof does not verify");
  return ballotReference(ballot);
}
