//! Security findings: GuardDuty (`aws.guardduty` · `GuardDuty Finding`) and Security Hub
//! (`aws.securityhub` · `Security Hub Findings - Imported` / `- Custom Action`, whose
//! `detail.findings[]` are in the AWS Security Finding Format).

use super::value::{array, get, number, path, text, text_at};
use crate::Severity;
use serde_json::Value;

/// A GuardDuty finding.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GuardDuty {
    pub id: Option<String>,
    pub title: Option<String>,
    pub finding_type: Option<String>,
    pub description: Option<String>,
    /// 1.0–10.0.
    pub severity: Option<f64>,
    pub account: Option<String>,
    pub region: Option<String>,
    /// `Instance i-0abc`, `AccessKey alice`, …
    pub resource: Option<String>,
    pub count: Option<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

/// GuardDuty's documented bands: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9 and
/// Critical 9.0–10.0 ("Severity levels of GuardDuty findings", which added Critical
/// for Extended Threat Detection attack sequences).
pub fn guardduty_severity(value: f64) -> Severity {
    if value >= 9.0 {
        Severity::Critical
    } else if value >= 7.0 {
        Severity::High
    } else if value >= 4.0 {
        Severity::Medium
    } else {
        Severity::Low
    }
}

/// The detail objects of a GuardDuty `resource` that name it, and the key holding the
/// name.
const RESOURCE_NAMES: [(&str, &str); 7] = [
    ("instanceDetails", "instanceId"),
    ("accessKeyDetails", "userName"),
    ("eksClusterDetails", "name"),
    ("ecsClusterDetails", "name"),
    ("rdsDbInstanceDetails", "dbInstanceIdentifier"),
    ("lambdaDetails", "functionName"),
    ("s3BucketDetails", "name"),
];

/// Reads the `detail` of a GuardDuty finding event.
pub fn guardduty(d: &Value) -> GuardDuty {
    let resource = get(d, "resource");
    let named = resource.and_then(|r| {
        RESOURCE_NAMES.iter().find_map(|(obj, key)| {
            let o = get(r, obj)?;
            // s3BucketDetails is a list.
            let o = o.as_array().and_then(|a| a.first()).unwrap_or(o);
            text(o, key)
        })
    });
    let kind = resource.and_then(|r| text(r, "resourceType"));
    let resource = match (kind, named) {
        (Some(k), Some(n)) => Some(format!("{k} {n}")),
        (k, n) => k.or(n),
    };
    GuardDuty {
        id: text(d, "id"),
        title: text(d, "title"),
        finding_type: text(d, "type"),
        description: text(d, "description"),
        severity: number(d, "severity"),
        account: text(d, "accountId"),
        region: text(d, "region"),
        resource,
        count: text_at(d, &["service", "count"]),
        first_seen: text_at(d, &["service", "eventFirstSeen"]),
        last_seen: text_at(d, &["service", "eventLastSeen"]),
    }
}

/// One Security Hub finding (ASFF).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Finding {
    pub id: Option<String>,
    pub title: Option<String>,
    pub severity: Option<Severity>,
    pub product: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    /// The first resource: `Type Id`.
    pub resource: Option<String>,
    pub compliance: Option<String>,
    pub workflow: Option<String>,
}

/// Reads `detail.findings[]` of a Security Hub event.
pub fn security_hub(d: &Value) -> Vec<Finding> {
    array(d, "findings").iter().map(finding).collect()
}

fn finding(f: &Value) -> Finding {
    let severity = text_at(f, &["Severity", "Label"])
        .and_then(|l| Severity::parse(&l))
        .or_else(|| {
            path(f, &["Severity", "Normalized"])
                .and_then(Value::as_f64)
                .map(normalized_severity)
        });
    let first = array(f, "Resources").first();
    let resource = first.and_then(|r| match (text(r, "Type"), text(r, "Id")) {
        (Some(t), Some(i)) => Some(format!("{t} {i}")),
        (t, i) => i.or(t),
    });
    Finding {
        id: text(f, "Id"),
        title: text(f, "Title"),
        severity,
        product: text(f, "ProductName")
            .or_else(|| text_at(f, &["ProductFields", "aws/securityhub/ProductName"])),
        account: text(f, "AwsAccountId"),
        region: text(f, "Region"),
        resource,
        compliance: text_at(f, &["Compliance", "Status"]),
        workflow: text_at(f, &["Workflow", "Status"]).or_else(|| text(f, "WorkflowState")),
    }
}

/// Security Hub's mapping of the deprecated `Normalized` (0–100) to labels.
fn normalized_severity(n: f64) -> Severity {
    match n {
        n if n >= 90.0 => Severity::Critical,
        n if n >= 70.0 => Severity::High,
        n if n >= 40.0 => Severity::Medium,
        n if n >= 1.0 => Severity::Low,
        _ => Severity::Informational,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn guardduty_bands() {
        assert_eq!(guardduty_severity(2.0), Severity::Low);
        assert_eq!(guardduty_severity(3.99), Severity::Low);
        assert_eq!(guardduty_severity(4.0), Severity::Medium);
        assert_eq!(guardduty_severity(6.9), Severity::Medium);
        assert_eq!(guardduty_severity(7.0), Severity::High);
        assert_eq!(guardduty_severity(8.9), Severity::High);
        assert_eq!(guardduty_severity(9.0), Severity::Critical);
    }

    #[test]
    fn security_hub_severity_from_label_or_normalized() {
        let d = json!({"findings": [
            {"Severity": {"Label": "critical"}},
            {"Severity": {"Normalized": 45}},
            {"Severity": "junk"}
        ]});
        let f = security_hub(&d);
        assert_eq!(f[0].severity, Some(Severity::Critical));
        assert_eq!(f[1].severity, Some(Severity::Medium));
        assert_eq!(f[2].severity, None);
    }

    #[test]
    fn guardduty_resource_is_named() {
        let d = json!({"resource": {"resourceType": "S3Bucket",
            "s3BucketDetails": [{"name": "logs"}]}});
        assert_eq!(guardduty(&d).resource.as_deref(), Some("S3Bucket logs"));
    }
}
