// The benchmark's baseline: a bare `ws` echo server. Every message goes straight back as it came
// (text stays text), with the same socket options as the media-edge (no compression, 64 KiB
// max payload). Prints `listening <port>` once ready; stops on SIGTERM/SIGINT.
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 0);
const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 65536, perMessageDeflate: false, clientTracking: true });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => undefined);
});
wss.on('listening', () => process.stdout.write(`listening ${wss.address().port}\n`));
const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
