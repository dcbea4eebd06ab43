//! A small, strict DER reader: just enough of X.509 to take the RSA public key out of a
//! certificate (Certificate → tbsCertificate → subjectPublicKeyInfo → BIT STRING).
//!
//! Why our own and not an X.509 crate: we need one path through one structure, and a reader
//! this size can be read in full, fuzzed (`fuzz/fuzz_targets/sns_cert_der.rs`) and trusted
//! never to panic. It is strict where DER is strict (definite, minimal lengths; no trailing
//! bytes) and refuses anything else with the offset and what was expected there.
//!
//! Nothing here checks the certificate's own signature, issuer or dates: the certificate is
//! trusted because of where it came from (an operator's file, or an HTTPS GET of an
//! `sns.<region>.amazonaws.com` URL, see [`crate::cert_url`]).

use thiserror::Error;

/// The DER tag of a SEQUENCE (constructed).
const TAG_SEQUENCE: u8 = 0x30;
/// The DER tag of an INTEGER.
const TAG_INTEGER: u8 = 0x02;
/// The DER tag of a BIT STRING.
const TAG_BIT_STRING: u8 = 0x03;
/// The DER tag of an OBJECT IDENTIFIER.
const TAG_OID: u8 = 0x06;
/// The DER tag of NULL.
const TAG_NULL: u8 = 0x05;
/// `[0] EXPLICIT` (context-specific, constructed, number 0): the certificate's optional version.
const TAG_VERSION: u8 = 0xa0;

/// rsaEncryption, 1.2.840.113549.1.1.1, as DER content bytes.
const OID_RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// Smallest RSA modulus ring verifies with (`RSA_PKCS1_2048_8192_*`), in bits.
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus ring verifies with, in bits.
pub const MAX_RSA_BITS: usize = 8192;

/// Why a certificate's DER was refused: where (byte offset from the start of the certificate)
/// and what was expected there, so a bad certificate file can be diagnosed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DerError {
    /// The input ended inside an element.
    #[error("DER: input ends at byte {offset} while reading {what}")]
    Truncated {
        /// Where the input ran out.
        offset: usize,
        /// What was being read.
        what: &'static str,
    },
    /// An element had another tag than the structure requires.
    #[error(
        "DER: expected {what} (tag 0x{expected:02x}) at byte {offset}, found tag 0x{found:02x}"
    )]
    UnexpectedTag {
        /// Where the element starts.
        offset: usize,
        /// What the structure requires there.
        what: &'static str,
        /// The tag required.
        expected: u8,
        /// The tag found.
        found: u8,
    },
    /// A length that DER does not allow (indefinite, not minimal, or too large).
    #[error("DER: bad length at byte {offset}: {reason}")]
    BadLength {
        /// Where the length octets start.
        offset: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Something other than a length or tag is malformed.
    #[error("DER: malformed {what} at byte {offset}: {reason}")]
    Malformed {
        /// Where the element starts.
        offset: usize,
        /// Which element.
        what: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Bytes left after an element that must be the last of its parent.
    #[error("DER: {count} unexpected byte(s) after {what} at byte {offset}")]
    TrailingBytes {
        /// Where the extra bytes start.
        offset: usize,
        /// The element that should have been last.
        what: &'static str,
        /// How many bytes are left.
        count: usize,
    },
    /// The certificate's key is not an RSA key.
    #[error("certificate key algorithm is {oid}, expected rsaEncryption (1.2.840.113549.1.1.1)")]
    NotRsa {
        /// The algorithm's OID, dotted (or hex when it does not decode).
        oid: String,
    },
    /// The RSA key has a size signatures cannot be checked with.
    #[error("certificate RSA key has {bits} bits, expected {MIN_RSA_BITS} to {MAX_RSA_BITS}")]
    KeySize {
        /// The modulus size in bits.
        bits: usize,
    },
}

/// An RSA public key taken out of a certificate: the PKCS#1 `RSAPublicKey` DER (what
/// `ring::signature::UnparsedPublicKey` takes for the `RSA_PKCS1_*` algorithms), already
/// checked to be a well-formed SEQUENCE of two positive INTEGERs of a usable size.
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    pkcs1: Vec<u8>,
    bits: usize,
}

impl RsaPublicKey {
    /// The PKCS#1 `RSAPublicKey` DER bytes.
    pub fn pkcs1_der(&self) -> &[u8] {
        &self.pkcs1
    }

    /// The modulus size in bits (for logs and errors).
    pub fn bits(&self) -> usize {
        self.bits
    }
}

impl std::fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaPublicKey({} bits)", self.bits)
    }
}

/// One element read: its tag, where it starts, and its content.
struct Tlv<'a> {
    tag: u8,
    offset: usize,
    content: &'a [u8],
    /// Offset of the content's first byte, for errors inside it.
    content_offset: usize,
}

/// A cursor over DER bytes that never indexes out of bounds; offsets are absolute (from the
/// start of the outermost input) so errors point at the byte in the file.
struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    fn new(input: &'a [u8], base: usize) -> Self {
        Reader {
            input,
            pos: 0,
            base,
        }
    }

    fn offset(&self) -> usize {
        self.base.saturating_add(self.pos)
    }

    fn is_empty(&self) -> bool {
        self.pos >= self.input.len()
    }

    fn remaining(&self) -> usize {
        self.input.len().saturating_sub(self.pos)
    }

    fn byte(&mut self, what: &'static str) -> Result<u8, DerError> {
        let b = self
            .input
            .get(self.pos)
            .copied()
            .ok_or(DerError::Truncated {
                offset: self.offset(),
                what,
            })?;
        self.pos += 1;
        Ok(b)
    }

    /// The tag of the next element, without consuming it.
    fn peek_tag(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// Reads any element (tag, definite minimal length, content).
    fn any(&mut self, what: &'static str) -> Result<Tlv<'a>, DerError> {
        let offset = self.offset();
        let tag = self.byte(what)?;
        if tag & 0x1f == 0x1f {
            return Err(DerError::Malformed {
                offset,
                what,
                reason: "high tag numbers are not used in certificates",
            });
        }
        let len_offset = self.offset();
        let first = self.byte(what)?;
        let len = if first < 0x80 {
            usize::from(first)
        } else if first == 0x80 {
            return Err(DerError::BadLength {
                offset: len_offset,
                reason: "indefinite length is not DER",
            });
        } else {
            let count = usize::from(first & 0x7f);
            if count > 4 {
                return Err(DerError::BadLength {
                    offset: len_offset,
                    reason: "length of more than 4 octets",
                });
            }
            let mut len: usize = 0;
            for i in 0..count {
                let b = self.byte(what)?;
                if i == 0 && b == 0 {
                    return Err(DerError::BadLength {
                        offset: len_offset,
                        reason: "long-form length with a leading zero octet is not minimal",
                    });
                }
                len = (len << 8) | usize::from(b);
            }
            if len < 0x80 {
                return Err(DerError::BadLength {
                    offset: len_offset,
                    reason: "long form used for a length under 128 is not minimal",
                });
            }
            len
        };
        let content_offset = self.offset();
        if len > self.remaining() {
            return Err(DerError::Truncated {
                offset: content_offset,
                what,
            });
        }
        let end = self.pos + len;
        let content = self.input.get(self.pos..end).ok_or(DerError::Truncated {
            offset: content_offset,
            what,
        })?;
        self.pos = end;
        Ok(Tlv {
            tag,
            offset,
            content,
            content_offset,
        })
    }

    /// Reads an element that must have `tag`.
    fn expect(&mut self, tag: u8, what: &'static str) -> Result<Tlv<'a>, DerError> {
        let tlv = self.any(what)?;
        if tlv.tag != tag {
            return Err(DerError::UnexpectedTag {
                offset: tlv.offset,
                what,
                expected: tag,
                found: tlv.tag,
            });
        }
        Ok(tlv)
    }

    /// Fails when bytes are left: `what` had to be the last element.
    fn finish(&self, what: &'static str) -> Result<(), DerError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(DerError::TrailingBytes {
                offset: self.offset(),
                what,
                count: self.remaining(),
            })
        }
    }
}

impl<'a> Tlv<'a> {
    /// A reader over this element's content.
    fn reader(&self) -> Reader<'a> {
        Reader::new(self.content, self.content_offset)
    }
}

/// Takes the RSA public key out of an X.509 certificate in DER.
///
/// Walks `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }`,
/// then `tbsCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
/// validity, subject, subjectPublicKeyInfo, … }`, checks the key algorithm is rsaEncryption,
/// and returns the `RSAPublicKey` inside the BIT STRING after checking its shape and size.
pub fn rsa_public_key_from_certificate(der: &[u8]) -> Result<RsaPublicKey, DerError> {
    let mut top = Reader::new(der, 0);
    let cert = top.expect(TAG_SEQUENCE, "Certificate SEQUENCE")?;
    top.finish("Certificate")?;

    let mut cert_r = cert.reader();
    let tbs = cert_r.expect(TAG_SEQUENCE, "tbsCertificate SEQUENCE")?;
    cert_r.expect(TAG_SEQUENCE, "signatureAlgorithm SEQUENCE")?;
    cert_r.expect(TAG_BIT_STRING, "signatureValue BIT STRING")?;
    cert_r.finish("signatureValue")?;

    let mut tbs_r = tbs.reader();
    if tbs_r.peek_tag() == Some(TAG_VERSION) {
        let version = tbs_r.expect(TAG_VERSION, "[0] version")?;
        let mut v = version.reader();
        let int = v.expect(TAG_INTEGER, "version INTEGER")?;
        v.finish("version INTEGER")?;
        if !matches!(int.content, [0] | [1] | [2]) {
            return Err(DerError::Malformed {
                offset: int.offset,
                what: "version",
                reason: "expected v1, v2 or v3 (0, 1 or 2)",
            });
        }
    }
    let serial = tbs_r.expect(TAG_INTEGER, "serialNumber INTEGER")?;
    check_integer(&serial, "serialNumber")?;
    tbs_r.expect(TAG_SEQUENCE, "signature AlgorithmIdentifier SEQUENCE")?;
    tbs_r.expect(TAG_SEQUENCE, "issuer Name SEQUENCE")?;
    tbs_r.expect(TAG_SEQUENCE, "validity SEQUENCE")?;
    tbs_r.expect(TAG_SEQUENCE, "subject Name SEQUENCE")?;
    let spki = tbs_r.expect(TAG_SEQUENCE, "subjectPublicKeyInfo SEQUENCE")?;
    // What follows (issuerUniqueID, subjectUniqueID, extensions) is not needed; each must
    // still be a well-formed element, so the tbsCertificate is read to its end.
    while !tbs_r.is_empty() {
        tbs_r.any("tbsCertificate trailing element")?;
    }

    public_key_from_spki(&spki)
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`.
fn public_key_from_spki(spki: &Tlv<'_>) -> Result<RsaPublicKey, DerError> {
    let mut r = spki.reader();
    let alg = r.expect(TAG_SEQUENCE, "AlgorithmIdentifier SEQUENCE")?;
    let bits = r.expect(TAG_BIT_STRING, "subjectPublicKey BIT STRING")?;
    r.finish("subjectPublicKey")?;

    let mut alg_r = alg.reader();
    let oid = alg_r.expect(TAG_OID, "algorithm OBJECT IDENTIFIER")?;
    if oid.content != OID_RSA_ENCRYPTION {
        return Err(DerError::NotRsa {
            oid: dotted_oid(oid.content),
        });
    }
    // rsaEncryption's parameters are NULL; tolerate them being absent, refuse anything else.
    if !alg_r.is_empty() {
        let null = alg_r.expect(TAG_NULL, "rsaEncryption parameters NULL")?;
        if !null.content.is_empty() {
            return Err(DerError::Malformed {
                offset: null.offset,
                what: "NULL",
                reason: "NULL has content",
            });
        }
    }
    alg_r.finish("AlgorithmIdentifier")?;

    let (unused, key) = bits.content.split_first().ok_or(DerError::Malformed {
        offset: bits.offset,
        what: "subjectPublicKey BIT STRING",
        reason: "empty (no unused-bits octet)",
    })?;
    if *unused != 0 {
        return Err(DerError::Malformed {
            offset: bits.offset,
            what: "subjectPublicKey BIT STRING",
            reason: "unused bits must be 0 for a key",
        });
    }
    rsa_public_key(key, bits.content_offset + 1)
}

/// Checks `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }` and the
/// modulus size, and keeps the bytes.
fn rsa_public_key(pkcs1: &[u8], base: usize) -> Result<RsaPublicKey, DerError> {
    let mut top = Reader::new(pkcs1, base);
    let seq = top.expect(TAG_SEQUENCE, "RSAPublicKey SEQUENCE")?;
    top.finish("RSAPublicKey")?;
    let mut r = seq.reader();
    let modulus = r.expect(TAG_INTEGER, "modulus INTEGER")?;
    let exponent = r.expect(TAG_INTEGER, "publicExponent INTEGER")?;
    r.finish("publicExponent")?;
    check_positive_integer(&modulus, "modulus")?;
    check_positive_integer(&exponent, "publicExponent")?;

    let magnitude = match modulus.content {
        [0, rest @ ..] => rest,
        all => all,
    };
    let bits = match magnitude.first() {
        Some(first) => magnitude.len() * 8 - first.leading_zeros() as usize,
        None => 0,
    };
    if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
        return Err(DerError::KeySize { bits });
    }
    Ok(RsaPublicKey {
        pkcs1: pkcs1.to_vec(),
        bits,
    })
}

/// DER INTEGER: at least one octet, minimal (no redundant leading 0x00 or 0xff).
fn check_integer(int: &Tlv<'_>, what: &'static str) -> Result<(), DerError> {
    let reason = match int.content {
        [] => "empty INTEGER",
        [0x00, next, ..] if *next < 0x80 => "INTEGER with a redundant leading zero",
        [0xff, next, ..] if *next >= 0x80 => "INTEGER with a redundant leading 0xff",
        _ => return Ok(()),
    };
    Err(DerError::Malformed {
        offset: int.offset,
        what,
        reason,
    })
}

/// A minimal DER INTEGER that is greater than zero.
fn check_positive_integer(int: &Tlv<'_>, what: &'static str) -> Result<(), DerError> {
    check_integer(int, what)?;
    let negative = int.content.first().is_some_and(|b| *b >= 0x80);
    let zero = int.content.iter().all(|b| *b == 0);
    if negative || zero {
        return Err(DerError::Malformed {
            offset: int.offset,
            what,
            reason: "must be a positive INTEGER",
        });
    }
    Ok(())
}

/// An OID's content as dotted text, for the "not RSA" error; hex when it does not decode.
fn dotted_oid(content: &[u8]) -> String {
    let hex = || {
        content
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    let mut in_arc = false;
    for &b in content {
        if value > (u64::MAX >> 7) {
            return format!("OID 0x{}", hex());
        }
        value = (value << 7) | u64::from(b & 0x7f);
        in_arc = b & 0x80 != 0;
        if !in_arc {
            arcs.push(value);
            value = 0;
        }
    }
    if in_arc {
        return format!("OID 0x{}", hex());
    }
    let Some(first) = arcs.first().copied() else {
        return "an empty OID".to_string();
    };
    let (a, b) = match first {
        0..=39 => (0, first),
        40..=79 => (1, first - 40),
        _ => (2, first - 80),
    };
    let mut out = format!("{a}.{b}");
    for arc in arcs.iter().skip(1) {
        out.push('.');
        out.push_str(&arc.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes one element with a DER length (short or long form as DER requires).
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = content.len();
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes: Vec<u8> = len
                .to_be_bytes()
                .iter()
                .copied()
                .skip_while(|b| *b == 0)
                .collect();
            out.push(0x80 | bytes.len() as u8);
            out.extend(bytes);
        }
        out.extend_from_slice(content);
        out
    }

    fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
        parts.concat()
    }

    /// An RSAPublicKey with a modulus of `bits` bits (top bit set) and exponent 65537.
    fn pkcs1(bits: usize) -> Vec<u8> {
        let mut n = vec![0xc5u8; bits / 8];
        n.insert(0, 0); // positive
        tlv(
            TAG_SEQUENCE,
            &cat(&[tlv(TAG_INTEGER, &n), tlv(TAG_INTEGER, &[1, 0, 1])]),
        )
    }

    fn spki(alg: Vec<u8>, key: &[u8]) -> Vec<u8> {
        let mut bits = vec![0u8];
        bits.extend_from_slice(key);
        tlv(TAG_SEQUENCE, &cat(&[alg, tlv(TAG_BIT_STRING, &bits)]))
    }

    fn rsa_alg() -> Vec<u8> {
        tlv(
            TAG_SEQUENCE,
            &cat(&[tlv(TAG_OID, OID_RSA_ENCRYPTION), tlv(TAG_NULL, &[])]),
        )
    }

    /// A certificate around `spki`, with or without the `[0]` version.
    fn cert(version: bool, spki: Vec<u8>, extra_tbs: &[u8]) -> Vec<u8> {
        let empty_seq = tlv(TAG_SEQUENCE, &[]);
        let mut tbs = Vec::new();
        if version {
            tbs.extend(tlv(TAG_VERSION, &tlv(TAG_INTEGER, &[2])));
        }
        tbs.extend(tlv(TAG_INTEGER, &[0x01, 0x02]));
        tbs.extend(rsa_alg());
        tbs.extend(empty_seq.clone()); // issuer
        tbs.extend(empty_seq.clone()); // validity (content not read)
        tbs.extend(empty_seq.clone()); // subject
        tbs.extend(spki);
        tbs.extend_from_slice(extra_tbs);
        tlv(
            TAG_SEQUENCE,
            &cat(&[
                tlv(TAG_SEQUENCE, &tbs),
                rsa_alg(),
                tlv(TAG_BIT_STRING, &[0, 1, 2, 3]),
            ]),
        )
    }

    #[test]
    fn v3_and_v1_certificates_give_the_key() {
        let key = pkcs1(2048);
        for version in [true, false] {
            let der = cert(version, spki(rsa_alg(), &key), &[]);
            let got = rsa_public_key_from_certificate(&der).expect("valid");
            assert_eq!(got.pkcs1_der(), key.as_slice());
            assert_eq!(got.bits(), 2048);
        }
    }

    #[test]
    fn extensions_after_the_key_are_read_and_skipped() {
        let key = pkcs1(4096);
        let ext = tlv(0xa3, &tlv(TAG_SEQUENCE, &[]));
        let got = rsa_public_key_from_certificate(&cert(true, spki(rsa_alg(), &key), &ext))
            .expect("valid");
        assert_eq!(got.bits(), 4096);
        // A malformed element there is refused.
        let err = rsa_public_key_from_certificate(&cert(true, spki(rsa_alg(), &key), &[0xa3, 5]))
            .unwrap_err();
        assert!(matches!(err, DerError::Truncated { .. }), "{err}");
    }

    #[test]
    fn absent_rsa_parameters_are_accepted() {
        let alg = tlv(TAG_SEQUENCE, &tlv(TAG_OID, OID_RSA_ENCRYPTION));
        let key = pkcs1(2048);
        assert!(rsa_public_key_from_certificate(&cert(true, spki(alg, &key), &[])).is_ok());
    }

    #[test]
    fn another_algorithm_is_refused_by_name() {
        // id-ecPublicKey 1.2.840.10045.2.1
        let ec = tlv(
            TAG_SEQUENCE,
            &tlv(TAG_OID, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]),
        );
        let err =
            rsa_public_key_from_certificate(&cert(true, spki(ec, &pkcs1(2048)), &[])).unwrap_err();
        assert_eq!(
            err,
            DerError::NotRsa {
                oid: "1.2.840.10045.2.1".into()
            }
        );
        assert!(err.to_string().contains("expected rsaEncryption"));
    }

    #[test]
    fn key_sizes_outside_ring_s_range_are_refused() {
        for bits in [1024, 2040, 8200] {
            let err =
                rsa_public_key_from_certificate(&cert(true, spki(rsa_alg(), &pkcs1(bits)), &[]))
                    .unwrap_err();
            assert!(matches!(err, DerError::KeySize { .. }), "{bits}: {err}");
        }
        assert!(
            rsa_public_key_from_certificate(&cert(true, spki(rsa_alg(), &pkcs1(8192)), &[]))
                .is_ok()
        );
    }

    #[test]
    fn non_der_lengths_are_refused() {
        // Indefinite.
        let err = rsa_public_key_from_certificate(&[0x30, 0x80, 0, 0]).unwrap_err();
        assert!(
            matches!(err, DerError::BadLength { offset: 1, .. }),
            "{err}"
        );
        // Long form for a short length.
        let err = rsa_public_key_from_certificate(&[0x30, 0x81, 0x01, 0x00]).unwrap_err();
        assert!(matches!(err, DerError::BadLength { .. }), "{err}");
        // Leading zero octet.
        let err = rsa_public_key_from_certificate(&[0x30, 0x82, 0x00, 0x80]).unwrap_err();
        assert!(matches!(err, DerError::BadLength { .. }), "{err}");
        // Five length octets.
        let err = rsa_public_key_from_certificate(&[0x30, 0x85, 1, 0, 0, 0, 0]).unwrap_err();
        assert!(matches!(err, DerError::BadLength { .. }), "{err}");
        // Longer than the input.
        let err = rsa_public_key_from_certificate(&[0x30, 0x82, 0x01, 0x00, 0]).unwrap_err();
        assert!(
            matches!(err, DerError::Truncated { offset: 4, .. }),
            "{err}"
        );
    }

    #[test]
    fn structural_faults_are_refused() {
        let key = pkcs1(2048);
        let good = cert(true, spki(rsa_alg(), &key), &[]);
        // Trailing byte after the certificate.
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(matches!(
            rsa_public_key_from_certificate(&trailing),
            Err(DerError::TrailingBytes { .. })
        ));
        // Cut anywhere: always an error, never a panic.
        for cut in 0..good.len() {
            assert!(
                rsa_public_key_from_certificate(&good[..cut]).is_err(),
                "{cut}"
            );
        }
        // Non-zero unused bits in the key's BIT STRING.
        let mut bits = vec![3u8];
        bits.extend_from_slice(&key);
        let odd = tlv(TAG_SEQUENCE, &cat(&[rsa_alg(), tlv(TAG_BIT_STRING, &bits)]));
        let err = rsa_public_key_from_certificate(&cert(true, odd, &[])).unwrap_err();
        assert!(err.to_string().contains("unused bits"), "{err}");
        // A negative modulus.
        let neg = tlv(
            TAG_SEQUENCE,
            &cat(&[tlv(TAG_INTEGER, &[0x80; 256]), tlv(TAG_INTEGER, &[3])]),
        );
        let err =
            rsa_public_key_from_certificate(&cert(true, spki(rsa_alg(), &neg), &[])).unwrap_err();
        assert!(err.to_string().contains("positive"), "{err}");
        // A version that does not exist.
        let mut tbs_bad_version = cert(true, spki(rsa_alg(), &key), &[]);
        let pos = tbs_bad_version
            .windows(5)
            .position(|w| w == [0xa0, 0x03, 0x02, 0x01, 0x02])
            .expect("version present");
        tbs_bad_version[pos + 4] = 7;
        let err = rsa_public_key_from_certificate(&tbs_bad_version).unwrap_err();
        assert!(err.to_string().contains("version"), "{err}");
        // The key where the SEQUENCE for subject should be.
        let err = rsa_public_key_from_certificate(&tlv(TAG_SEQUENCE, &tlv(TAG_INTEGER, &[1])))
            .unwrap_err();
        assert!(matches!(err, DerError::UnexpectedTag { .. }), "{err}");
    }

    #[test]
    fn the_committed_certificates_read_as_openssl_says() {
        use crate::certs::pem_certificate_der;
        use crate::testing;
        let der = pem_certificate_der(testing::CERT_PEM).unwrap();
        let key = rsa_public_key_from_certificate(&der).unwrap();
        assert_eq!(key.bits(), 2048);
        // `openssl x509 -noout -modulus` of sns-test-cert.pem starts A38CB4D1.
        let needle = [0x02, 0x82, 0x01, 0x01, 0x00, 0xa3, 0x8c, 0xb4, 0xd1];
        assert!(key.pkcs1_der().windows(needle.len()).any(|w| w == needle));
        let ec = pem_certificate_der(testing::EC_CERT_PEM).unwrap();
        assert!(matches!(
            rsa_public_key_from_certificate(&ec),
            Err(DerError::NotRsa { .. })
        ));
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            let _ = rsa_public_key_from_certificate(&bytes);
        }

        /// Byte changes inside a real certificate: an error or a key, never a panic.
        #[test]
        fn never_panics_on_a_mutated_certificate(
            changes in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()), 1..4),
        ) {
            let mut der = crate::certs::pem_certificate_der(crate::testing::CERT_PEM).unwrap();
            for (at, byte) in changes {
                let i = at.index(der.len());
                der[i] = byte;
            }
            if let Ok(key) = rsa_public_key_from_certificate(&der) {
                proptest::prop_assert!((MIN_RSA_BITS..=MAX_RSA_BITS).contains(&key.bits()));
            }
        }
    }

    #[test]
    fn oids_print_dotted() {
        assert_eq!(dotted_oid(OID_RSA_ENCRYPTION), "1.2.840.113549.1.1.1");
        assert_eq!(dotted_oid(&[]), "an empty OID");
        assert_eq!(dotted_oid(&[0x86]), "OID 0x86");
        assert!(dotted_oid(&[0xff; 20]).starts_with("OID 0x"));
    }
}
