//! The one typed configuration of `calltap serve`.
//!
//! Layers, lowest first: built-in defaults, a TOML file (`--config`),
//! `CALLTAP_*` environment variables, command-line flags. Clap resolves the
//! last two (a flag wins over its variable); [`FileConfig`] is the file; and
//! [`Config::resolve`] merges them into a [`Config`] that is validated before
//! any socket is bound. Secrets are [`Secret`]s, so `Debug` never prints them.
//!
//! This module knows nothing of HTTP or SQL: it only describes settings.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{bail, Context};
use serde::Deserialize;

/// A credential: compared in constant time, never printed.
///
/// `Debug` and `Display` print `[redacted]`; read the value with
/// [`Secret::expose`] at the one place it is compared.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself; call only where it is compared or used as a key.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// How hard SQLite works to keep a commit (`PRAGMA synchronous` in WAL mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// `synchronous=NORMAL`: a commit survives the process being killed, but
    /// the last commits may be lost if the machine loses power.
    Normal,
    /// `synchronous=FULL`: the WAL is fsynced at every commit, so a commit
    /// survives power loss. The default: "200 means committed" is calltap's
    /// core promise, and group commit pays one fsync per batch, not per delivery.
    Full,
}

/// The log line format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// A bearer-token check (Vapi's bearer credential).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BearerAuth {
    /// The expected token.
    pub token: Secret,
    /// The header carrying it (default `authorization`).
    pub header: String,
    /// The prefix before the token (default `Bearer `; empty for none).
    /// The prefix is optional on the wire: a bare token is accepted too.
    pub prefix: String,
}

/// The digest of an HMAC signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HmacAlgorithm {
    /// HMAC-SHA-256 (Vapi's default).
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
    /// HMAC-SHA-1.
    Sha1,
}

/// How the signature is written in its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureEncoding {
    /// Lower- or upper-case hex.
    Hex,
    /// Standard base64.
    Base64,
}

/// An HMAC check per Vapi's `HMACAuthenticationPlan`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HmacAuth {
    /// The shared secret.
    pub secret: Secret,
    /// Whether `secret` is base64 and must be decoded before use.
    pub secret_is_base64: bool,
    /// The digest.
    pub algorithm: HmacAlgorithm,
    /// The header carrying the signature (default `x-signature`).
    pub signature_header: String,
    /// The header carrying the timestamp (default `x-timestamp`).
    pub timestamp_header: String,
    /// The header carrying a message id (Svix style), used as the dedup key.
    pub message_id_header: Option<String>,
    /// A prefix before the signature, like `sha256=` (default none).
    pub signature_prefix: String,
    /// What is signed (default `{timestamp}.{body}`; also `{method}`, `{url}`, `{svix-id}`).
    pub payload_template: String,
    /// Hex or base64 (default hex).
    pub encoding: SignatureEncoding,
    /// How far the timestamp may be from now (default 300 s).
    pub tolerance: Duration,
}

/// A Standard Webhooks (Svix) check: `webhook-id`, `webhook-timestamp`,
/// `webhook-signature` (and their `svix-*` spellings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StandardWebhooksAuth {
    /// The signing secret, `whsec_...` or bare base64.
    pub secret: Secret,
    /// How far the timestamp may be from now (default 300 s).
    pub tolerance: Duration,
}

/// Every ingest credential configured. A delivery passing ANY one is accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IngestAuthConfig {
    /// Vapi's legacy shared secret in `x-vapi-secret`.
    pub vapi_secret: Option<Secret>,
    /// A bearer credential.
    pub bearer: Option<BearerAuth>,
    /// An HMAC signature.
    pub hmac: Option<HmacAuth>,
    /// A Standard Webhooks signature.
    pub standard_webhooks: Option<StandardWebhooksAuth>,
}

impl IngestAuthConfig {
    /// Whether no ingest check at all is configured.
    pub fn is_empty(&self) -> bool {
        self.vapi_secret.is_none()
            && self.bearer.is_none()
            && self.hmac.is_none()
            && self.standard_webhooks.is_none()
    }
}

/// Everything `calltap serve` needs, resolved and validated.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen (default `127.0.0.1:4242`).
    pub listen: SocketAddr,
    /// The SQLite database file (default `./calltap.db`).
    pub db: PathBuf,
    /// SQLite durability (default [`Durability::Full`]).
    pub durability: Durability,
    /// The paths that accept deliveries (default `/` and `/webhook`).
    pub ingest_paths: Vec<String>,
    /// The largest body accepted, in bytes (default 16 MiB).
    pub body_limit: usize,
    /// The deepest JSON nesting accepted (default 128).
    pub max_depth: usize,
    /// Deliveries waiting for the writer before ingest answers 503 (default 1024).
    pub queue_capacity: usize,
    /// The most deliveries committed in one transaction (default 256).
    pub max_batch: usize,
    /// The `Retry-After` seconds sent with a 503 (default 1).
    pub retry_after: Duration,
    /// Ingest credentials.
    pub auth: IngestAuthConfig,
    /// The bearer token that protects `/api/*` (none: the API is open).
    pub api_token: Option<Secret>,
    /// Serve on a non-loopback address with no ingest auth.
    pub allow_unauthenticated: bool,
    /// Parse and answer, but store nothing (a no-op baseline for benchmarks).
    pub dry_run: bool,
    /// The log line format.
    pub log_format: LogFormat,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 4242)),
            db: PathBuf::from("calltap.db"),
            durability: Durability::Full,
            ingest_paths: vec!["/".to_owned(), "/webhook".to_owned()],
            body_limit: 16 * 1024 * 1024,
            max_depth: 128,
            queue_capacity: 1024,
            max_batch: 256,
            retry_after: Duration::from_secs(1),
            auth: IngestAuthConfig::default(),
            api_token: None,
            allow_unauthenticated: false,
            dry_run: false,
            log_format: LogFormat::Text,
        }
    }
}

impl Config {
    /// Checks the settings against each other and against the address
    /// actually bound; called before serving.
    pub fn validate(&self, bound: SocketAddr) -> anyhow::Result<()> {
        if self.auth.is_empty() && !bound.ip().is_loopback() && !self.allow_unauthenticated {
            bail!(
                "refusing to listen on {bound} with no ingest auth: anyone could write to the log. \
                 Configure --vapi-secret, --bearer-token, --hmac-secret or \
                 --standard-webhooks-secret, or pass --allow-unauthenticated"
            );
        }
        if self.ingest_paths.is_empty() {
            bail!("at least one ingest path is needed");
        }
        for path in &self.ingest_paths {
            if !path.starts_with('/') {
                bail!("ingest path {path:?} must start with '/'");
            }
            if path.starts_with("/api/")
                || ["/healthz", "/readyz", "/metrics"].contains(&path.as_str())
            {
                bail!("ingest path {path:?} collides with calltap's own routes");
            }
        }
        if self.body_limit == 0 || self.max_depth == 0 {
            bail!("body_limit and max_depth must be positive");
        }
        if self.queue_capacity == 0 || self.max_batch == 0 {
            bail!("queue_capacity and max_batch must be positive");
        }
        if let Some(bearer) = &self.auth.bearer {
            if bearer.token.expose().is_empty() {
                bail!("the bearer token is empty");
            }
            http::HeaderName::from_bytes(bearer.header.as_bytes()).with_context(|| {
                format!("bearer header {:?} is not a header name", bearer.header)
            })?;
        }
        if let Some(hmac) = &self.auth.hmac {
            if hmac.secret.expose().is_empty() {
                bail!("the HMAC secret is empty");
            }
            for header in [&hmac.signature_header, &hmac.timestamp_header]
                .into_iter()
                .chain(hmac.message_id_header.as_ref())
            {
                http::HeaderName::from_bytes(header.as_bytes())
                    .with_context(|| format!("HMAC header {header:?} is not a header name"))?;
            }
        }
        if matches!(&self.auth.vapi_secret, Some(s) if s.expose().is_empty()) {
            bail!("the Vapi secret is empty");
        }
        if matches!(&self.auth.standard_webhooks, Some(s) if s.secret.expose().is_empty()) {
            bail!("the Standard Webhooks secret is empty");
        }
        Ok(())
    }

    /// Merges the layers: `overrides` (flags and env, already merged by clap)
    /// over `file` over the defaults.
    pub fn resolve(file: FileConfig, overrides: Overrides) -> anyhow::Result<Config> {
        let d = Config::default();
        let ingest = file.ingest.unwrap_or_default();
        let api = file.api.unwrap_or_default();
        let auth_file = file.auth.unwrap_or_default();

        let bearer_file = auth_file.bearer.unwrap_or_default();
        let bearer_token = overrides.bearer_token.or(bearer_file.token);
        let bearer = bearer_token.map(|token| BearerAuth {
            token,
            header: overrides
                .bearer_header
                .or(bearer_file.header)
                .unwrap_or_else(|| "authorization".to_owned())
                .to_ascii_lowercase(),
            prefix: overrides
                .bearer_prefix
                .or(bearer_file.prefix)
                .unwrap_or_else(|| "Bearer ".to_owned()),
        });

        let hmac_file = auth_file.hmac.unwrap_or_default();
        let hmac = match overrides.hmac_secret.or(hmac_file.secret) {
            None => None,
            Some(secret) => Some(HmacAuth {
                secret,
                secret_is_base64: hmac_file.secret_is_base64.unwrap_or(false),
                algorithm: hmac_file.algorithm.unwrap_or(HmacAlgorithm::Sha256),
                signature_header: hmac_file
                    .signature_header
                    .unwrap_or_else(|| "x-signature".to_owned())
                    .to_ascii_lowercase(),
                timestamp_header: hmac_file
                    .timestamp_header
                    .unwrap_or_else(|| "x-timestamp".to_owned())
                    .to_ascii_lowercase(),
                message_id_header: hmac_file.message_id_header.map(|h| h.to_ascii_lowercase()),
                signature_prefix: hmac_file.signature_prefix.unwrap_or_default(),
                payload_template: hmac_file
                    .payload_template
                    .unwrap_or_else(|| "{timestamp}.{body}".to_owned()),
                encoding: hmac_file.encoding.unwrap_or(SignatureEncoding::Hex),
                tolerance: Duration::from_secs(hmac_file.tolerance_secs.unwrap_or(300)),
            }),
        };

        let sw_file = auth_file.standard_webhooks.unwrap_or_default();
        let standard_webhooks =
            overrides
                .standard_webhooks_secret
                .or(sw_file.secret)
                .map(|secret| StandardWebhooksAuth {
                    secret,
                    tolerance: Duration::from_secs(sw_file.tolerance_secs.unwrap_or(300)),
                });

        let listen = match overrides.listen.or(file.listen) {
            Some(text) => parse_addr(&text)?,
            None => d.listen,
        };

        Ok(Config {
            listen,
            db: overrides.db.or(file.db).unwrap_or(d.db),
            durability: overrides
                .durability
                .or(file.durability)
                .unwrap_or(d.durability),
            ingest_paths: overrides
                .ingest_paths
                .filter(|p| !p.is_empty())
                .or(ingest.paths)
                .unwrap_or(d.ingest_paths),
            body_limit: overrides
                .body_limit
                .or(ingest.body_limit)
                .unwrap_or(d.body_limit),
            max_depth: overrides
                .max_depth
                .or(ingest.max_depth)
                .unwrap_or(d.max_depth),
            queue_capacity: overrides
                .queue_capacity
                .or(ingest.queue_capacity)
                .unwrap_or(d.queue_capacity),
            max_batch: overrides
                .max_batch
                .or(ingest.max_batch)
                .unwrap_or(d.max_batch),
            retry_after: overrides
                .retry_after_secs
                .or(ingest.retry_after_secs)
                .map_or(d.retry_after, Duration::from_secs),
            auth: IngestAuthConfig {
                vapi_secret: overrides.vapi_secret.or(auth_file.vapi_secret),
                bearer,
                hmac,
                standard_webhooks,
            },
            api_token: overrides.api_token.or(api.token),
            allow_unauthenticated: overrides.allow_unauthenticated
                || file.allow_unauthenticated.unwrap_or(false),
            dry_run: overrides.dry_run || file.dry_run.unwrap_or(false),
            log_format: overrides
                .log_format
                .or(file.log_format)
                .unwrap_or(d.log_format),
        })
    }
}

/// Accepts `host:port`, with `localhost` meaning `127.0.0.1`.
fn parse_addr(text: &str) -> anyhow::Result<SocketAddr> {
    let normalised = text.replacen("localhost:", "127.0.0.1:", 1);
    normalised
        .parse()
        .with_context(|| format!("listen address {text:?} is not HOST:PORT"))
}

/// Values from flags and `CALLTAP_*` variables (clap merges those two);
/// `None` means "not given", so lower layers apply.
#[derive(Debug, Default)]
#[allow(missing_docs)] // Each field is the flag of the same name, documented in `cli::serve`.
pub struct Overrides {
    pub listen: Option<String>,
    pub db: Option<PathBuf>,
    pub durability: Option<Durability>,
    pub ingest_paths: Option<Vec<String>>,
    pub body_limit: Option<usize>,
    pub max_depth: Option<usize>,
    pub queue_capacity: Option<usize>,
    pub max_batch: Option<usize>,
    pub retry_after_secs: Option<u64>,
    pub vapi_secret: Option<Secret>,
    pub bearer_token: Option<Secret>,
    pub bearer_header: Option<String>,
    pub bearer_prefix: Option<String>,
    pub hmac_secret: Option<Secret>,
    pub standard_webhooks_secret: Option<Secret>,
    pub api_token: Option<Secret>,
    pub allow_unauthenticated: bool,
    pub dry_run: bool,
    pub log_format: Option<LogFormat>,
}

/// The TOML config file. Every key is optional; unknown keys are errors so
/// that a typo does not silently leave a default (or no auth) in place.
///
/// ```toml
/// listen = "127.0.0.1:4242"
/// db = "calltap.db"
/// durability = "full"          # or "normal"
/// log_format = "text"          # or "json"
/// allow_unauthenticated = false
/// dry_run = false
///
/// [ingest]
/// paths = ["/", "/webhook"]
/// body_limit = 16777216
/// max_depth = 128
/// queue_capacity = 1024
/// max_batch = 256
/// retry_after_secs = 1
///
/// [auth]
/// vapi_secret = "..."
/// [auth.bearer]
/// token = "..."
/// header = "authorization"
/// prefix = "Bearer "
/// [auth.hmac]
/// secret = "..."
/// secret_is_base64 = false
/// algorithm = "sha256"         # sha512, sha1
/// signature_header = "x-signature"
/// timestamp_header = "x-timestamp"
/// message_id_header = "svix-id"
/// signature_prefix = "sha256="
/// payload_template = "{timestamp}.{body}"
/// encoding = "hex"             # or "base64"
/// tolerance_secs = 300
/// [auth.standard_webhooks]
/// secret = "whsec_..."
/// tolerance_secs = 300
///
/// [api]
/// token = "..."
/// ```
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)] // The fields are documented by the example above and by `Config`.
pub struct FileConfig {
    pub listen: Option<String>,
    pub db: Option<PathBuf>,
    pub durability: Option<Durability>,
    pub log_format: Option<LogFormat>,
    pub allow_unauthenticated: Option<bool>,
    pub dry_run: Option<bool>,
    pub ingest: Option<IngestFile>,
    pub auth: Option<AuthFile>,
    pub api: Option<ApiFile>,
}

/// `[ingest]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct IngestFile {
    pub paths: Option<Vec<String>>,
    pub body_limit: Option<usize>,
    pub max_depth: Option<usize>,
    pub queue_capacity: Option<usize>,
    pub max_batch: Option<usize>,
    pub retry_after_secs: Option<u64>,
}

/// `[auth]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct AuthFile {
    pub vapi_secret: Option<Secret>,
    pub bearer: Option<BearerFile>,
    pub hmac: Option<HmacFile>,
    pub standard_webhooks: Option<StandardWebhooksFile>,
}

/// `[auth.bearer]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct BearerFile {
    pub token: Option<Secret>,
    pub header: Option<String>,
    pub prefix: Option<String>,
}

/// `[auth.hmac]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct HmacFile {
    pub secret: Option<Secret>,
    pub secret_is_base64: Option<bool>,
    pub algorithm: Option<HmacAlgorithm>,
    pub signature_header: Option<String>,
    pub timestamp_header: Option<String>,
    pub message_id_header: Option<String>,
    pub signature_prefix: Option<String>,
    pub payload_template: Option<String>,
    pub encoding: Option<SignatureEncoding>,
    pub tolerance_secs: Option<u64>,
}

/// `[auth.standard_webhooks]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct StandardWebhooksFile {
    pub secret: Option<Secret>,
    pub tolerance_secs: Option<u64>,
}

/// `[api]` of the config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ApiFile {
    pub token: Option<Secret>,
}

impl FileConfig {
    /// Reads and parses a TOML config file.
    pub fn load(path: &Path) -> anyhow::Result<FileConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config file {}", path.display()))?;
        FileConfig::parse(&text).with_context(|| format!("in config file {}", path.display()))
    }

    /// Parses TOML text.
    pub fn parse(text: &str) -> anyhow::Result<FileConfig> {
        Ok(toml::from_str(text)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_layers_give_the_documented_defaults() {
        let config =
            Config::resolve(FileConfig::default(), Overrides::default()).expect("resolves");
        assert_eq!(config.listen.to_string(), "127.0.0.1:4242");
        assert_eq!(config.db, PathBuf::from("calltap.db"));
        assert_eq!(config.durability, Durability::Full);
        assert_eq!(config.ingest_paths, ["/", "/webhook"]);
        assert_eq!(config.body_limit, 16 * 1024 * 1024);
        assert_eq!(config.max_depth, 128);
        assert!(config.auth.is_empty());
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file = FileConfig::parse(
            r#"
            listen = "0.0.0.0:9000"
            durability = "normal"
            [ingest]
            max_depth = 10
            [auth.hmac]
            secret = "s"
            algorithm = "sha512"
            "#,
        )
        .expect("parses");
        let overrides = Overrides {
            listen: Some("127.0.0.1:1".to_owned()),
            ..Overrides::default()
        };
        let config = Config::resolve(file, overrides).expect("resolves");
        assert_eq!(config.listen.to_string(), "127.0.0.1:1");
        assert_eq!(config.durability, Durability::Normal);
        assert_eq!(config.max_depth, 10);
        let hmac = config.auth.hmac.expect("hmac configured");
        assert_eq!(hmac.algorithm, HmacAlgorithm::Sha512);
        assert_eq!(hmac.signature_header, "x-signature");
        assert_eq!(hmac.payload_template, "{timestamp}.{body}");
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error() {
        let err = FileConfig::parse("[auth]\nvapi_secrt = \"x\"\n").expect_err("typo");
        assert!(format!("{err:#}").contains("vapi_secrt"), "{err:#}");
    }

    #[test]
    fn secrets_never_appear_in_debug_output() {
        let file = FileConfig::parse("[auth]\nvapi_secret = \"hunter2\"\n[api]\ntoken = \"tok3n\"")
            .expect("parses");
        let overrides = Overrides {
            bearer_token: Some(Secret::new("b3arer")),
            ..Overrides::default()
        };
        let config = Config::resolve(file, overrides).expect("resolves");
        let debug = format!("{config:?}");
        for secret in ["hunter2", "tok3n", "b3arer"] {
            assert!(!debug.contains(secret), "{secret} leaked: {debug}");
        }
    }

    #[test]
    fn no_auth_on_a_public_address_is_refused_unless_allowed() {
        let mut config = Config::default();
        let public: SocketAddr = "0.0.0.0:4242".parse().expect("addr");
        assert!(config.validate(public).is_err());
        assert!(config.validate(config.listen).is_ok());
        config.allow_unauthenticated = true;
        assert!(config.validate(public).is_ok());
        config.allow_unauthenticated = false;
        config.auth.vapi_secret = Some(Secret::new("s"));
        assert!(config.validate(public).is_ok());
    }

    #[test]
    fn ingest_paths_may_not_shadow_the_api() {
        let config = Config {
            ingest_paths: vec!["/api/v1/events".to_owned()],
            ..Config::default()
        };
        assert!(config.validate(config.listen).is_err());
    }
}
