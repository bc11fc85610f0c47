/**
 * Shapes of the call-control side of a provider (placing calls, answer documents, callbacks). The
 * descriptor slots that use them are optional until call control fills them in each provider's
 * folder; these types are the contract those implementations meet.
 */
import type { ConfiguredClientOptions } from './descriptor.ts';

/** An outbound call to place: dial `to` and connect the answered call to `streamUrl`. */
export interface PlaceCallRequest {
  /** The number to dial (E.164). */
  readonly to: string;
  /** The caller id to present; the provider's default when absent. */
  readonly from?: string | undefined;
  /** The run-bound stream URL the answered call is connected to. */
  readonly streamUrl: string;
  /** Where the provider posts status callbacks for this call. */
  readonly statusCallbackUrl?: string | undefined;
  /** Where the provider fetches the answer document, for providers that dial with one. */
  readonly answerUrl?: string | undefined;
  /** Sample rate the agent works at, for providers whose stream URL chooses it (Exotel `?sample-rate=`). */
  readonly sampleRate?: number | undefined;
}

/** A call the provider accepted to dial. */
export interface PlacedCall {
  /** The provider's id of the new call (call SID, call UUID, session token). */
  readonly callId: string;
}

/** What an answer document must connect the call to. */
export interface AnswerDocumentRequest {
  /** The stream URL the provider opens for the call. */
  readonly streamUrl: string;
  /** Sample rate the agent wants, when the provider lets the document choose. */
  readonly sampleRate?: number | undefined;
  /** Parameters handed to the stream (`<Parameter>`, extra headers). */
  readonly customParameters?: Readonly<Record<string, string>> | undefined;
}

/** A document the provider runs when a call is answered (CXML, TwiML, XML, Exotel's routing JSON). */
export interface AnswerDocument {
  readonly contentType: string;
  readonly body: string;
}

/** A callback request as received (the signature check needs the URL and the raw body). */
export interface ProviderCallbackRequest {
  readonly method: string;
  /** The public URL the provider called, with its query string. Never logged. */
  readonly url: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/** What a provider callback says about a call. */
export interface ProviderCallback {
  /** The provider's call id, when the callback names one. */
  readonly callId?: string | undefined;
  /** The provider's status word (`completed`, `busy`, `no-answer`, `StopStream`…). */
  readonly status?: string | undefined;
  readonly durationS?: number | undefined;
  readonly disconnectedBy?: string | undefined;
  readonly recordingUrl?: string | undefined;
  /** Every field of the callback, as text. */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Places an outbound call through the provider's REST API with a configuration's credentials.
 * Rejects with `ProviderApiError` (`place`; `retryable` says whether trying again may help) or
 * `ProviderConfigError` for a request the provider cannot take.
 */
export interface PlaceCall {
  (client: ConfiguredClientOptions, request: PlaceCallRequest, signal?: AbortSignal): Promise<PlacedCall>;
  /** Whether the provider needs a caller id (`from`) to place a call. */
  readonly requiresFrom: boolean;
  /** Whether the provider connects the answered call by fetching `answerUrl` (else it takes `streamUrl` in the request). */
  readonly usesAnswerUrl: boolean;
}

/** A stream to open on a call that is already live (`POST …/Call/{call_uuid}/Stream/`). */
export interface AttachStreamRequest {
  /** The provider's id of the live call. */
  readonly callId: string;
  /** The run-bound stream URL the provider opens. */
  readonly serviceUrl: string;
  /** Whether the stream may play audio into the call. */
  readonly bidirectional: boolean;
  /** Which side of the call is streamed (`inbound`, `outbound`, `both`); bidirectional streams need `inbound`. */
  readonly audioTrack: string;
  /** The stream's audio, one of {@link AttachStream.contentTypes}; by default the one for `sampleRate`. */
  readonly contentType?: string | undefined;
  /** Sample rate the agent works at, choosing the default `contentType`. */
  readonly sampleRate?: number | undefined;
  /** Where the provider posts the stream's status (`StartStream`, `PlayedStream`, `StopStream`). */
  readonly statusCallbackUrl?: string | undefined;
}

/** A stream the provider opened on a live call. */
export interface AttachedStream {
  /** The provider's id of the stream (`stream_id`), needed to stop it. */
  readonly streamId: string;
}

/**
 * Opens a stream on a live call through the provider's REST API. Rejects with `ProviderApiError`
 * (`attach`; 404: the call is not live) or `ProviderConfigError` for a request it cannot make.
 */
export interface AttachStream {
  (client: ConfiguredClientOptions, request: AttachStreamRequest, signal?: AbortSignal): Promise<AttachedStream>;
  /** The `contentType`s the provider streams. */
  readonly contentTypes: readonly string[];
}

/** Stops stream `streamId` of call `callId`; a stream the provider no longer knows counts as stopped. */
export type StopStream = (client: ConfiguredClientOptions, stream: { callId: string; streamId: string }, signal?: AbortSignal) => Promise<void>;

/** Builds the answer document that connects a call to a stream. */
export type BuildAnswerDocument = (request: AnswerDocumentRequest) => AnswerDocument;

/** Reads a provider callback; throws `ProviderConfigError(invalid_option)` for one it cannot read. */
export type ParseCallback = (request: ProviderCallbackRequest) => ProviderCallback;

/** How a provider signs its status callbacks (Twilio `X-Twilio-Signature`). */
export interface CallbackSignatureSpec {
  /** Lower-case header carrying the signature. */
  readonly header: string;
  /** The credential field holding the signing key. */
  readonly credentialField: string;
  /**
   * Whether `request` (its `url` being the public URL the provider called, query included) carries
   * the provider's valid signature under `secret`; constant time.
   */
  verify(request: ProviderCallbackRequest, secret: string): boolean;
}
