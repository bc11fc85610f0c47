// Receives a listening socket from the media-edge process over IPC and sends it back `count` times:
// each copy arrives as its own descriptor of the same socket (see accept-handles.ts). A connection
// this process happens to accept meanwhile is handed back too; then it closes its copy and exits.
'use strict';
process.on('message', (msg, server) => {
  if (!msg || msg.type !== 'listen' || !server) return;
  server.on('connection', (socket) => process.send({ type: 'connection' }, socket));
  let left = msg.count;
  const next = () => {
    if (left-- > 0) return void process.send({ type: 'listen' }, server, next);
    server.close();
    process.disconnect();
  };
  next();
});
