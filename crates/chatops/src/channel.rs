//! Commands run as in a configured channel (`--config F --channel C`): authorized by the
//! layered authorizer, sent to the channel's account and region, signed with the role
//! assumed for the asking user with the guardrails as session policies.

use crate::exit;
use crate::run::{Reply, SessionArgs};
use authz::plan::{plan, Ask, Plan};
use authz::resolve::ConfigCatalog;
use authz::Authorizer;
use command::{Call, Catalog};
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

/// `Ok(None)` without a channel configuration; `Err` with the reply for a configuration
/// problem or a refusal.
pub fn authorize(cat: &Catalog, s: &SessionArgs, call: &Call) -> Result<Option<Route>, Reply> {
    let (Some(path), Some(name)) = (&s.config, &s.channel) else {
        return Ok(None);
    };
    let cfg = config::load_with(path, &ConfigCatalog)
        .map_err(|e| refused(e.to_string(), exit::FAILED))?;
    let channel = cfg.channel(name).ok_or_else(|| {
        refused(
            format!("error: no channel \"{name}\" in {}", path.display()),
            exit::FAILED,
        )
    })?;
    let authorizer = Authorizer::new(cat.iam.clone());
    let p = plan(
        &cfg,
        &authorizer,
        &Ask {
            channel,
            user: &s.user,
            user_role: s.role.as_deref(),
            account: s.account.as_deref(),
            region: call.globals.region.as_deref(),
            actions: &call.iam.actions,
            aliases: &call.aliases(),
        },
    );
    if !p.decision.allowed() {
        return Err(crate::run::denied(p.decision));
    }
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
