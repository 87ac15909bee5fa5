export const USAGE = `Usage: governance-factory [http|stdio] [options]

Commands:
  http                  Streamable HTTP server at http://HOST:PORT/mcp (default)
  stdio                 MCP over stdin/stdout, for clients that spawn the server

Options (each overrides the environment variable named after it):
  --host H              Interface to bind (GF_HOST, default 127.0.0.1)
  --port N              Port, 0 picks a free one (GF_PORT, default 8787)
  --read-only           Expose only read tools (GF_READ_ONLY=true)
  --toolsets LIST       Comma list of items,milestones,audit,specs,config,github,jobs,
                        agents,compliance,approvals,analytics (GF_TOOLSETS, default all)
  --data-dir DIR        SQLite data directory (GF_DATA_DIR,
                        default $XDG_DATA_HOME/governance-factory or ~/.local/share/governance-factory)
  --log-level LEVEL     fatal|error|warning|info|debug|trace|silent, warn = warning
                        (GF_LOG_LEVEL, default info)
  -h, --help            Show this help
  -v, --version         Print the version

Environment:
  DATABASE_URL          postgres:// connection string (Supabase included); uses PostgreSQL instead of SQLite
  DATABASE_SCHEMA       PostgreSQL schema (default governance_factory)
  MONGODB_URL           mongodb:// connection string; configuration documents go to MongoDB instead of SQL
  MONGODB_DB            MongoDB database for them (default governance_factory)
  GF_AUTH_TOKEN         Bearer token required on /mcp; mandatory when the host is not a loopback address
  GF_AUTH_TOKENS        More tokens, each its own audited actor: tok1=agent_service|agent:dev|Dev agent; tok2=user|alice
  GF_ALLOWED_ORIGINS    Extra allowed browser Origins, comma separated (e.g. https://app.example.com)
  GF_ALLOWED_HOSTS      Extra allowed Host header values, comma separated (e.g. mcp.example.com)
  GF_SESSION_IDLE_SECONDS  Idle HTTP sessions expire after this long (default 1800)
  GF_MAX_BODY_BYTES     Largest accepted HTTP request body or stdio message line (default 4194304)
  GF_MAX_SESSIONS       Open HTTP sessions per bearer token; without auth, for the whole server, where the
                        least recently used idle session makes room (default 100)
  GF_ACTOR_TYPE         user|agent_service|system, recorded in the audit trail (default user)
  GF_ACTOR_ID           Actor id (default local:<os user name>)
  GF_ACTOR_NAME         Actor display name
  OPENAI_BASE_URL       OpenAI-compatible endpoint for spec decomposition by a model (e.g. http://127.0.0.1:11434/v1);
                        unset, no spec is ever sent to a provider (there is no default endpoint)
  OPENAI_API_KEY        Its bearer token (optional: local servers need none)
  GF_MODEL_PLANNING     Models for planning, comma separated, tried in order (required with OPENAI_BASE_URL)
  GF_MODEL_ANALYSIS     Models for analysis (default: the planning models)
  GF_MODEL_WRITING      Models for writing (default: the planning models)
  GF_MODEL_TIMEOUT_MS   Timeout of one model request (default 60000)
  GITHUB_TOKEN          Token for GitHub: .github/governance.yml (validate_policy, sync_policy: "Contents: read")
                        and the sync (plan_github_sync, apply_github_sync: "Issues: write", "Metadata: read")
  GITHUB_API_URL        GitHub REST API (default https://api.github.com; GHES: https://HOST/api/v3)
  GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_FILE), GITHUB_APP_INSTALLATION_ID
                        Authenticate as a GitHub App installation instead of GITHUB_TOKEN (not both)
  GF_POLICY_DIR         Directory of checkouts to read .github/governance.yml from (validate_policy,
                        sync_policy): <dir>/<owner>/<repo> or <dir>/<repo>
  GF_AUDIT_SIGNING_KEY  Ed25519 private key (PEM or base64 PKCS#8) that signs audit checkpoints and exports;
                        unset, the key file is used (created with mode 0600 on first use)
  GF_AUDIT_KEY_FILE     That key file (default <data dir>/audit-signing-key.pem); keep it off the database host
  GF_AUDIT_CHECKPOINT_MINUTES  Sign every moved audit head this often while running (default 15, 0 = off)
  GF_JOB_LEASE_MS      A job runner's lease; a dead holder's job is taken over after it (default 30000)
  GF_RECONCILE_INTERVAL_MS  Reconcile every synced workspace with GitHub this often, once across all
                        instances (default 0 = off; at least 60000)
  GITHUB_WRITE_INTERVAL_MS  Least time between content-creating GitHub requests (default 770)
  GF_GITHUB_TOKENS     A GitHub token per caller: <actor id>=<token>;... (over GITHUB_TOKEN for them)

Logs go to stderr; in stdio mode stdout carries only the protocol.
`;
