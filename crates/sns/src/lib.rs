//! Amazon SNS deliveries to an HTTP(S) endpoint (and the same envelope read from SQS): the
//! envelope ([`Envelope`]), its signature ([`Verifier`]: SignatureVersion 1 = SHA1withRSA,
//! 2 = SHA256withRSA, over the documented string to sign of each message type), and where
//! a signing certificate may come from (only `https://sns.<region>.amazonaws.com[.cn]/….pem`,
//! fetched once and cached; or one trusted certificate given by the operator).
//!
//! Nothing here acts on a message: it says whether a body is an SNS message AWS signed.

// Filled in by the SNS work (envelope.rs, verify.rs, certs.rs, der.rs).
