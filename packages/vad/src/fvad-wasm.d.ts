/** Types for `@echogarden/fvad-wasm` 0.2.0 (an Emscripten build of libfvad that ships none). */
declare module '@echogarden/fvad-wasm' {
  /** The instantiated module: libfvad's C API plus the Emscripten heap. */
  export interface FvadWasmModule {
    /** `Fvad *fvad_new(void)`: 0 when out of memory. */
    _fvad_new(): number;
    _fvad_free(handle: number): void;
    /** Clears the state and sets mode and sample rate back to their defaults (0, 8000). */
    _fvad_reset(handle: number): void;
    /** 0 on success, −1 for a mode outside 0–3. */
    _fvad_set_mode(handle: number, mode: number): number;
    /** 0 on success, −1 for a rate other than 8000, 16000, 32000 or 48000. */
    _fvad_set_sample_rate(handle: number, rate: number): number;
    /** 1 speech, 0 not, −1 for a frame that is not 10, 20 or 30 ms. `frame` is a heap byte offset. */
    _fvad_process(handle: number, frame: number, length: number): number;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    /** View of the WASM memory; replaced when memory grows, so read it afresh on each use. */
    readonly HEAP16: Int16Array;
  }
  /** Instantiates the module (compiles `fvad.wasm` from beside the script). */
  const fvad: (moduleArg?: object) => Promise<FvadWasmModule>;
  export default fvad;
}
