//! Operational events: CloudFormation stack and resource status changes, ECS tasks,
//! deployments and service actions, and Systems Manager Run Command, Automation and
//! Parameter Store changes, with the fields their EventBridge event pages document.

use super::value::{arn_resource, array, get, text, text_at};
use serde_json::Value;

/// The last `/`-separated part of an ARN or path (`…:service/c/web` → `web`).
pub fn last_segment(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// A stack, or one of its resources, changed status.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StackChange {
    pub stack_id: Option<String>,
    /// Given by the SNS text form; else taken from the stack id.
    pub stack_name: Option<String>,
    /// Set for a resource's change, `None` for the stack's own.
    pub logical_id: Option<String>,
    pub physical_id: Option<String>,
    pub resource_type: Option<String>,
    pub status: Option<String>,
    pub reason: Option<String>,
}

impl StackChange {
    /// The stack's name: given, else from `arn:…:stack/<name>/<uuid>`.
    pub fn stack_name(&self) -> Option<String> {
        self.stack_name.clone().or_else(|| {
            let id = self.stack_id.as_deref()?;
            let rest = arn_resource(id).strip_prefix("stack/")?;
            Some(rest.split('/').next().unwrap_or(rest).to_string())
        })
    }

    /// Whether the status is a failure or a rollback.
    pub fn failed(&self) -> bool {
        self.status
            .as_deref()
            .is_some_and(|s| s.contains("FAILED") || s.contains("ROLLBACK"))
    }
}

/// Reads the `detail` of `CloudFormation Stack Status Change` or `… Resource Status
/// Change`.
pub fn stack_event(d: &Value) -> StackChange {
    StackChange {
        stack_id: text(d, "stack-id"),
        stack_name: None,
        logical_id: text(d, "logical-resource-id"),
        physical_id: text(d, "physical-resource-id"),
        resource_type: text(d, "resource-type"),
        status: text_at(d, &["status-details", "status"]),
        reason: text_at(d, &["status-details", "status-reason"]),
    }
}

/// An ECS task changed state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EcsTask {
    pub cluster: Option<String>,
    pub task: Option<String>,
    pub task_definition: Option<String>,
    pub group: Option<String>,
    pub last_status: Option<String>,
    pub desired_status: Option<String>,
    pub stopped_reason: Option<String>,
    pub stop_code: Option<String>,
    pub containers: Vec<Container>,
}

/// One container of a task.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Container {
    pub name: String,
    pub last_status: Option<String>,
    pub exit_code: Option<String>,
    pub reason: Option<String>,
}

impl EcsTask {
    /// `family:revision` from the task definition ARN.
    pub fn task_definition_name(&self) -> Option<String> {
        self.task_definition
            .as_deref()
            .map(|t| last_segment(t).to_string())
    }

    /// Stopped with a non-zero exit, or for a reason other than a user or a scale-in.
    pub fn failed(&self) -> bool {
        let bad_exit = self
            .containers
            .iter()
            .any(|c| c.exit_code.as_deref().is_some_and(|e| e != "0"));
        let stopped = self.last_status.as_deref() == Some("STOPPED");
        stopped
            && (bad_exit
                || matches!(
                    self.stop_code.as_deref(),
                    Some("TaskFailedToStart" | "EssentialContainerExited")
                ))
    }
}

/// Reads the `detail` of `ECS Task State Change`.
pub fn ecs_task(d: &Value) -> EcsTask {
    EcsTask {
        cluster: text(d, "clusterArn"),
        task: text(d, "taskArn"),
        task_definition: text(d, "taskDefinitionArn"),
        group: text(d, "group"),
        last_status: text(d, "lastStatus"),
        desired_status: text(d, "desiredStatus"),
        stopped_reason: text(d, "stoppedReason"),
        stop_code: text(d, "stopCode"),
        containers: array(d, "containers")
            .iter()
            .map(|c| Container {
                name: text(c, "name").unwrap_or_else(|| "?".to_string()),
                last_status: text(c, "lastStatus"),
                exit_code: text(c, "exitCode"),
                reason: text(c, "reason"),
            })
            .collect(),
    }
}

/// An ECS service event: a deployment's state change (`ECS Deployment State Change`:
/// `SERVICE_DEPLOYMENT_IN_PROGRESS|COMPLETED|FAILED`) or a service action (`ECS Service
/// Action`: `SERVICE_STEADY_STATE`, `SERVICE_TASK_PLACEMENT_FAILURE`, …); both carry the
/// same `eventType`/`eventName`/`reason`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EcsServiceEvent {
    /// `INFO`, `WARN` or `ERROR`.
    pub event_type: Option<String>,
    pub event_name: Option<String>,
    /// Deployments only.
    pub deployment_id: Option<String>,
    /// Service actions only.
    pub cluster: Option<String>,
    /// `updatedAt` (deployments) or `createdAt` (service actions).
    pub at: Option<String>,
    pub reason: Option<String>,
}

impl EcsServiceEvent {
    /// An `ERROR` event or a failed deployment.
    pub fn failed(&self) -> bool {
        self.event_type.as_deref() == Some("ERROR")
            || self
                .event_name
                .as_deref()
                .is_some_and(|n| n.ends_with("FAILED"))
    }
}

/// Reads the `detail` of `ECS Deployment State Change` or `ECS Service Action`.
pub fn ecs_service_event(d: &Value) -> EcsServiceEvent {
    EcsServiceEvent {
        event_type: text(d, "eventType"),
        event_name: text(d, "eventName"),
        deployment_id: text(d, "deploymentId"),
        cluster: text(d, "clusterArn"),
        at: text(d, "updatedAt").or_else(|| text(d, "createdAt")),
        reason: text(d, "reason"),
    }
}

/// A Systems Manager status change: Run Command (`EC2 Command [Invocation]
/// Status-change Notification`), Automation (`EC2 Automation Execution|Step
/// Status-change Notification`), or a Parameter Store change.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ssm {
    /// The document, automation definition or parameter name.
    pub document: Option<String>,
    /// Command id or automation execution id.
    pub execution: Option<String>,
    pub instance: Option<String>,
    pub step: Option<String>,
    pub action: Option<String>,
    pub status: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub requested_by: Option<String>,
}

impl Ssm {
    /// Failed, timed out or cancelled.
    pub fn failed(&self) -> bool {
        self.status.as_deref().is_some_and(|s| {
            let s = s.to_ascii_lowercase();
            s.contains("fail")
                || s.contains("timedout")
                || s.contains("timed out")
                || s.contains("cancel")
        })
    }
}

/// Reads the `detail` of a Systems Manager event, whichever of its documented shapes
/// (hyphenated keys for Run Command, capitalised ones for Automation).
pub fn ssm(d: &Value) -> Ssm {
    let first = |keys: &[&str]| keys.iter().find_map(|k| text(d, k));
    Ssm {
        document: first(&["document-name", "Definition", "name"]),
        execution: first(&["command-id", "ExecutionId"]),
        instance: first(&["instance-id"]),
        step: first(&["StepName"]),
        action: first(&["Action", "operation"]),
        status: first(&["status", "Status"]),
        start: first(&["requested-date-time", "StartTime"]),
        end: first(&["EndTime"]),
        requested_by: first(&["ExecutedBy"])
            .or_else(|| get(d, "executed-by").and_then(super::value::scalar)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stack_names_come_from_the_id() {
        let s = stack_event(&json!({"stack-id":
            "arn:aws:cloudformation:us-east-1:111122223333:stack/web/1b2c",
            "status-details": {"status": "UPDATE_ROLLBACK_COMPLETE"}}));
        assert_eq!(s.stack_name().as_deref(), Some("web"));
        assert!(s.failed());
    }

    #[test]
    fn a_task_fails_on_a_non_zero_exit() {
        let mut t = ecs_task(&json!({"lastStatus": "STOPPED",
            "containers": [{"name": "app", "exitCode": 0}]}));
        assert!(!t.failed());
        t.containers[0].exit_code = Some("137".into());
        assert!(t.failed());
    }
}
