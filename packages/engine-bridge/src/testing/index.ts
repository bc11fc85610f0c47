/**
 * Test peers for the bridge engine: a scriptable bot server speaking the bot's side of every
 * bridge protocol on a real socket (unit tests, e2e tests through the product, `vr3-sim bot`).
 */
export { startTestBot, type TestBot, type TestBotOptions } from './test-bot.ts';
export { TestBotConnection, type TestBotMode, type BotCloseInfo } from './test-bot-connection.ts';
export { createBotSideCodec, type BotSideCodec } from './bot-side-codec.ts';
