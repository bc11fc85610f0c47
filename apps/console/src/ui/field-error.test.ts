import { describe, expect, it } from 'vitest';
import { ApiError } from '../api.ts';
import { fieldOfError } from './field-error.ts';

const FIELDS = ['name', 'engine.stt', 'engine.stt.model', 'api_base_url', 'base_url'];

describe('fieldOfError', () => {
  it("names the form's field the server's message starts with, the longest path first", () => {
    expect(fieldOfError(new ApiError(400, 'invalid_engine_config', 'engine.stt.model: Too small'), FIELDS)).toBe('engine.stt.model');
    expect(fieldOfError(new ApiError(400, 'invalid_engine_config', 'engine.stt: Invalid input'), FIELDS)).toBe('engine.stt');
    expect(fieldOfError(new ApiError(422, 'insecure_api_base_url', 'api_base_url must use https'), FIELDS)).toBe('api_base_url');
    expect(fieldOfError(new ApiError(422, 'insecure_base_url', 'base_url must use https'), FIELDS)).toBe('base_url');
  });

  it('names none for other messages, prefixes that are not a whole path, and errors that are not the API’s', () => {
    expect(fieldOfError(new ApiError(409, 'configuration_exists', 'a configuration for this provider and account already exists'), FIELDS)).toBeNull();
    expect(fieldOfError(new ApiError(400, 'validation_failed', 'names: too long'), FIELDS)).toBeNull();
    expect(fieldOfError(new Error('name: nope'), FIELDS)).toBeNull();
  });
});
