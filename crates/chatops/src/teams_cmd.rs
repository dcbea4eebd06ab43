//! `chatops teams package`: the Teams app package to upload (manifest.json and the two
//! icons, zipped), built by `teams::manifest`.

use crate::exit;
use std::path::PathBuf;

#[derive(clap::Subcommand)]
pub enum TeamsCmd {
    /// Write the Teams app package (manifest.json, color.png, outline.png in a ZIP) to upload
    /// in Teams (Apps, Manage your apps, Upload an app) or the Teams admin centre.
    Package(PackageArgs),
}

#[derive(clap::Args)]
pub struct PackageArgs {
    /// The Microsoft App ID of the bot's app registration (TEAMS_APP_ID), a GUID.
    #[arg(long)]
    app_id: String,
    /// The app's short name, what people @mention (at most 30 characters).
    #[arg(long, default_value = "aws")]
    name: String,
    /// The host that serves /teams/messages (chatops.example.com): a valid domain of the
    /// app, and the developer pages' default. Repeat for more domains.
    #[arg(long = "domain", value_name = "HOST")]
    domains: Vec<String>,
    /// The publisher's name Teams shows (at most 32 characters).
    #[arg(long, default_value = "aws-chatops")]
    developer: String,
    /// The publisher's web page (https); default https://<first --domain>/.
    #[arg(long)]
    website_url: Option<String>,
    /// The privacy statement (https); default the website.
    #[arg(long)]
    privacy_url: Option<String>,
    /// The terms of use (https); default the website.
    #[arg(long)]
    terms_url: Option<String>,
    /// The app's version, MAJOR.MINOR.PATCH; raise it for every re-upload.
    #[arg(long = "app-version", value_name = "X.Y.Z")]
    version: Option<String>,
    /// Where to write the package.
    #[arg(long, default_value = "aws-chatops-teams.zip")]
    out: PathBuf,
}

/// Builds the package and writes it; a refused value is named with what Teams expects.
pub fn package(args: &PackageArgs) -> i32 {
    let mut app = teams::manifest::AppDetails::new(args.app_id.trim());
    app.short_name = args.name.clone();
    app.developer.name = args.developer.clone();
    if let Some(version) = &args.version {
        app.version = version.clone();
    }
    // Explicit pages first; the website stands in for the others, then the first domain's
    // page for whatever is still unset.
    let dev = &mut app.developer;
    let website = args.website_url.clone().unwrap_or_default();
    dev.website_url = website.clone();
    dev.privacy_url = args.privacy_url.clone().unwrap_or_else(|| website.clone());
    dev.terms_of_use_url = args.terms_url.clone().unwrap_or(website);
    for domain in &args.domains {
        app = app.with_domain(domain.clone());
    }
    if app.developer.website_url.is_empty() {
        eprintln!("error: no developer pages: give --domain HOST (the host that serves /teams/messages) or --website-url https://…; Teams requires a website, privacy and terms of use URL");
        return exit::FAILED;
    }
    let bytes = match teams::manifest::app_package(&app) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::FAILED;
        }
    };
    if let Err(e) = std::fs::write(&args.out, &bytes) {
        eprintln!("error: cannot write {}: {e}", args.out.display());
        return exit::FAILED;
    }
    println!(
        "{}: Teams app package {} {} (app id {}; {})",
        args.out.display(),
        app.short_name,
        app.version,
        app.app_id,
        teams::manifest::PACKAGE_FILES.join(", ")
    );
    exit::OK
}
