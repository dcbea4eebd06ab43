//! Commands run as in a configured channel (`--config F --channel C`): authorized by the
//! layered authorizer, sent to the channel's account and region, signed with the role
//! assumed for the asking user with the guardrails as session policies.

use crate::exit;
use crate::run::{Reply, SessionArgs};
use authz::plan::{plan, Ask, Plan};
use authz::resolve::ConfigCatalog;
use authz::Authorizer;
use command::{Call, Catalog};
use config::Config;
use std::path::Path;
use wire::assume::AssumeParams;

/// How an authorized command is sent.
pub struct Route {
    pub plan: Plan,
    /// The role to assume, when one is configured.
    pub assume: Option<AssumeParams>,
    /// The account's emulator endpoint, when it has one.
    pub endpoint: Option<String>,
}

fn refused(stderr: String, code: i32) -> Reply {
    Reply {
        stdout: String::new(),
        stderr,
        code,
    }
}

/// Who asks, beyond the channel.
pub struct Asker<'a> {
    pub user: &'a str,
    pub role: Option<&'a str>,
    pub account: Option<&'a str>,
}

/// Loads the configuration and plans a call as in one of its channels; `Err` is the reply
/// for a configuration that cannot be read or a channel it does not have.
pub fn plan_in_channel(
    cat: &Catalog,
    path: &Path,
    channel: &str,
    call: &Call,
    who: &Asker,
) -> Result<(Config, Plan), Reply> {
    let cfg = config::load_with(path, &ConfigCatalog)
        .map_err(|e| refused(e.to_string(), exit::FAILED))?;
    let Some(ch) = cfg.channel(channel) else {
        let names: Vec<&str> = cfg.channels.iter().map(|c| c.name.as_str()).collect();
        return Err(refused(
            format!(
                "error: no channel \"{channel}\" in {} (channels: {})",
                path.display(),
                names.join(", ")
            ),
            exit::FAILED,
        ));
    };
    let authorizer = Authorizer::new(cat.iam.clone());
    let p = plan(
        &cfg,
        &authorizer,
        &Ask {
            channel: ch,
            user: who.user,
            user_role: who.role,
            account: who.account,
            region: call.globals.region.as_deref(),
            actions: &call.iam.actions,
            aliases: &call.aliases(),
        },
    );
    Ok((cfg, p))
}

/// `Ok(None)` without a channel configuration; `Err` with the reply for a configuration
/// problem or a refusal.
pub fn authorize(cat: &Catalog, s: &SessionArgs, call: &Call) -> Result<Option<Route>, Reply> {
    let (Some(path), Some(name)) = (&s.config, &s.channel) else {
        return Ok(None);
    };
    let who = Asker {
        user: &s.user,
        role: s.role.as_deref(),
        account: s.account.as_deref(),
    };
    let (cfg, p) = plan_in_channel(cat, path, name, call, &who)?;
    if !p.decision.allowed() {
        return Err(crate::run::denied(p.decision));
    }
    let channel = cfg
        .channel(name)
        .ok_or_else(|| refused(format!("error: no channel \"{name}\""), exit::FAILED))?;
    let assume = p.role_arn.clone().map(|role_arn| {
        let session = p.session.clone().unwrap_or_default();
        AssumeParams {
            role_arn,
            user: s.user.clone(),
            policy_arns: session.policy_arns,
            policy: session.inline,
            tags: vec![
                ("chatops-workspace".into(), channel.workspace.clone()),
                ("chatops-channel".into(), channel.name.clone()),
            ],
        }
    });
    let endpoint = p.account.as_ref().and_then(|a| a.endpoint.clone());
    Ok(Some(Route {
        plan: p,
        assume,
        endpoint,
    }))
}
