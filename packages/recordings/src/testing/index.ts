export { startTestS3Server, type TestS3Server, type TestS3ServerOptions } from './s3-server.ts';
