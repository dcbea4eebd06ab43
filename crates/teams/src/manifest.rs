//! The Teams app package: what an administrator uploads to Teams so people can add the bot.
//! A ZIP of three files at its root: `manifest.json` (schema 1.17: the app, its one bot,
//! the bot's command menu), `color.png` (192 × 192, full colour) and `outline.png` (32 × 32,
//! white on transparent, as Teams requires).
//!
//! ```no_run
//! let app = teams::manifest::AppDetails::new("00000000-0000-0000-0000-000000000000")
//!     .with_domain("chatops.example.com");
//! let zip: Vec<u8> = teams::manifest::app_package(&app)?;
//! # Ok::<(), teams::manifest::ManifestError>(())
//! ```

mod icons;
mod zip;

use serde_json::{json, Value};

pub use icons::{color_icon, outline_icon, COLOR_ICON_SIZE, OUTLINE_ICON_SIZE};

/// The manifest schema the package follows.
pub const SCHEMA_URL: &str =
    "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json";
/// Its `manifestVersion`.
pub const MANIFEST_VERSION: &str = "1.17";
/// The files of the package, in the order they are written.
pub const PACKAGE_FILES: [&str; 3] = ["manifest.json", "color.png", "outline.png"];

/// The commands the bot's menu offers in Teams (title, description). The engine answers
/// `help` and any `<service> <operation>`; these are examples, and choosing one puts its
/// title in the compose box after the mention.
pub const COMMANDS: [(&str, &str); 7] = [
    (
        "help",
        "What I can do here: running commands, aliases, accounts and regions, roles, notifications",
    ),
    (
        "cloudwatch describe-alarms",
        "Alarms and their state; add --state-value ALARM for the ones firing",
    ),
    (
        "lambda list-functions",
        "The Lambda functions in this channel's account and region",
    ),
    (
        "ec2 describe-instances",
        "EC2 instances; leave out what you don't know and I'll ask for it",
    ),
    (
        "notifications",
        "Which alarms and events come to this channel, and what is muted",
    ),
    (
        "set default-account",
        "Choose the AWS account this channel's commands use by default",
    ),
    (
        "switch-role",
        "Choose the role your commands run as, where the channel allows it",
    ),
];

/// Who publishes the app, as the Teams store and admin centre show it. Teams requires all
/// three URLs (https).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Developer {
    /// At most 32 characters.
    pub name: String,
    pub website_url: String,
    pub privacy_url: String,
    pub terms_of_use_url: String,
}

/// What the manifest says about the app. [`AppDetails::new`] fills in everything but the
/// app id with aws-chatops's own wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppDetails {
    /// The Microsoft App ID of the bot's app registration, a GUID: both the app's `id` and
    /// its bot's `botId`.
    pub app_id: String,
    /// The app's version, `MAJOR.MINOR.PATCH`; Teams wants it raised on every re-upload.
    pub version: String,
    /// The short name (at most 30 characters): what people @mention.
    pub short_name: String,
    /// The full name (at most 100 characters).
    pub full_name: String,
    /// At most 80 characters.
    pub short_description: String,
    /// At most 4,000 characters.
    pub full_description: String,
    pub developer: Developer,
    /// `#RRGGBB`, the background Teams shows behind the outline icon.
    pub accent_color: String,
    /// Host names (`chatops.example.com`, `*.example.com`), at most 16: where the app's
    /// links may lead, usually the host that serves `/teams/messages`.
    pub valid_domains: Vec<String>,
}

impl AppDetails {
    /// The defaults: short name `aws` (people write `@aws ec2 describe-instances`, as in
    /// Slack), the crate's version, developer `aws-chatops`; no domains and no developer
    /// URLs yet (Teams requires them: [`AppDetails::with_domain`] fills them in, or set them).
    pub fn new(app_id: impl Into<String>) -> Self {
        AppDetails {
            app_id: app_id.into(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            short_name: "aws".into(),
            full_name: "AWS ChatOps".into(),
            short_description: "Run AWS CLI commands from Teams, under guardrails".into(),
            full_description: "Mention the bot in a channel (@aws ec2 describe-instances) or send it a personal message. It asks for missing parameters, shows choices as menus, asks for confirmation before anything that changes your AWS accounts, and records who ran what. Which commands each person may run is set by the operator's policy, not by Teams. AWS alarm and event notifications arrive in the channels the operator routes them to, with buttons that act on them.".into(),
            developer: Developer {
                name: "aws-chatops".into(),
                website_url: String::new(),
                privacy_url: String::new(),
                terms_of_use_url: String::new(),
            },
            accent_color: "#232F3E".into(),
            valid_domains: Vec::new(),
        }
    }

    /// Adds `host` (the service's host name, which serves `/teams/messages`) to the valid
    /// domains, and makes `https://host/` each developer URL not set yet.
    pub fn with_domain(mut self, host: impl Into<String>) -> Self {
        let host = host.into();
        let page = format!("https://{host}/");
        for url in [
            &mut self.developer.website_url,
            &mut self.developer.privacy_url,
            &mut self.developer.terms_of_use_url,
        ] {
            if url.is_empty() {
                *url = page.clone();
            }
        }
        self.valid_domains.push(host);
        self
    }

    /// Every value checked against what Teams accepts; the first problem found.
    pub fn validate(&self) -> Result<(), ManifestError> {
        if !config::is_guid(&self.app_id) {
            return Err(ManifestError::AppId(self.app_id.clone()));
        }
        if !is_semver(&self.version) {
            return Err(ManifestError::Version(self.version.clone()));
        }
        for (field, value, max) in [
            ("name", &self.short_name, 30),
            ("full name", &self.full_name, 100),
            ("short description", &self.short_description, 80),
            ("full description", &self.full_description, 4000),
            ("developer name", &self.developer.name, 32),
        ] {
            let len = value.chars().count();
            if value.trim().is_empty() {
                return Err(ManifestError::Empty(field));
            }
            if len > max {
                return Err(ManifestError::TooLong { field, len, max });
            }
        }
        for (field, url) in [
            ("website URL", &self.developer.website_url),
            ("privacy URL", &self.developer.privacy_url),
            ("terms of use URL", &self.developer.terms_of_use_url),
        ] {
            let has_host = url
                .strip_prefix("https://")
                .is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'));
            if !has_host || url.len() > 2048 || url.chars().any(char::is_whitespace) {
                return Err(ManifestError::Url {
                    field,
                    url: url.clone(),
                });
            }
        }
        let color = self.accent_color.strip_prefix('#').unwrap_or("");
        if color.len() != 6 || !color.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(ManifestError::AccentColor(self.accent_color.clone()));
        }
        if self.valid_domains.len() > 16 {
            return Err(ManifestError::TooManyDomains(self.valid_domains.len()));
        }
        if let Some(bad) = self.valid_domains.iter().find(|d| !is_domain(d)) {
            return Err(ManifestError::Domain(bad.clone()));
        }
        Ok(())
    }
}

/// A value Teams would refuse, or an icon that could not be encoded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ManifestError {
    #[error("`{0}` is not an app id; expected the Microsoft App ID of the bot's app registration, a GUID such as 8f0c2a4e-5b1d-4c3e-9a7f-0123456789ab")]
    AppId(String),
    #[error("`{0}` is not an app version; expected MAJOR.MINOR.PATCH, such as 1.0.0 (raise it for every upload)")]
    Version(String),
    #[error("the {0} is empty; expected some text")]
    Empty(&'static str),
    #[error("the {field} has {len} characters; Teams accepts at most {max}")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("the {field} `{url}` is not an https URL; expected https://host/…")]
    Url { field: &'static str, url: String },
    #[error("`{0}` is not an accent colour; expected #RRGGBB, such as #232F3E")]
    AccentColor(String),
    #[error("`{0}` is not a domain; expected a host name such as chatops.example.com or *.example.com, without https:// or a path")]
    Domain(String),
    #[error("{0} domains; Teams accepts at most 16")]
    TooManyDomains(usize),
    #[error("cannot encode an icon: {0}")]
    Icon(String),
}

/// `manifest.json` for `app`, checked first ([`AppDetails::validate`]).
pub fn manifest_json(app: &AppDetails) -> Result<Value, ManifestError> {
    app.validate()?;
    let commands: Vec<Value> = COMMANDS
        .iter()
        .map(|(title, description)| json!({"title": title, "description": description}))
        .collect();
    let scopes = ["team", "personal", "groupChat"];
    Ok(json!({
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": app.version,
        "id": app.app_id,
        "developer": {
            "name": app.developer.name,
            "websiteUrl": app.developer.website_url,
            "privacyUrl": app.developer.privacy_url,
            "termsOfUseUrl": app.developer.terms_of_use_url,
        },
        "name": {"short": app.short_name, "full": app.full_name},
        "description": {"short": app.short_description, "full": app.full_description},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": app.accent_color,
        "bots": [{
            "botId": app.app_id,
            "scopes": scopes,
            "supportsFiles": false,
            "isNotificationOnly": false,
            "commandLists": [{"scopes": scopes, "commands": commands}],
        }],
        "validDomains": app.valid_domains,
    }))
}

/// The app package: a ZIP holding `manifest.json` (pretty-printed), `color.png` and
/// `outline.png` at its root ([`PACKAGE_FILES`]). The same details give the same bytes.
pub fn app_package(app: &AppDetails) -> Result<Vec<u8>, ManifestError> {
    let manifest = manifest_json(app)?;
    let mut manifest_text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| ManifestError::Icon(e.to_string()))?
        .into_bytes();
    manifest_text.push(b'\n');
    let color = color_icon(&app.accent_color)?;
    let outline = outline_icon()?;
    let [m, c, o] = PACKAGE_FILES;
    Ok(zip::stored(&[
        (m, &manifest_text),
        (c, &color),
        (o, &outline),
    ]))
}

/// `MAJOR.MINOR.PATCH`, each a number without leading zeros (the schema's pattern).
fn is_semver(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}

/// A host name, possibly with a leading `*.` wildcard and a port.
fn is_domain(text: &str) -> bool {
    let host = text.strip_prefix("*.").unwrap_or(text);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    !host.is_empty()
        && text.len() <= 2048
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "8f0c2a4e-5b1d-4c3e-9a7f-0123456789ab";

    /// One change to valid details.
    type Change = fn(&mut AppDetails);

    #[test]
    fn the_manifest_has_what_teams_requires() {
        let app = AppDetails::new(ID).with_domain("chatops.example.com");
        let m = manifest_json(&app).expect("valid");
        for key in [
            "manifestVersion",
            "version",
            "id",
            "developer",
            "name",
            "description",
            "icons",
            "accentColor",
        ] {
            assert!(m.get(key).is_some(), "{key} is required");
        }
        assert_eq!(m["$schema"], SCHEMA_URL);
        assert_eq!(m["manifestVersion"], "1.17");
        assert_eq!(m["id"], ID);
        assert_eq!(
            m["icons"],
            json!({"color": "color.png", "outline": "outline.png"})
        );
        assert_eq!(m["validDomains"], json!(["chatops.example.com"]));
        assert_eq!(m["developer"]["websiteUrl"], "https://chatops.example.com/");
        assert_eq!(m["developer"]["privacyUrl"], "https://chatops.example.com/");
        assert_eq!(
            m["developer"]["termsOfUseUrl"],
            "https://chatops.example.com/"
        );
        let bots = m["bots"].as_array().expect("bots");
        assert_eq!(bots.len(), 1, "one bot per app");
        let bot = &bots[0];
        assert_eq!(bot["botId"], ID, "the app registration is the bot");
        assert_eq!(bot["scopes"], json!(["team", "personal", "groupChat"]));
        assert_eq!(bot["supportsFiles"], false);
        assert_eq!(bot["isNotificationOnly"], false);
        let commands = bot["commandLists"][0]["commands"]
            .as_array()
            .expect("commands");
        assert!(commands.len() <= 10, "Teams shows at most 10");
        assert_eq!(commands[0]["title"], "help");
        for c in commands {
            let title = c["title"].as_str().expect("title");
            let description = c["description"].as_str().expect("description");
            assert!(title.chars().count() <= 32, "{title}");
            assert!(description.chars().count() <= 128, "{description}");
        }
        for (key, max) in [("short", 30), ("full", 100)] {
            assert!(m["name"][key].as_str().expect("name").chars().count() <= max);
        }
        for (key, max) in [("short", 80), ("full", 4000)] {
            let d = m["description"][key].as_str().expect("description");
            assert!(d.chars().count() <= max, "{key}: {}", d.chars().count());
        }
    }

    #[test]
    fn what_teams_would_refuse_is_refused_with_what_was_expected() {
        let no_urls = AppDetails::new(ID)
            .validate()
            .expect_err("URLs are required");
        assert!(no_urls.to_string().contains("website URL"), "{no_urls}");
        let ok = AppDetails::new(ID).with_domain("chatops.example.com");
        assert_eq!(ok.validate(), Ok(()));
        let cases: Vec<(Change, &str)> = vec![
            (|a| a.app_id = "not-a-guid".into(), "a GUID"),
            (|a| a.app_id = format!("{{{ID}}}"), "a GUID"),
            (|a| a.version = "1.0".into(), "MAJOR.MINOR.PATCH"),
            (|a| a.version = "01.0.0".into(), "MAJOR.MINOR.PATCH"),
            (|a| a.short_name = "x".repeat(31), "at most 30"),
            (|a| a.short_name = " ".into(), "the name is empty"),
            (|a| a.short_description = "x".repeat(81), "at most 80"),
            (|a| a.developer.name = "x".repeat(33), "at most 32"),
            (
                |a| a.developer.privacy_url = "http://example.com".into(),
                "privacy URL",
            ),
            (|a| a.accent_color = "#12345".into(), "#RRGGBB"),
            (
                |a| a.valid_domains = vec!["https://chatops.example.com/".into()],
                "without https://",
            ),
            (
                |a| a.valid_domains = vec!["a.example.com".into(); 17],
                "at most 16",
            ),
        ];
        for (change, expected) in cases {
            let mut app = ok.clone();
            change(&mut app);
            let e = app.validate().expect_err(expected).to_string();
            assert!(e.contains(expected), "{e} should say {expected}");
            assert!(manifest_json(&app).is_err());
            assert!(app_package(&app).is_err());
        }
    }

    #[test]
    fn domains_may_have_a_wildcard_and_a_port() {
        for d in [
            "chatops.example.com",
            "*.example.com",
            "localhost:3978",
            "host-1.example.com",
        ] {
            assert!(is_domain(d), "{d}");
        }
        for d in [
            "",
            "example.com/teams",
            "exa mple.com",
            "-x.example.com",
            "a..b",
        ] {
            assert!(!is_domain(d), "{d}");
        }
    }
}
