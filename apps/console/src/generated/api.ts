/**
 * The REST API's types, generated from its OpenAPI document (GET /api/v1/openapi.json) by
 * openapi-typescript. Do not edit: run `npm run openapi:types`.
 */
export type paths = {
    "/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List agents, newest first */
        get: operations["listAgents"];
        put?: never;
        /** Create an agent (its first draft version) */
        post: operations["createAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agents/{uuid}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An agent */
        get: operations["getAgent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change an agent's name or draft engine configuration */
        patch: operations["updateAgent"];
        trace?: never;
    };
    "/agents/{uuid}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Archive an agent: its stream URL refuses new calls */
        post: operations["archiveAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agents/{uuid}/attach": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stream a live call to the agent through the provider's API (Vobiz, Plivo) */
        post: operations["attachToCall"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agents/{uuid}/calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Place an outbound call: the provider dials `to` and streams the answered call to the agent */
        post: operations["placeCall"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agents/{uuid}/publish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish the draft: new calls run it */
        post: operations["publishAgent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/answer/{provider}/{agent_uuid}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The answer URL to paste into a provider's console: the document connecting an incoming call to the agent */
        get: operations["getAnswerDocument"];
        put?: never;
        /** The answer URL, fetched with POST */
        post: operations["postAnswerDocument"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's API keys */
        get: operations["listApiKeys"];
        put?: never;
        /** Create an API key (the key is in this response only) */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key at once */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/accept-invitation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept an invitation: creates the user and signs in */
        post: operations["acceptInvitation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in: sets the session cookie; the body carries its CSRF token */
        post: operations["signIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out: revokes the session and clears its cookie */
        post: operations["signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/callbacks/{provider}/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A provider's callback sent as a GET (Exotel's Passthru applet), authorized like the POST */
        get: operations["getProviderCallback"];
        put?: never;
        /** A provider's status callback for a run (callback secret `s` in the query, or the provider's signature) */
        post: operations["postProviderCallback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/calls/{run_id}/answer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An outbound call's run-bound answer URL (stream_token in the query) */
        get: operations["getOutboundAnswer"];
        put?: never;
        /** An outbound call's run-bound answer URL, fetched with POST */
        post: operations["postOutboundAnswer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/campaigns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List campaigns with their progress, newest first */
        get: operations["listCampaigns"];
        put?: never;
        /** Create a campaign from a JSON body, or from a CSV contact list (`text/csv` body, the settings in the query string) */
        post: operations["createCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/campaigns/{campaign_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A campaign: settings, state and progress */
        get: operations["getCampaign"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/campaigns/{campaign_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a campaign: its queued contacts are cancelled, calls in progress carry on */
        post: operations["cancelCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/campaigns/{campaign_id}/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A campaign's contacts in list order, optionally in one state */
        get: operations["listCampaignContacts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/campaigns/{campaign_id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a campaign: nothing more is dialled, calls in progress carry on */
        post: operations["pauseCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/campaigns/{campaign_id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused campaign */
        post: operations["resumeCampaign"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/live-calls/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's live calls as Server-Sent Events (docs/live-calls.md) */
        get: operations["liveCallEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is calling: the API key or the signed-in session */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change one's password (revokes one's other sessions) */
        post: operations["changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI 3.1 document */
        get: operations["getOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List runs, newest first, with filters */
        get: operations["listRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run */
        get: operations["getRun"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run's events, in order */
        get: operations["listRunEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/hangup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Hang up a live call */
        post: operations["hangUpRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/recording": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The run's two-channel WAV recording (caller left, agent right); Range requests answered 206 */
        get: operations["getRunRecording"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Stop an attached stream through the provider (the call goes on) */
        delete: operations["stopAttachedStream"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/webhook-deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every attempt at delivering a run's webhook events, newest first */
        get: operations["listRunWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/service-credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List service credentials, newest first */
        get: operations["listServiceCredentials"];
        put?: never;
        /** Store a voice vendor's API key (write-only) */
        post: operations["createServiceCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/service-credentials/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A service credential */
        get: operations["getServiceCredential"];
        put?: never;
        post?: never;
        /** Delete a service credential no agent uses */
        delete: operations["deleteServiceCredential"];
        options?: never;
        head?: never;
        /** Change a service credential */
        patch: operations["updateServiceCredential"];
        trace?: never;
    };
    "/service-credentials/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check the stored key with one read of the vendor's API */
        post: operations["testServiceCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stats/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's calls per hour, failure reasons, minutes against quota and latency distributions over a range */
        get: operations["getOverviewStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/telephony-configurations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List telephony configurations, newest first */
        get: operations["listTelephonyConfigurations"];
        put?: never;
        /** Create a telephony configuration (a provider account and its write-only credentials) */
        post: operations["createTelephonyConfiguration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/telephony-configurations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A telephony configuration */
        get: operations["getTelephonyConfiguration"];
        put?: never;
        post?: never;
        /** Delete a telephony configuration */
        delete: operations["deleteTelephonyConfiguration"];
        options?: never;
        head?: never;
        /** Change a telephony configuration */
        patch: operations["updateTelephonyConfiguration"];
        trace?: never;
    };
    "/telephony-configurations/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check the stored credentials with one read of the provider's account */
        post: operations["testTelephonyConfiguration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's users, oldest first */
        get: operations["listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a user */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        /** Change a user's role */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/users/{user_id}/quota": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user's quota and current usage */
        get: operations["getQuota"];
        /** Replace a user's quota (null = unlimited) */
        put: operations["putQuota"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The organization's invitations, newest first (never their tokens) */
        get: operations["listInvitations"];
        put?: never;
        /** Invite a person (the single-use token is in this response only) */
        post: operations["inviteUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/invitations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an invitation not yet accepted: its token no longer accepts */
        delete: operations["revokeInvitation"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        Agent: {
            /** @description answer URL per provider, to paste into its console */
            answer_urls: {
                [key: string]: string;
            } | null;
            archived: boolean;
            archived_at: string | null;
            /** Format: date-time */
            created_at: string;
            draft_version: number | null;
            /** @description the draft engine configuration (else the published one), without its secret fields */
            engine: {
                [key: string]: unknown;
            } | null;
            /** @description paths of the secret fields that are set */
            engine_secrets_set: string[] | null;
            name: string;
            published_engine: {
                [key: string]: unknown;
            } | null;
            published_engine_secrets_set: string[] | null;
            published_version: number | null;
            /** @description call recording opt-in (docs/recordings.md) */
            recording: {
                enabled: boolean;
            };
            /** @description stream URL per provider */
            stream_urls: {
                [key: string]: string;
            } | null;
            /** Format: date-time */
            updated_at: string;
            /** Format: uuid */
            uuid: string;
            /** @description a webhook signing secret is stored (write-only) */
            webhook_secret_set: boolean;
            /** @description where run.started / run.ended are POSTed (docs/webhooks.md) */
            webhook_url: string | null;
        };
        AgentPage: {
            data: components["schemas"]["Agent"][];
            next_cursor: string | null;
        };
        ApiKey: {
            /** Format: date-time */
            created_at: string;
            expires_at: string | null;
            id: string;
            last_used_at: string | null;
            name: string;
            prefix: string;
            revoked: boolean;
            revoked_at: string | null;
            /** @enum {string} */
            role: "admin" | "member";
            user_id: string;
        };
        ApiKeyList: {
            data: components["schemas"]["ApiKey"][];
        };
        Campaign: {
            agent_uuid: string;
            calls_per_second: number;
            /** Format: date-time */
            created_at: string;
            ended_at: string | null;
            from: string | null;
            id: string;
            max_concurrent: number;
            max_duration_s: number | null;
            name: string;
            /** @description the error code that made the dialer pause it; null when paused by a person */
            paused_reason: string | null;
            progress: components["schemas"]["CampaignProgress"];
            retry: {
                attempts: number;
                delay_s: number;
                on: ("busy" | "no_answer")[];
            } | null;
            /** @enum {string} */
            state: "running" | "paused" | "cancelled" | "completed";
            telephony_configuration_id: string;
            /** Format: date-time */
            updated_at: string;
            window: {
                days?: ("sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat")[];
                end: string;
                start: string;
                timezone: string;
            } | null;
        };
        CampaignContact: {
            attempts: number;
            current_run_id: string | null;
            id: string;
            initial_context: {
                [key: string]: unknown;
            };
            last_end_reason: string | null;
            /** @description queued contacts: not dialled before this time */
            next_attempt_at: string | null;
            /** @description 1-based place in the list as given */
            position: number;
            run_ids: string[];
            /** @enum {string} */
            state: "queued" | "dialling" | "completed" | "failed" | "cancelled";
            to: string;
            /** Format: date-time */
            updated_at: string;
        };
        CampaignContactPage: {
            data: components["schemas"]["CampaignContact"][];
            next_cursor: string | null;
        };
        CampaignPage: {
            data: components["schemas"]["Campaign"][];
            next_cursor: string | null;
        };
        CampaignProgress: {
            cancelled: number;
            completed: number;
            dialling: number;
            /** @description calls placed, retries included */
            dials: number;
            failed: number;
            /** @description failed contacts by the end reason of their last attempt */
            failed_by_reason: {
                [key: string]: number;
            };
            queued: number;
            total: number;
        };
        CreatedApiKey: {
            /** Format: date-time */
            created_at: string;
            expires_at: string | null;
            id: string;
            /** @description the key itself, shown in this response only */
            key: string;
            last_used_at: string | null;
            name: string;
            prefix: string;
            revoked: boolean;
            revoked_at: string | null;
            /** @enum {string} */
            role: "admin" | "member";
            user_id: string;
        };
        CreatedInvitation: {
            accepted_at: string | null;
            /** Format: date-time */
            created_at: string;
            email: string;
            /** Format: date-time */
            expires_at: string;
            id: string;
            invitation_url: string | null;
            invited_by_email: string | null;
            /** @description the user who invited; null once that user is removed */
            invited_by_id: string | null;
            revoked_at: string | null;
            /** @enum {string} */
            role: "admin" | "member";
            /**
             * @description pending until accepted, revoked or past expires_at
             * @enum {string}
             */
            state: "pending" | "accepted" | "expired" | "revoked";
            /** @description single-use, shown in this response only */
            token: string;
        };
        CredentialTestResult: {
            /** Format: date-time */
            checked_at: string;
            error?: {
                /** @enum {string} */
                code: "invalid_credentials" | "unreachable" | "unexpected_response" | "address_not_allowed" | "invalid_configuration";
                message: string;
            };
            /** @description from sending the request to its answer or failure */
            latency_ms: number;
            /** @description true when the provider or vendor accepted the credentials */
            ok: boolean;
            /** @description the provider's or vendor's HTTP status, when it answered */
            status?: number;
        };
        Error: {
            error: {
                code: string;
                message: string;
            };
        };
        Invitation: {
            accepted_at: string | null;
            /** Format: date-time */
            created_at: string;
            email: string;
            /** Format: date-time */
            expires_at: string;
            id: string;
            invited_by_email: string | null;
            /** @description the user who invited; null once that user is removed */
            invited_by_id: string | null;
            revoked_at: string | null;
            /** @enum {string} */
            role: "admin" | "member";
            /**
             * @description pending until accepted, revoked or past expires_at
             * @enum {string}
             */
            state: "pending" | "accepted" | "expired" | "revoked";
        };
        InvitationPage: {
            data: components["schemas"]["Invitation"][];
            next_cursor: string | null;
        };
        KeyPrincipal: {
            api_key_id: string;
            organization_id: string;
            /** @enum {string} */
            role: "admin" | "member";
            user_id: string;
        };
        LatencyHistogram: {
            buckets: {
                count: number;
                from_ms: number;
                /** @description exclusive; null for the last bucket */
                to_ms: number | null;
            }[];
            count: number;
            p50: number | null;
            p95: number | null;
        };
        LiveCall: {
            agent: {
                name: string;
                uuid: string;
            };
            /** @enum {string} */
            call_type: "inbound" | "outbound";
            called_number: string | null;
            caller_number: string | null;
            /** Format: date-time */
            created_at: string;
            /** @description outbound calls: the provider's last dial status */
            dial_status: string | null;
            duration_seconds: number | null;
            /** @description the media-edge holding the call; null while an outbound call is still dialling */
            edge_id: string | null;
            end_reason: string | null;
            ended_at: string | null;
            id: string;
            name: string;
            /** @description the telephony provider */
            provider: string;
            /** @description when the provider's start was accepted: the duration counts from here */
            started_at: string | null;
            /** @enum {string} */
            state: "initialized" | "running" | "completed" | "failed";
        };
        LiveCallChange: {
            call: components["schemas"]["LiveCall"];
        };
        LiveCallsSnapshot: {
            /** @description the live calls (initialized or running), oldest first */
            calls: components["schemas"]["LiveCall"][];
            /**
             * Format: date-time
             * @description the server's clock when it sent the snapshot
             */
            server_time: string;
            /** @description this principal receives call.transcript events */
            transcripts: boolean;
            /** @description more calls are live than the snapshot lists (1000) */
            truncated: boolean;
        };
        LiveTranscriptLine: {
            /** Format: date-time */
            at: string;
            /** @description role (caller or agent), text, interrupted, … */
            data: {
                [key: string]: unknown;
            };
            run_id: string;
            seq: number;
        };
        Me: components["schemas"]["Session"] | components["schemas"]["KeyPrincipal"];
        MediaStats: {
            audio_in_ms: number;
            audio_out_ms: number;
            frames_dropped: number;
            frames_dropped_by_reason: {
                [key: string]: number;
            };
            frames_in: number;
            frames_out: number;
        };
        OpenApiDocument: {
            [key: string]: unknown;
        };
        OverviewStats: {
            call_seconds: {
                /** @description the sum of their monthly call-seconds quotas; null when any user is unlimited */
                monthly_quota: number | null;
                /** @description seconds of calls this calendar month (UTC), summed over the organization's users */
                used_this_month: number;
            };
            /** @description runs created per hour (UTC), every hour of the range, zero-filled; failed counts runs of either direction that ended failed */
            calls_per_hour: {
                failed: number;
                /** Format: date-time */
                hour: string;
                inbound: number;
                outbound: number;
            }[];
            /** @description end reasons of the failed runs, most frequent first */
            end_reasons: {
                count: number;
                end_reason: string;
            }[];
            /** Format: date-time */
            from: string;
            /** @description admission to start of the runs that started */
            handshake_ms: components["schemas"]["LatencyHistogram"];
            /** Format: date-time */
            to: string;
            /** @description end of the caller's speech to the agent's first audio (`first_audio_sent_ms` metric run events) */
            turn_latency_ms: components["schemas"]["LatencyHistogram"];
        };
        Quota: {
            max_concurrent_calls: number | null;
            monthly_call_seconds: number | null;
            usage: {
                active_calls: number;
                month_call_seconds: number;
            };
            user_id: string;
        };
        Recording: {
            bytes: number;
            channels: number;
            duration_ms: number;
            sample_rate: number;
            /** Format: date-time */
            stored_at: string;
            /** @description GET it (signed-in users and API keys; Range requests answered 206) */
            url: string;
        };
        RevokedSessions: {
            revoked_sessions: number;
        };
        Run: {
            agent_uuid: string;
            agent_version_id: string | null;
            /** @enum {string} */
            call_type: "inbound" | "outbound";
            /** @description how the provider socket closed; null when the run ended without one (edge_lost, an outbound call never connected) or is live */
            close: components["schemas"]["RunClose"] | null;
            /** Format: date-time */
            created_at: string;
            /** @description outbound calls: queued, dialing, ringing, answered, completed, busy, no_answer, failed */
            dial_status: string | null;
            duration_seconds: number | null;
            edge_id: string | null;
            end_reason: string | null;
            ended_at: string | null;
            error: string | null;
            gathered_context: {
                [key: string]: unknown;
            };
            id: string;
            initial_context: {
                [key: string]: unknown;
            };
            logs: {
                [key: string]: unknown;
            };
            media_stats: components["schemas"]["MediaStats"] | null;
            /** @description the telephony provider */
            mode: string;
            name: string;
            provider_call_id: string | null;
            recording: components["schemas"]["Recording"] | null;
            started_at: string | null;
            /** @enum {string} */
            state: "initialized" | "running" | "completed" | "failed";
            telephony_configuration_id: string | null;
            user_id: string;
        };
        RunClose: {
            /** @description the WebSocket close code (1000, 1008, 1011, 1013, 4400, 4408, 4409; a peer may send others, 1005: no code, 1006: no close frame) */
            code: number;
            /**
             * @description who closed first: the media-edge, or the provider (its close frame, or the connection dropping)
             * @enum {string}
             */
            initiator: "edge" | "peer";
            /** @description the close frame's reason, at most 123 bytes; empty when none */
            reason: string;
        };
        RunEvent: {
            /** Format: date-time */
            at: string;
            data: unknown;
            seq: number;
            type: string;
        };
        RunEventPage: {
            data: components["schemas"]["RunEvent"][];
            next_cursor: string | null;
        };
        RunPage: {
            data: components["schemas"]["Run"][];
            next_cursor: string | null;
        };
        ServiceCredential: {
            api_key_set: boolean;
            base_url: string | null;
            /** Format: date-time */
            created_at: string;
            id: string;
            name: string;
            /** Format: date-time */
            updated_at: string;
            vendor: string;
        };
        ServiceCredentialPage: {
            data: components["schemas"]["ServiceCredential"][];
            next_cursor: string | null;
        };
        Session: {
            api_key_id: null;
            /** @description send it back in X-CSRF-Token on every state-changing request */
            csrf_token: string;
            email: string | null;
            name: string | null;
            organization_id: string;
            /** @enum {string} */
            role: "admin" | "member";
            session_id: string;
            user_id: string;
        };
        TelephonyConfiguration: {
            api_base_url: string | null;
            /** Format: date-time */
            created_at: string;
            has_credentials: boolean;
            id: string;
            name: string;
            provider: string;
            settings: {
                [key: string]: unknown;
            };
            /** Format: date-time */
            updated_at: string;
        } & {
            [key: string]: string | boolean | null;
        };
        TelephonyConfigurationPage: {
            data: components["schemas"]["TelephonyConfiguration"][];
            next_cursor: string | null;
        };
        User: {
            /** Format: date-time */
            created_at: string;
            email: string | null;
            id: string;
            name: string | null;
            password_set: boolean;
            /** @enum {string} */
            role: "admin" | "member";
        };
        UserPage: {
            data: components["schemas"]["User"][];
            next_cursor: string | null;
        };
        WebhookDelivery: {
            attempt: number;
            /** Format: date-time */
            attempted_at: string;
            delivered_at: string | null;
            /**
             * Format: uuid
             * @description the event id, the same on every attempt (X-VR3-Delivery)
             */
            delivery_id: string;
            duration_ms: number;
            error: string | null;
            /** @enum {string} */
            event: "run.started" | "run.ended";
            id: string;
            next_attempt_at: string | null;
            status_code: number | null;
        };
        WebhookDeliveryPage: {
            data: components["schemas"]["WebhookDelivery"][];
            next_cursor: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    listAgents: {
        parameters: {
            query?: {
                cursor?: string;
                include_archived?: "true" | "false";
                limit?: string;
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentPage"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createAgent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    engine: {
                        [key: string]: unknown;
                    };
                    name: string;
                    recording?: {
                        enabled: boolean;
                    };
                    webhook_secret?: string;
                    webhook_url?: string | null;
                };
            };
        };
        responses: {
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    engine?: {
                        [key: string]: unknown;
                    };
                    name?: string;
                    recording?: {
                        enabled: boolean;
                    };
                    webhook_secret?: string;
                    webhook_url?: string | null;
                };
            };
        };
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    archiveAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    attachToCall: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    audio_track?: "inbound" | "outbound" | "both";
                    bidirectional?: boolean;
                    call_id: string;
                    content_type?: string;
                    initial_context?: {
                        [key: string]: unknown;
                    };
                    telephony_configuration_id: string;
                };
            };
        };
        responses: {
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    placeCall: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    from?: string;
                    initial_context?: {
                        [key: string]: unknown;
                    };
                    max_duration_s?: number;
                    telephony_configuration_id: string;
                    to: string;
                };
            };
        };
        responses: {
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    publishAgent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                uuid: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Agent"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getAnswerDocument: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_uuid: string;
                provider: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the provider's answer document (Cloudonix CXML, TwiML, Vobiz/Plivo XML; Exotel: JSON {"url"}) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/xml": unknown;
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postAnswerDocument: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                agent_uuid: string;
                provider: string;
            };
            cookie?: never;
        };
        /** @description the provider's request parameters */
        requestBody?: {
            content: {
                "application/x-www-form-urlencoded": {
                    [key: string]: string;
                };
            };
        };
        responses: {
            /** @description the provider's answer document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/xml": unknown;
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    expires_at?: string | null;
                    name: string;
                    /** @enum {string} */
                    role: "admin" | "member";
                };
            };
        };
        responses: {
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    acceptInvitation: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    password: string;
                    token: string;
                };
            };
        };
        responses: {
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getProviderCallback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: string;
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postProviderCallback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                provider: string;
                run_id: string;
            };
            cookie?: never;
        };
        /** @description the provider's request parameters */
        requestBody?: {
            content: {
                "application/x-www-form-urlencoded": {
                    [key: string]: string;
                };
            };
        };
        responses: {
            /** @description no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOutboundAnswer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the document connecting the answered call to the run-bound stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/xml": unknown;
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    postOutboundAnswer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        /** @description the provider's request parameters */
        requestBody?: {
            content: {
                "application/x-www-form-urlencoded": {
                    [key: string]: string;
                };
            };
        };
        responses: {
            /** @description the document connecting the answered call to the run-bound stream */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/xml": unknown;
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listCampaigns: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignPage"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createCampaign: {
        parameters: {
            query?: {
                agent_uuid?: string;
                calls_per_second?: string;
                from?: string;
                max_concurrent?: string;
                max_duration_s?: string;
                name?: string;
                retry_attempts?: string;
                retry_delay_s?: string;
                retry_on?: string;
                telephony_configuration_id?: string;
                window_days?: string;
                window_end?: string;
                window_start?: string;
                window_timezone?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    agent_uuid: string;
                    calls_per_second: number;
                    contacts: {
                        initial_context?: {
                            [key: string]: unknown;
                        };
                        to: string;
                    }[];
                    from?: string;
                    max_concurrent: number;
                    max_duration_s?: number;
                    name?: string;
                    retry?: {
                        attempts: number;
                        delay_s: number;
                        on: ("busy" | "no_answer")[];
                    };
                    telephony_configuration_id: string;
                    window?: {
                        days?: ("sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat")[];
                        end: string;
                        start: string;
                        timezone: string;
                    };
                };
            };
        };
        responses: {
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listCampaignContacts: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: string;
                state?: "queued" | "dialling" | "completed" | "failed" | "cancelled";
            };
            header?: never;
            path: {
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CampaignContactPage"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    pauseCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    resumeCampaign: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                campaign_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Campaign"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    liveCallEvents: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description snapshot, then call.started / call.updated / call.transcript / call.ended events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    current_password?: string;
                    new_password: string;
                };
            };
        };
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RevokedSessions"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenApiDocument"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listRuns: {
        parameters: {
            query?: {
                agent_uuid?: string;
                created_after?: string;
                created_before?: string;
                cursor?: string;
                end_reason?: "caller_hangup" | "stream_closed" | "agent_hangup" | "api_hangup" | "transfer" | "handshake_timeout" | "malformed_handshake" | "session_validation_failed" | "duplicate_session" | "invalid_signature" | "frame_rate_exceeded" | "agent_error" | "agent_unreachable" | "agent_disconnected" | "edge_lost" | "edge_shutdown" | "duration_limit" | "busy" | "no_answer" | "provider_failed" | "server_error";
                limit?: string;
                provider?: string;
                state?: "initialized" | "running" | "completed" | "failed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunPage"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listRunEvents: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunEventPage"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    hangUpRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Run"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getRunRecording: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the recording */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/wav": unknown;
                };
            };
            /** @description the requested byte range */
            206: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/wav": unknown;
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    stopAttachedStream: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listRunWebhookDeliveries: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listServiceCredentials: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: string;
                vendor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceCredentialPage"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createServiceCredential: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    api_key: string;
                    base_url?: string | null;
                    name: string;
                    vendor: string;
                };
            };
        };
        responses: {
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceCredential"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getServiceCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceCredential"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteServiceCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateServiceCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    api_key?: string;
                    base_url?: string | null;
                    name?: string;
                };
            };
        };
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceCredential"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    testServiceCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CredentialTestResult"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getOverviewStats: {
        parameters: {
            query?: {
                /** @description start of the range (inclusive); default: `to` minus 24 hours */
                from?: string;
                /** @description end of the range (exclusive); default: now */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OverviewStats"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listTelephonyConfigurations: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: string;
                provider?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TelephonyConfigurationPage"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createTelephonyConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    api_base_url?: string | null;
                    bearer_token?: string | null;
                    domain_id: string;
                    name: string;
                    /** @constant */
                    provider: "cloudonix";
                    settings?: {
                        [key: string]: unknown;
                    } | null;
                } | {
                    account_sid: string;
                    api_base_url?: string | null;
                    api_key?: string | null;
                    api_token?: string | null;
                    name: string;
                    /** @constant */
                    provider: "exotel";
                    settings?: {
                        [key: string]: unknown;
                    } | null;
                } | {
                    api_base_url?: string | null;
                    auth_id: string;
                    auth_token?: string | null;
                    name: string;
                    /** @constant */
                    provider: "vobiz";
                    settings?: {
                        [key: string]: unknown;
                    } | null;
                } | {
                    account_sid: string;
                    api_base_url?: string | null;
                    auth_token?: string | null;
                    name: string;
                    /** @constant */
                    provider: "twilio";
                    settings?: {
                        [key: string]: unknown;
                    } | null;
                } | {
                    api_base_url?: string | null;
                    auth_id: string;
                    auth_token?: string | null;
                    name: string;
                    /** @constant */
                    provider: "plivo";
                    settings?: {
                        [key: string]: unknown;
                    } | null;
                };
            };
        };
        responses: {
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TelephonyConfiguration"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getTelephonyConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TelephonyConfiguration"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteTelephonyConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateTelephonyConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    api_base_url?: string | null;
                    bearer_token?: string | null;
                    domain_id?: string;
                    name?: string;
                    settings?: {
                        [key: string]: unknown;
                    } | null;
                } | {
                    account_sid?: string;
                    api_base_url?: string | null;
                    api_key?: string | null;
                    api_token?: string | null;
                    name?: string;
                    settings?: {
                        [key: string]: unknown;
                    } | null;
                } | {
                    api_base_url?: string | null;
                    auth_id?: string;
                    auth_token?: string | null;
                    name?: string;
                    settings?: {
                        [key: string]: unknown;
                    } | null;
                } | {
                    account_sid?: string;
                    api_base_url?: string | null;
                    auth_token?: string | null;
                    name?: string;
                    settings?: {
                        [key: string]: unknown;
                    } | null;
                } | {
                    api_base_url?: string | null;
                    auth_id?: string;
                    auth_token?: string | null;
                    name?: string;
                    settings?: {
                        [key: string]: unknown;
                    } | null;
                };
            };
        };
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TelephonyConfiguration"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    testTelephonyConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CredentialTestResult"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserPage"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    role: "admin" | "member";
                };
            };
        };
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["User"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getQuota: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Quota"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    putQuota: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    max_concurrent_calls: number | null;
                    monthly_call_seconds: number | null;
                };
            };
        };
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Quota"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listInvitations: {
        parameters: {
            query?: {
                cursor?: string;
                limit?: string;
                state?: "pending" | "accepted" | "expired" | "revoked";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description success */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationPage"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    inviteUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: email */
                    email: string;
                    /** @enum {string} */
                    role: "admin" | "member";
                };
            };
        };
        responses: {
            /** @description success */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedInvitation"];
                };
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    revokeInvitation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description no content */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description an error: `error.code` is one of the documented codes */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}
