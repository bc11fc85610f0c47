export {
  ToolsSchema,
  ToolSchema,
  EndCallToolSchema,
  TransferCallToolSchema,
  HttpToolSchema,
  TOOL_DEFAULTS,
  TOOL_NAME_PATTERN,
  TOOLS_SECRET_FIELDS,
  MAX_TOOLS,
  type Tool,
  type Tools,
  type EndCallTool,
  type TransferCallTool,
  type HttpTool,
} from './spec.ts';
export { toolFunctions, dtmfText, type ToolFunction } from './functions.ts';
export { callHttpTool, type ToolOutcome, type HttpToolCallOptions } from './http-tool.ts';
export { toolAction, parseArguments, type ToolAction } from './actions.ts';
