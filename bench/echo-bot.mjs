// The bridge benchmark's bot: a minimal Twilio Media Streams echo bot, as a customer would write
// one. It reads `start` for the stream id and answers every `media` frame with a `media` frame
// carrying the same payload. Serves both the product's bridge engine and the bare proxy baseline.
// Prints `listening <port>` once ready; stops on SIGTERM/SIGINT.
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 0);
const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 1 << 20, perMessageDeflate: false, clientTracking: true });
wss.on('connection', (ws) => {
  let streamSid = '';
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let frame;
    try {
      frame = JSON.parse(data.toString('utf8'));
    } catch {
      return;
    }
    if (frame.event === 'media' && frame.media && typeof frame.media.payload === 'string') {
      ws.send(JSON.stringify({ event: 'media', streamSid, media: { payload: frame.media.payload } }));
    } else if (frame.event === 'start') {
      streamSid = String(frame.start?.streamSid ?? frame.streamSid ?? '');
    } else if (frame.event === 'stop') {
      ws.close(1000);
    }
  });
  ws.on('error', () => undefined);
});
wss.on('listening', () => process.stdout.write(`listening ${wss.address().port}\n`));
const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
