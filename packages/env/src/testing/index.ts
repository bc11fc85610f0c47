/**
 * Test helpers of `@vr3/env`: a self-signed certificate and key written to files, as an operator
 * would hand them to `VR3_TLS_CERT_FILE` / `VR3_TLS_KEY_FILE`.
 */
export { writeSelfSignedCertificate, type SelfSignedCertificate } from './certificate.ts';
