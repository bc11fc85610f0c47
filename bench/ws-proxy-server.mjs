// The bridge benchmark's baseline: a bare `ws` proxy. Each client socket gets its own upstream
// socket to BOT_URL; every message is forwarded as it came (text stays text) in both directions,
// messages sent before the upstream is open wait in a small queue, and a close on either side
// closes the other. Same socket options as the media-edge (no compression, 64 KiB max payload).
// Prints `listening <port>` once ready; stops on SIGTERM/SIGINT.
import WebSocket, { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 0);
const botUrl = process.env.BOT_URL;
if (!botUrl) throw new Error('BOT_URL is required');
const MAX_EARLY = 256;
const wss = new WebSocketServer({ host: '127.0.0.1', port, maxPayload: 65536, perMessageDeflate: false, clientTracking: true });
wss.on('connection', (client) => {
  const upstream = new WebSocket(botUrl, { perMessageDeflate: false, maxPayload: 65536 });
  const early = [];
  client.on('message', (data, isBinary) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
    else if (early.length < MAX_EARLY) early.push([data, isBinary]);
  });
  upstream.on('open', () => {
    for (const [data, isBinary] of early) upstream.send(data, { binary: isBinary });
    early.length = 0;
  });
  upstream.on('message', (data, isBinary) => {
    if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
  });
  const closeBoth = () => {
    if (client.readyState === WebSocket.OPEN) client.close(1000);
    if (upstream.readyState === WebSocket.OPEN) upstream.close(1000);
    else if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
  };
  client.on('close', closeBoth);
  upstream.on('close', closeBoth);
  client.on('error', () => undefined);
  upstream.on('error', () => undefined);
});
wss.on('listening', () => process.stdout.write(`listening ${wss.address().port}\n`));
const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
