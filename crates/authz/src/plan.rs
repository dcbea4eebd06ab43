//! Who runs a command, where and as what: the channel's account and region, the role (the
//! channel's, or the user's own), the session policy for STS, the request context, and the
//! authorizer's decision. Pure: nothing is sent.

use crate::authorizer::{Authorizer, Decision, Subject};
use crate::resolve::{channel_session_policy, guardrails, role_policies};
use crate::session::SessionPolicy;
use config::{Account, Channel, Config, Role, RoleSetting};
use policy::{Context, Outcome};

/// What is asked, by whom, where.
#[derive(Debug, Clone, Copy)]
pub struct Ask<'a> {
    pub channel: &'a Channel,
    /// The chat user id.
    pub user: &'a str,
    /// The role the user chose, if any.
    pub user_role: Option<&'a str>,
    /// The account chosen for the command (else the channel's first).
    pub account: Option<&'a str>,
    /// The region typed in the command (else the account's).
    pub region: Option<&'a str>,
    pub actions: &'a [String],
    /// The operation under its service's names, for the always-deny list.
    pub aliases: &'a [String],
    /// Now, in Unix milliseconds, from the conversation's clock (`aws:CurrentTime`).
    pub now_ms: i64,
}

/// The outcome of planning.
#[derive(Debug, Clone)]
pub struct Plan {
    pub account: Option<Account>,
    pub region: String,
    pub role: Option<Role>,
    /// The role assumed with STS: the role's ARN, else the account's; `None` uses the
    /// service's own credentials.
    pub role_arn: Option<String>,
    pub session: Option<SessionPolicy>,
    pub context: Context,
    pub decision: Decision,
}

fn refusal(reason: String, advice: String) -> Decision {
    Decision {
        outcome: Outcome::ImplicitDeny,
        layer: None,
        action: None,
        policy: None,
        statement: None,
        reason,
        advice: Some(advice),
    }
}

/// The session tag naming the workspace a command came from.
pub const WORKSPACE_TAG: &str = "chatops-workspace";
/// The session tag naming the channel a command came from.
pub const CHANNEL_TAG: &str = "chatops-channel";
/// The principal tag naming the chat user (policies see it; the session carries it as the
/// source identity).
pub const USER_TAG: &str = "chatops-user";

/// The tags of the role session a channel's command runs in: AWS sees the same chat
/// identity the policies saw in [`context_for`].
pub fn session_tags(channel: &Channel) -> Vec<(String, String)> {
    vec![
        (WORKSPACE_TAG.into(), channel.workspace.clone()),
        (CHANNEL_TAG.into(), channel.name.clone()),
    ]
}

/// The request context the policies see: region, time, and the chat identity, as AWS will
/// see them through the session (source identity and session tags).
pub fn context_for(
    workspace: &str,
    channel: &str,
    user: &str,
    region: &str,
    role_arn: Option<&str>,
    now_ms: i64,
) -> Context {
    let mut ctx = Context::new();
    let now = u64::try_from(now_ms / 1000).unwrap_or(0);
    ctx.set("aws:RequestedRegion", region);
    ctx.set("aws:EpochTime", now.to_string());
    ctx.set(
        "aws:CurrentTime",
        command::timestamp::from_epoch(now as f64).unwrap_or_default(),
    );
    ctx.set("aws:username", user);
    ctx.set("aws:SourceIdentity", user);
    ctx.set(&format!("aws:PrincipalTag/{WORKSPACE_TAG}"), workspace);
    ctx.set(&format!("aws:PrincipalTag/{CHANNEL_TAG}"), channel);
    ctx.set(&format!("aws:PrincipalTag/{USER_TAG}"), user);
    if let Some(arn) = role_arn {
        ctx.set("aws:PrincipalArn", arn);
    }
    ctx
}

/// Plans a command; a refusal (policy or set-up) is in `decision`.
pub fn plan(cfg: &Config, authorizer: &Authorizer, ask: &Ask) -> Plan {
    let ch = ask.channel;
    let names: Vec<&str> = ask
        .actions
        .iter()
        .chain(ask.aliases)
        .map(String::as_str)
        .collect();
    let denied = authorizer.always_denied(&names);
    let account = match ask.account {
        Some(name) => cfg.channel_account(ch, name).cloned(),
        None => cfg.channel_accounts(ch).next().cloned(),
    };
    let region = ask
        .region
        .map(str::to_string)
        .or_else(|| account.as_ref().map(|a| a.region.clone()))
        .unwrap_or_else(|| cfg.defaults.region.clone());
    let mut plan = Plan {
        account: account.clone(),
        region: region.clone(),
        role: None,
        role_arn: None,
        session: None,
        context: Context::new(),
        decision: refusal(String::new(), String::new()),
    };
    if let Some(d) = denied {
        plan.decision = d;
        return plan;
    }
    let Some(account) = account else {
        let names = ch.accounts.join(", ");
        plan.decision = refusal(
            format!(
                "{} may not use account \"{}\"",
                ch.name,
                ask.account.unwrap_or("")
            ),
            format!("choose one of the channel's accounts: {names}"),
        );
        return plan;
    };
    // The role: the user's own where the channel uses user roles or the user chose one.
    let role = match (ask.user_role, ch.role_setting) {
        (Some(r), _) if ch.allows_user_role(r) => cfg.role(r),
        (Some(r), _) => {
            plan.decision = refusal(
                format!("role \"{r}\" is not one of the roles {} allows", ch.name),
                format!(
                    "choose one of: {} (`@aws switch-role`)",
                    ch.user_roles.join(", ")
                ),
            );
            return plan;
        }
        (None, _)
            if ch.require_user_role
                || (ch.role_setting == RoleSetting::User && ch.channel_role.is_none()) =>
        {
            plan.decision = refusal(
                format!(
                    "{} runs commands with each user's own role, and you have not chosen one",
                    ch.name
                ),
                format!(
                    "choose a role with `@aws switch-role` (this channel allows: {})",
                    ch.user_roles.join(", ")
                ),
            );
            return plan;
        }
        (None, _) => cfg.channel_role(ch),
    };
    plan.role = role.cloned();
    plan.role_arn = role
        .and_then(|r| r.role_arn.clone())
        .or_else(|| account.role_arn.clone());
    plan.context = context_for(
        &ch.workspace,
        &ch.name,
        ask.user,
        &region,
        plan.role_arn.as_deref(),
        ask.now_ms,
    );
    let built = guardrails(cfg, authorizer.builtins(), ch).and_then(|g| {
        let rp = match role {
            Some(r) => role_policies(cfg, authorizer.builtins(), r)?,
            None => None,
        };
        Ok((g, rp))
    });
    let (guards, role_pols) = match built {
        Ok(x) => x,
        Err(e) => {
            plan.decision = refusal(
                format!("the channel's policies cannot be used: {e}"),
                "ask an admin to run `chatops config check`".into(),
            );
            return plan;
        }
    };
    let actions: Vec<&str> = ask.actions.iter().map(String::as_str).collect();
    let who = Subject {
        channel: &ch.name,
        guardrails: &guards,
        role: role.map(|r| r.name.as_str()),
        role_policies: role_pols.as_deref(),
    };
    let aliases: Vec<&str> = ask.aliases.iter().map(String::as_str).collect();
    plan.decision = authorizer.check_call(&actions, &aliases, "*", &plan.context, &who);
    if plan.decision.allowed() && plan.role_arn.is_some() {
        match channel_session_policy(cfg, ch) {
            Ok(s) => plan.session = Some(s),
            Err(e) => {
                plan.decision = refusal(
                    format!("the guardrails cannot be passed to AWS as session policies: {e}"),
                    "ask an admin to shorten the channel's custom guardrails".into(),
                );
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_time_is_the_callers_clock() {
        let ctx = context_for("w", "ops", "U1", "eu-west-1", None, 1_767_225_600_000);
        assert_eq!(
            ctx.single_lower("aws:currenttime"),
            Some("2026-01-01T00:00:00Z")
        );
        assert_eq!(ctx.single_lower("aws:epochtime"), Some("1767225600"));
        assert_eq!(
            ctx.single_lower(&format!("aws:principaltag/{CHANNEL_TAG}")),
            Some("ops")
        );
    }
}
