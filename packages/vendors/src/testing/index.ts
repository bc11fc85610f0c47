/** Local stand-ins for the vendors' APIs (real HTTP/WebSocket servers on 127.0.0.1), scriptable and recording what they received. */
export {};
